#!/usr/bin/env bash
# CI check of the AWS stack, without an AWS account or the CDK CLI (.ci/run calls it):
# synthesizes the prod and staging stages, expands the SAM template, runs cfn-lint and checkov
# on it (findings not accepted in checks/accepted.json fail), checks the shared libraries of the
# Lambda package against lambda-base-libs.txt and that every module in it is compiled, and asserts
# the template's rules (checks/template_rules.py; checks/self_test.py puts the defects they guard
# against back into a copy and expects each reported).
#
# Cold (no infra/.venv, empty pip cache): measured in infra/README.md. Warm: venv and the Lambda
# layer are reused while requirements*.txt are unchanged (Chalice keeps the layer in
# ../.chalice/deployments), so only the synth and the checks run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
out="$here/cdk.out"
mail_from="invoices@billing.example.com"  # any address: nothing is deployed

# The synth interpreter becomes the Lambda runtime (python3.13); pyenv shims need the version named.
python="${PYTHON:-python3.13}"
if ! "$python" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null && command -v pyenv >/dev/null; then
  export PYENV_VERSION="$(pyenv versions --bare | grep '^3\.13' | tail -1)"
fi

stamp="$venv/.requirements-sha"
want="$(cat "$here/requirements.txt" "$here/requirements-check.txt" "$here/../requirements.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" -r "$here/requirements-check.txt"
  echo "$want" > "$stamp"
fi
py="$venv/bin/python"
# Node 22 for jsii (the machine's Node 20 is end of life): from npm, into infra/node_modules.
node_stamp="$here/node_modules/.installed"
if [ ! "$node_stamp" -nt "$here/package-lock.json" ]; then
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
  touch "$node_stamp"
fi
export PATH="$here/node_modules/.bin:$PATH"

start=$SECONDS
rm -rf "$out" "$out-staging"
"$py" "$here/checks/synth.py" "$out-staging" stage=staging mail_from="$mail_from" >/dev/null
"$py" "$here/checks/synth.py" "$out" stage=prod mail_from="$mail_from" >/dev/null
echo "synthesized prod and staging in $((SECONDS - start)) s"

failed=0
for stage in prod staging; do
  dir="$out"; [ "$stage" = prod ] || dir="$out-$stage"
  "$py" "$here/checks/expand_sam.py" "$dir/$stage.template.json" "$dir/$stage.expanded.json"
  "$py" "$here/checks/template_rules.py" "$dir/$stage.expanded.json" "$stage" || failed=1
done
"$py" "$here/checks/self_test.py" "$out/prod.expanded.json" prod || failed=1  # the rules can fail
"$py" "$here/checks/findings.py" "$out/prod.expanded.json" || failed=1
layer_zips=("$out"/asset.*.zip)
"$py" "$here/checks/shared_libs.py" "$here/lambda-base-libs.txt" aarch64 "${layer_zips[@]}" || failed=1
# The library check must be able to fail: Pillow's extension without the libraries its wheel bundles.
probe="$(mktemp -d)"
"$py" - "$probe/probe.zip" "${layer_zips[@]}" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as probe:
    for path in sys.argv[2:]:
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if "/PIL/_imaging." in name:
                    probe.writestr(name, package.read(name))
PY
if "$py" "$here/checks/shared_libs.py" "$here/lambda-base-libs.txt" aarch64 "$probe/probe.zip" >/dev/null; then
  echo "shared libraries: the check passed a package missing Pillow's bundled libraries"; failed=1
fi
# Every module with its bytecode (stacks/bytecode.py), and the check able to fail: a module without.
"$py" "$here/checks/bytecode.py" "${layer_zips[@]}" || failed=1
"$py" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("app.py", "")' "$probe/source.zip"
if "$py" "$here/checks/bytecode.py" "$probe/source.zip" >/dev/null; then
  echo "bytecode: the check passed a package with a module not compiled"; failed=1
fi
rm -rf "$probe"
echo "stack checks took $((SECONDS - start)) s"
exit $failed
