"""The seller and buyer of a UBL e-invoice (EN 16931 BG-4, BG-7), and the element helpers ubl.py shares.

Each choice here is forced by a rule of EN 16931 or Peppol BIS Billing 3.0:
- A postal address needs a country code (BR-09, BR-11). An address without one takes the country of
  the VAT number's prefix, else GB: the service invoices under UK VAT, so a party that names neither
  an address country nor a foreign VAT number is taken to be in the UK.
- VAT identifiers must start with a country prefix (BR-CO-09): spaces are dropped, and a number
  entered without a prefix gets its party's country (EL for Greece, as VAT numbers write it).
- Peppol requires an electronic address with a scheme from its EAS list (PEPPOL-EN16931-R010, R020,
  CL008): the party's `peppol_id`, else the identifier its VAT number defines (domain.peppol), else
  none, and ubl.py refuses the document (an email, scheme EM, is EN 16931 but not Peppol).
- A document outside the scope of VAT must carry no VAT identifier (BR-O-02) yet must identify the
  seller (BR-CO-26): the seller's VAT number, else its email, becomes its Seller identifier (BT-29).
"""
import re
import xml.etree.ElementTree as ET
from typing import Any, Dict, NamedTuple, Optional

from ..domain.peppol import PeppolId, from_vat_number

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_PREFIXES = {"cac": CAC, "cbc": CBC}
for _prefix, _uri in _PREFIXES.items():  # so the output reads cac:/cbc: rather than ns0:/ns1:
    ET.register_namespace(_prefix, _uri)

HOME_COUNTRY = "GB"
# VAT number prefixes that are not ISO 3166 country codes.
_PREFIX_COUNTRIES = {"EL": "GR", "XI": "GB"}
_COUNTRY_PREFIXES = {"GR": "EL"}
# Characters XML 1.0 cannot carry at all; free text from the API may hold them.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _tag(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"{{{_PREFIXES[prefix]}}}{local}"


def group(parent: ET.Element, name: str) -> ET.Element:
    """An aggregate element (cac:...), always written."""
    return ET.SubElement(parent, _tag(name))


def leaf(parent: ET.Element, name: str, value: Any, **attributes: str) -> Optional[ET.Element]:
    """A basic element (cbc:...) with text; left out when the value is missing or blank,
    because Peppol refuses empty elements (PEPPOL-EN16931-R008)."""
    text = "" if value is None else _NOT_XML.sub("", str(value))
    if not text.strip():
        return None
    element = ET.SubElement(parent, _tag(name), attributes)
    element.text = text
    return element


class Party(NamedTuple):
    legal_name: str
    trading_name: Optional[str]
    address: Dict[str, str]
    country: str
    vat_id: Optional[str]
    email: Optional[str]
    phone: Optional[str]
    contact_name: Optional[str]
    endpoint: Optional[PeppolId]


def seller(supplier: Dict[str, Any]) -> Party:
    return _party(supplier["legal_name"], supplier.get("trading_name"), supplier.get("address"),
                  supplier.get("vat_number"), supplier.get("peppol_id"),
                  (supplier.get("email"), supplier.get("phone"), supplier.get("contact_name")))


def buyer(customer: Dict[str, Any]) -> Party:
    """The company is the legal name when given; the customer's name is then its trading name."""
    company, name = customer.get("company"), customer["name"]
    emails = customer.get("emails") or [None]
    return _party(company or name, name if company and company != name else None,
                  customer.get("billing_address"), customer.get("vat_number"), customer.get("peppol_id"),
                  (emails[0], None, None))


def _party(legal_name, trading_name, address, vat_number, peppol_id, contact) -> Party:
    """`contact`: (email, phone, contact name)."""
    address = address or {}
    vat = "".join(vat_number.split()).upper() if vat_number else None
    country = (address.get("country") or _vat_country(vat) or HOME_COUNTRY).upper()
    if vat and not vat[:2].isalpha():
        vat = _COUNTRY_PREFIXES.get(country, country) + vat
    endpoint = PeppolId(peppol_id["scheme"], peppol_id["value"]) if peppol_id else from_vat_number(vat)
    return Party(legal_name, trading_name, address, country, vat, *contact, endpoint)


def _vat_country(vat: Optional[str]) -> Optional[str]:
    if vat and vat[:2].isalpha():
        return _PREFIX_COUNTRIES.get(vat[:2], vat[:2])
    return None


def add_party(root: ET.Element, role: str, party: Party, *, show_vat: bool, identify: bool) -> None:
    """cac:AccountingSupplierParty or cac:AccountingCustomerParty (`role`). `show_vat` False leaves
    the VAT identifier out (BR-O-02); `identify` adds the Seller identifier that then replaces it."""
    node = group(group(root, role), "cac:Party")
    if party.endpoint:
        leaf(node, "cbc:EndpointID", party.endpoint.value, schemeID=party.endpoint.scheme)
    if identify:
        leaf(group(node, "cac:PartyIdentification"), "cbc:ID", party.vat_id or party.email)
    if party.trading_name:
        leaf(group(node, "cac:PartyName"), "cbc:Name", party.trading_name)
    _add_address(node, party)
    if show_vat and party.vat_id:
        scheme_node = group(node, "cac:PartyTaxScheme")
        leaf(scheme_node, "cbc:CompanyID", party.vat_id)
        leaf(group(scheme_node, "cac:TaxScheme"), "cbc:ID", "VAT")
    leaf(group(node, "cac:PartyLegalEntity"), "cbc:RegistrationName", party.legal_name)
    if party.email or party.phone or party.contact_name:
        contact = group(node, "cac:Contact")
        leaf(contact, "cbc:Name", party.contact_name)
        leaf(contact, "cbc:Telephone", party.phone)
        leaf(contact, "cbc:ElectronicMail", party.email)


def _add_address(node: ET.Element, party: Party) -> None:
    address = group(node, "cac:PostalAddress")
    for key, name in (("line1", "cbc:StreetName"), ("line2", "cbc:AdditionalStreetName"),
                      ("city", "cbc:CityName"), ("postal_code", "cbc:PostalZone"),
                      ("region", "cbc:CountrySubentity")):
        leaf(address, name, party.address.get(key))
    leaf(group(address, "cac:Country"), "cbc:IdentificationCode", party.country)
