"""Compile the Peppol BIS Billing 3.0 rules once to the XSLT the tests run, then self-test it.

    .venv/bin/python -m tests.support.peppol.compile_rules --peppol DIR --schxslt DIR

--peppol: the OpenPEPPOL/peppol-bis-invoice-3 repository at RELEASE (its rules/ folder is read).
--schxslt: SchXslt's XSLT 2.0 compiler, core/src/main/resources/xslt/2.0 of schxslt/schxslt at
SCHXSLT (MIT). Neither is kept here: only the compiled rules, with the notice they come under.

rules/sch/PEPPOL-EN16931-UBL.sch becomes PEPPOL-EN16931-UBL.xslt beside this script. The self-test
then runs it against the rules' own unit tests (rules/unit-UBL-*/*.xml, VEFA test sets: each test
names the rules that must pass (success), fail as fatal (error) or warn (warning) on its document)
and their example documents (rules/examples, rules/national-examples: no fatal failure). The script
exits non-zero if any test disagrees, so a release whose rules compile wrongly is never kept.
"""
import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator, List, Tuple

from tests.support.einvoice import FATAL, PEPPOL, rule_findings

RELEASE = "v3.0.19"
SCHXSLT = "v1.10"
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
CREATED = re.compile(r"\s*<dct:created>[^<]*</dct:created>")
EXPECTED_FLAG = {"error": FATAL, "warning": "warning"}
HEADER = (f"\n  Peppol BIS Billing 3.0 rules for UBL (OpenPEPPOL/peppol-bis-invoice-3 {RELEASE}, "
          f"rules/sch/PEPPOL-EN16931-UBL.sch),\n  compiled by SchXslt {SCHXSLT} "
          f"(tests/support/peppol/compile_rules.py). Copyright OpenPeppol AISBL: see NOTICE.md.\n")


def compile_rules(peppol: Path, schxslt: Path) -> None:
    from saxonche import PySaxonProcessor

    with PySaxonProcessor(license=False) as processor:
        compiler = processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(schxslt / "pipeline-for-svrl.xsl"))
        compiled = compiler.transform_to_string(
            source_file=str(peppol / "rules" / "sch" / "PEPPOL-EN16931-UBL.sch"))
    compiled = CREATED.sub("", compiled)  # the time of compiling: without it, a release compiles to the same bytes
    declaration, _, rest = compiled.partition("?>")
    PEPPOL.write_text(f"{declaration}?>\n<!--{HEADER}-->{rest}", encoding="utf-8")


def unit_tests(peppol: Path) -> Iterator[Tuple[str, bytes, List[Tuple[str, str]]]]:
    """(name, document, [(kind, rule id)]) of every UBL unit test, kind being success/error/warning."""
    for path in sorted((peppol / "rules").glob("unit-UBL-*/*.xml")):
        for number, test in enumerate(ET.parse(path).getroot().iter(f"{VEFA}test"), start=1):
            expected = [(node.tag.removeprefix(VEFA), node.text.strip())
                        for node in test.find(f"{VEFA}assert") if node.tag != f"{VEFA}description"]
            document = next(node for node in test if not node.tag.startswith(VEFA))
            yield f"{path.parent.name}/{path.name} test {number}", ET.tostring(document), expected


def disagreements(name: str, document: bytes, expected: List[Tuple[str, str]]) -> List[str]:
    flags = {}
    for finding in rule_findings(document, PEPPOL):
        flags.setdefault(finding.id, set()).add(finding.flag)
    wrong = []
    for kind, rule in expected:
        fired = flags.get(rule, set())
        if (kind == "success" and fired) or (kind != "success" and EXPECTED_FLAG[kind] not in fired):
            wrong.append(f"{name}: {rule} expected {kind}, rules said {sorted(fired) or 'pass'}")
    return wrong


def examples(peppol: Path) -> Iterator[Path]:
    yield from sorted((peppol / "rules" / "examples").glob("*.xml"))
    yield from sorted((peppol / "rules" / "national-examples").glob("*/*.xml"))


def self_test(peppol: Path) -> List[str]:
    """Every disagreement between the compiled rules and the release's own tests and examples."""
    wrong, checks = [], 0
    for name, document, expected in unit_tests(peppol):
        wrong += disagreements(name, document, expected)
        checks += len(expected)
    for path in examples(peppol):
        fatal = [f.id for f in rule_findings(path.read_bytes(), PEPPOL) if f.flag == FATAL]
        wrong += [f"{path.name}: fatal {rule}" for rule in fatal]
        checks += 1
    print(f"self-test: {checks} expectations, {len(wrong)} disagreements")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peppol", type=Path, required=True, help=f"peppol-bis-invoice-3 at {RELEASE}")
    parser.add_argument("--schxslt", type=Path, required=True, help=f"SchXslt {SCHXSLT} xslt/2.0 folder")
    arguments = parser.parse_args()
    compile_rules(arguments.peppol, arguments.schxslt)
    wrong = self_test(arguments.peppol)
    print("\n".join(wrong))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
