#!/usr/bin/env bash
# Synthesize the stack (no AWS account, no CDK CLI) to check that app.py
# packages and the CDK app builds. Not part of `make test`.
#
# First run: ~1 min for infra/.venv and ~1 min for the dependency layer (both
# need PyPI). Later runs: ~10-25 s, offline while requirements.txt is unchanged.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3.11}"  # the synth interpreter becomes the Lambda runtime

stamp="$venv/.requirements-sha"
want="$(cat "$here/requirements.txt" "$here/../requirements.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$want" > "$stamp"
fi

cd "$here"
rm -rf cdk.out
start=$SECONDS
# No credentials needed; skip the EC2 metadata probe botocore makes without them.
AWS_EC2_METADATA_DISABLED=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1 \
  CDK_OUTDIR="$here/cdk.out" "$venv/bin/python" app.py
"$venv/bin/python" - <<'PY'
import collections, glob, json
[path] = glob.glob("cdk.out/*.template.json")
resources = json.load(open(path))["Resources"]
counts = collections.Counter(r["Type"] for r in resources.values())
for kind, n in sorted(counts.items()):
    print(f"{n:3} {kind}")
for name, r in resources.items():
    if r["Type"] != "AWS::Serverless::Function":
        continue
    for e in r["Properties"].get("Events", {}).values():
        if e["Type"] == "SQS" and e["Properties"].get("FunctionResponseTypes") != ["ReportBatchItemFailures"]:
            raise SystemExit(f"{name}: SQS event source without ReportBatchItemFailures")
PY
echo "synthesized $(ls cdk.out/*.template.json) in $((SECONDS - start)) s"
