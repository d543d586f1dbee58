"""cfn-lint and checkov on the SAM-expanded template; fails on any error, and on any warning or
failed check not accepted with a reason in accepted.json. Usage: findings.py <expanded.json>."""
import json
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def accepted(tool: str) -> Dict[str, dict]:
    return json.loads((HERE / "accepted.json").read_text())[tool]


def is_accepted(rules: Dict[str, dict], check: str, resource: str) -> bool:
    rule = rules.get(check)
    return bool(rule) and ("*" in rule["resources"] or resource in rule["resources"])


def cfn_lint(template: str) -> List[Tuple[str, str, str]]:
    """(rule id, resource, message) of every error and warning."""
    run = subprocess.run([str(BIN / "cfn-lint"), "--format", "json", template], capture_output=True, text=True)
    found = []
    for match in json.loads(run.stdout or "[]"):
        path = match["Location"].get("Path") or ["", ""]
        found.append((match["Rule"]["Id"], str(path[1]) if len(path) > 1 else "", match["Message"]))
    return found


def checkov(template: str) -> List[Tuple[str, str, str]]:
    run = subprocess.run([str(BIN / "checkov"), "-f", template, "--framework", "cloudformation", "--quiet",
                          "--compact", "--skip-download", "-o", "json"], capture_output=True, text=True)
    report = json.loads(run.stdout)
    report = report[0] if isinstance(report, list) else report
    return [(f["check_id"], f["resource"].split(".", 1)[1], f["check_name"])
            for f in report.get("results", {}).get("failed_checks", [])]


def main(template: str) -> int:
    failures, summary = [], []
    for tool, found in (("cfn-lint", cfn_lint(template)), ("checkov", checkov(template))):
        rules = accepted(tool)
        new = [f for f in found if f[0].startswith("E") or not is_accepted(rules, f[0], f[1])]
        failures += [f"{tool}: {check} {resource}: {message}" for check, resource, message in new]
        summary.append(f"{tool}: {len(found)} finding(s), {len(found) - len(new)} accepted in accepted.json")
    for line in failures + summary:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
