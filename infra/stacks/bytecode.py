"""Bytecode for the Lambda package: every module compiled before zipping.

`chalice package` zips sources only (wheels carry no `.pyc`), and Lambda's file
system is read-only, so without this each cold start compiles every module it
imports (botocore, pynamodb, ours) and throws the result away. Compiled with the
interpreter that synthesizes, which is the runtime's version (infra/app.py), as
unchecked-hash `.pyc`: valid whatever timestamps the zip gives the sources, never
compared with them (the package is never edited in place). Standard library only:
bench/cold_start.py builds its package with it too.
"""
import compileall
import hashlib
import py_compile
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Optional

# A fixed time for the added entries, so the same sources give the same zip (and CDK asset hash).
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def compile_tree(root: Path) -> None:
    """Writes `__pycache__/*.pyc` beside every module under root. A file this Python cannot
    compile (a template, another version's code) is left as it is, as pip leaves it."""
    compileall.compile_dir(str(root), quiet=2,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def compile_zip(path: Path, cache: Optional[Path] = None) -> None:
    """Rewrites the zip with the bytecode of its modules, in place of any `__pycache__` it held
    (Chalice zips chalicelib/ as it finds it). With `cache` (a directory), a zip compiled before
    from the same bytes by this Python is reused (the layer changes only with the requirements)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    kept = cache and cache / f"bytecode-{digest}-{sys.implementation.cache_tag}.zip"
    if kept and kept.exists():
        shutil.copyfile(kept, path)
        return
    with tempfile.TemporaryDirectory(prefix="bytecode-") as scratch:
        compiled = Path(scratch, "compiled.zip")
        with zipfile.ZipFile(path) as package, zipfile.ZipFile(compiled, "w") as out:
            sources = [entry for entry in package.infolist() if "__pycache__/" not in entry.filename]
            package.extractall(Path(scratch, "tree"), sources)
            for entry in sources:
                out.writestr(entry, package.read(entry))
            compile_tree(Path(scratch, "tree"))
            for pyc in sorted(Path(scratch, "tree").rglob("__pycache__/*.pyc")):
                entry = zipfile.ZipInfo(pyc.relative_to(Path(scratch, "tree")).as_posix(), _ZIP_TIME)
                entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                out.writestr(entry, pyc.read_bytes())
        shutil.move(compiled, path)
    if kept:
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, kept)
