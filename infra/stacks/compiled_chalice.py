"""Chalice's CDK construct, its Lambda package compiled to bytecode (stacks/bytecode.py)."""
from pathlib import Path

from chalice.cdk import Chalice

from .bytecode import compile_zip


class CompiledChalice(Chalice):
    """Compiles the function's and the layer's zips after `chalice package` writes them and before
    the construct makes them assets (chalice==1.34's `_package_app`; checks/bytecode.py fails the
    stack check if a package reaches cdk.out without its bytecode)."""

    def _package_app(self) -> None:
        super()._package_app()
        compile_zip(Path(self._sam_package_dir, "deployment.zip"))
        layer = Path(self._sam_package_dir, "layer-deployment.zip")
        if layer.exists():  # compiled once per requirements, kept where Chalice keeps its layer
            compile_zip(layer, Path(self.source_dir, ".chalice", "deployments"))
