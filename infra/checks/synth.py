"""Synthesize one stage without the CDK CLI: cdk.json's context plus the given values, as
`cdk synth -c name=value` would pass them. Usage: synth.py <outdir> name=value..."""
import json
import os
import subprocess
import sys
from pathlib import Path

INFRA = Path(__file__).resolve().parent.parent


def synth(outdir: str, overrides: dict) -> None:
    context = json.loads((INFRA / "cdk.json").read_text())["context"]
    env = dict(os.environ, CDK_OUTDIR=outdir, CDK_CONTEXT_JSON=json.dumps({**context, **overrides}),
               # No credentials needed; skip the EC2 metadata probe botocore makes without them.
               AWS_EC2_METADATA_DISABLED="true")
    subprocess.run([sys.executable, "app.py"], cwd=INFRA, env=env, check=True)


if __name__ == "__main__":
    synth(sys.argv[1], dict(arg.split("=", 1) for arg in sys.argv[2:]))
