"""Fails when a module of the Lambda package has no bytecode for the runtime, or when the package
unzipped exceeds Lambda's 250 MB (function and layers together).

Without a `.pyc` a cold start compiles the module and throws the result away (the file system is
read-only; stacks/bytecode.py compiles the package). Each `.py` needs its `__pycache__` file of
this interpreter's cache tag and magic number (the synth's Python is the runtime's), hash-based
and unchecked, since the zip's timestamps are not the sources'.
Usage: bytecode.py <zip>...
"""
import importlib.util
import posixpath
import sys
import zipfile
from typing import List

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
_UNCHECKED_HASH = 0b01  # the pyc's flags word: hash-based, source never checked (PEP 552)


def problems(zips: List[str]) -> List[str]:
    found, unzipped = [], 0
    for path in zips:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            unzipped += sum(entry.file_size for entry in package.infolist())
            for name in sorted(n for n in names if n.endswith(".py")):
                head, stem = posixpath.split(name[:-3])
                pyc = posixpath.join(head, "__pycache__", f"{stem}.{sys.implementation.cache_tag}.pyc")
                if pyc not in names:
                    found.append(f"{path}: {name} has no {sys.implementation.cache_tag} bytecode")
                    continue
                header = package.read(pyc)[:8]
                if header[:4] != importlib.util.MAGIC_NUMBER or int.from_bytes(header[4:], "little") != _UNCHECKED_HASH:
                    found.append(f"{path}: {pyc} is not unchecked-hash bytecode of this Python")
    if unzipped > LAMBDA_UNZIPPED_LIMIT:
        found.append(f"unzipped {unzipped / 2 ** 20:.0f} MiB, over Lambda's 250 MiB")
    return found


def main(zips: List[str]) -> int:
    found = problems(zips)
    for line in found[:20]:
        print("bytecode:", line)
    if not found:
        print(f"bytecode: every module of {len(zips)} package(s) compiled for {sys.implementation.cache_tag}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
