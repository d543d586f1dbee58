"""Fails when a shared object in the Lambda package needs a library that is neither in the package
nor in the Lambda runtime's base image (lambda-base-libs.txt), or was built for another machine.

Reads the ELF NEEDED entries of every ELF file in the layer and function zips, and checks that each
installed distribution came from a wheel whose tags fit the runtime (no wheel built on this host).
Usage: shared_libs.py <base-libs.txt> <aarch64|x86_64> <zip>...
"""
import io
import re
import sys
import zipfile
from pathlib import PurePosixPath
from typing import Dict, Iterable, List, Set

from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

MACHINES = {"aarch64": "EM_AARCH64", "x86_64": "EM_X86_64"}


def base_libraries(path: str) -> Set[str]:
    with open(path) as f:
        return {line.split()[0] for line in f if line.strip() and not line.startswith("#")}


def elf_files(archive: zipfile.ZipFile) -> Iterable[tuple]:
    for info in archive.infolist():
        with archive.open(info) as f:
            if f.read(4) != b"\x7fELF":
                continue
        yield info.filename, ELFFile(io.BytesIO(archive.read(info)))


def needed(elf: ELFFile) -> List[str]:
    return [tag.needed for section in elf.iter_sections() if isinstance(section, DynamicSection)
            for tag in section.iter_tags() if tag.entry.d_tag == "DT_NEEDED"]


def wheel_tags(archive: zipfile.ZipFile) -> Dict[str, List[str]]:
    """dist-info directory -> the Tag lines of its WHEEL file."""
    return {str(PurePosixPath(name).parent): [line.split(":", 1)[1].strip()
                                             for line in archive.read(name).decode().splitlines()
                                             if line.startswith("Tag:")]
            for name in archive.namelist() if name.endswith(".dist-info/WHEEL")}


def problems(zips: List[str], base: Set[str], machine: str) -> List[str]:
    found, bundled, wanted = [], set(), {}
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            for name, elf in elf_files(archive):
                bundled.add(PurePosixPath(name).name)
                if elf["e_machine"] != MACHINES[machine]:
                    found.append(f"{name}: built for {elf['e_machine']}, not {machine}")
                for library in needed(elf):
                    wanted.setdefault(library, []).append(name)
            for dist, tags in wheel_tags(archive).items():
                if any(re.search(r"linux_(x86_64|aarch64)$", t) and "manylinux" not in t for t in tags):
                    found.append(f"{dist}: built on the build host ({tags}), not a manylinux wheel")
    for library, users in sorted(wanted.items()):
        if library not in bundled and library not in base:
            found.append(f"{library}: needed by {users[0]} (and {len(users) - 1} more), "
                         "neither bundled nor in the runtime's base image")
    return found


def main(argv: List[str]) -> int:
    base_path, machine, *zips = argv
    found = problems(zips, base_libraries(base_path), machine)
    for line in found:
        print("shared libraries:", line)
    if not found:
        print(f"shared libraries: every NEEDED entry of {len(zips)} package(s) is bundled or in the base image")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
