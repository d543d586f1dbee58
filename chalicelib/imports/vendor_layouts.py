"""Invoice files other systems write, read as they are: QuickBooks Online, Sage 50 and Clear Books.

Each layout follows the vendor's published import format (the same our accounting
exports write, render/accounting/*), named with its source below. Tax codes are
read back through the tenant's accounting mapping for that system (imports/
tax_codes.py); a code the mapping does not give is the row's reason.

- QuickBooks Online (UK), "Import invoices": the headers its import maps by
  itself, spelled as in its sample file (InvoiceNo, Customer, InvoiceDate,
  DueDate, Terms, Location, Memo, Item(Product/Service), ItemDescription,
  ItemQuantity, ItemRate, ItemAmount, ItemTaxCode, ItemTaxAmount, Currency).
  Memo is the invoice's reference; ItemAmount is recomputed, ItemTaxAmount kept (below).
- Sage 50 Accounts (UK), the Audit Trail Transaction import (fields 1 to 13 as
  Making I.T. Happen's "Standard Sage 50 Imports - Audit Trail Records" lists
  them): one row per split (net on one nominal code at one tax code), so each
  row is one line of one unit at its Net Amount, Details its description.
  Reference is the invoice number, Account Reference the customer (through the
  tenant's mapped Sage references, else by name), Extra Reference the
  customer's reference. Type SI is a sales invoice, SC a sales credit; other
  types are refused. Sage's file names no currency: documents take the
  customer's.
- Clear Books, "How to import sales invoices" and "How to import multi-currency
  invoices": one row per line; Line quantity and Line unit price give the line,
  Line VAT rate its tax code (a fraction, "0.2", as Clear Books writes it);
  Line net price and the multi-currency amounts are recomputed, Line VAT amount
  kept (below).

Customers: Xero's contacts import template (Xero Central, "Import contacts into
Xero": Contacts > All contacts > Import > Download template file; only
ContactName is required; the same columns come out of Contacts > Export). Its
person's FirstName and LastName make our contact_name, LegalName the company,
TaxNumber the VAT number, PO... the billing and SA... the delivery address.
Bank, tax code, account, tracking, discount and payment term columns have no
place on our customers: read and ignored.

QuickBooks Online's customer import (Intuit, "Which contact fields are
imported?"): Full Name (or Name), Company, Email, Phone, Mobile, Fax, Website,
Street, City, State (or County), ZIP code (or Postcode), Country, Opening
Balance, Opening Balance Date, Resale Number, Currency. An opening balance is
not a customer's field here (enter it as an invoice): read and ignored, as are
Mobile, Fax, Website and Resale Number.

VAT amounts (Xero's TaxAmount, QuickBooks' ItemTaxAmount, Sage's Tax Amount, Clear
Books' Line VAT amount) are what the other system charged: each is kept as the line's
VAT (pricing.py, a stated VAT) when it is the line's exact VAT rounded down or up, as
any system's rounding per line or share of a per-invoice total is; further from it,
the row is refused. A blank one is worked out by the tenant's rounding.

Credit notes: Sage's SC rows, Clear Books' and Xero's negative documents and
QuickBooks' credit note file, each naming the invoice it corrects (Extra
Reference, Reference, or the first word of QuickBooks' Memo); the customer is
the invoice's. An invoices upload skips a file's credit notes and a credit
notes upload its invoices, each saying so: upload such a file as both kinds.
"""
from typing import Dict, FrozenSet, Tuple

QUICKBOOKS, SAGE50, CLEARBOOKS = "quickbooks", "sage50", "clearbooks"
NAMES = {QUICKBOOKS: "QuickBooks Online", SAGE50: "Sage 50", CLEARBOOKS: "Clear Books"}
# The normalised headers (kinds.normal) that say a file is in a layout.
SIGNATURES: Dict[str, FrozenSet[str]] = {
    QUICKBOOKS: frozenset({"invoiceno", "customer", "invoicedate"}),
    SAGE50: frozenset({"type", "accountreference", "nominala/cref"}),
    CLEARBOOKS: frozenset({"invoicenumber", "customername", "linedescription"}),
}
# (header, target, cell reader, required); target None: read and ignored.
Spec = Tuple[Tuple[str, object, str, bool], ...]
QUICKBOOKS_INVOICE: Spec = (
    ("InvoiceNo", "number", "text", True), ("Customer", "customer", "text", True),
    ("InvoiceDate", "issue_date", "date", True), ("DueDate", "due_date", "date", False),
    ("Terms", None, "text", False), ("Location", None, "text", False), ("Memo", "reference", "text", False),
    ("Item(Product/Service)", None, "text", False), ("ItemDescription", "lines.description", "text", False),
    ("ItemQuantity", "lines.quantity", "amount", True), ("ItemRate", "lines.unit_price", "amount", True),
    ("ItemAmount", None, "text", False), ("ItemTaxCode", "lines.tax_code", "text", True),
    ("ItemTaxAmount", "lines.vat_amount", "amount", False), ("Currency", "currency", "text", False),
)
SAGE50_INVOICE: Spec = (
    ("Type", "document_type", "text", True), ("Account Reference", "customer", "text", True),
    ("Nominal A/C Ref", None, "text", False), ("Department Code", None, "text", False),
    ("Date", "issue_date", "date", True), ("Reference", "number", "text", True),
    ("Details", "lines.description", "text", False), ("Net Amount", "lines.unit_price", "amount", True),
    ("Tax Code", "lines.tax_code", "text", True), ("Tax Amount", "lines.vat_amount", "amount", False),
    ("Exchange Rate", None, "text", False), ("Extra Reference", "reference", "text", False),
    ("User Name", None, "text", False),
)
CLEARBOOKS_INVOICE: Spec = (
    ("Invoice number", "number", "text", True), ("Invoice date", "issue_date", "date", True),
    ("Due date", "due_date", "date", False), ("Customer name", "customer", "text", True),
    ("Reference", "reference", "text", False), ("Line description", "lines.description", "text", True),
    ("Line quantity", "lines.quantity", "amount", True), ("Line unit price", "lines.unit_price", "amount", True),
    ("Line net price", None, "text", False), ("Line VAT rate", "lines.tax_code", "text", True),
    ("Line VAT amount", "lines.vat_amount", "amount", False), ("Line account code", None, "text", False),
    ("Currency code", "currency", "text", False), ("Multi-currency net price", None, "text", False),
    ("Multi-currency VAT amount", None, "text", False),
)
# QuickBooks' "Import credit notes" file: its own head columns, the invoice file's line columns. Memo
# is where a credit note names its invoice: "<invoice number> <reason>", as our export writes it.
QUICKBOOKS_CREDIT_NOTE: Spec = (
    ("CreditNoteNo", "number", "text", True), ("Customer", None, "text", False),
    ("CreditNoteDate", "issue_date", "date", True), ("Memo", "memo", "text", True), *QUICKBOOKS_INVOICE[7:],
)
CREDIT_NOTE_SIGNATURES = {QUICKBOOKS: frozenset({"creditnoteno", "customer", "creditnotedate"})}
# The column that names the invoice a credit note corrects, in the layouts that take credit notes
# in the invoice file (Sage as type SC, Clear Books and Xero as negative documents).
CREDITED_INVOICE = {SAGE50: "Extra Reference", CLEARBOOKS: "Reference", "xero": "Reference"}
_XERO_CONTACT_IGNORED = (
    "AccountNumber POAttentionTo SAAttentionTo FaxNumber MobileNumber DDINumber SkypeName BankAccountName "
    "BankAccountNumber BankAccountParticulars TaxNumberName AccountsReceivableTaxCodeName "
    "AccountsPayableTaxCodeName Website Discount CompanyNumber DueDateBillDay DueDateBillTerm DueDateSalesDay "
    "DueDateSalesTerm SalesAccount PurchasesAccount TrackingName1 SalesTrackingOption1 PurchasesTrackingOption1 "
    "TrackingName2 SalesTrackingOption2 PurchasesTrackingOption2 BrandingTheme")
_XERO_ADDRESS = (("AddressLine1", "line1"), ("AddressLine2", "line2"), ("AddressLine3", "line3"),
                 ("AddressLine4", "line4"), ("City", "city"), ("Region", "region"), ("PostalCode", "postal_code"),
                 ("Country", "country"))
XERO_CONTACTS: Spec = (
    ("*ContactName", "name", "text", True), ("EmailAddress", "emails", "list", False),
    ("FirstName", "person.first", "text", False), ("LastName", "person.last", "text", False),
    *((prefix + part, f"{address}.{field}", "country" if field == "country" else "text", False)
      for prefix, address in (("PO", "billing_address"), ("SA", "shipping_address"))
      for part, field in _XERO_ADDRESS),
    ("PhoneNumber", "phone", "text", False), ("TaxNumber", "vat_number", "text", False),
    ("LegalName", "company", "text", False),
    *((name, None, "text", False) for name in _XERO_CONTACT_IGNORED.split()),
)
XERO_CONTACTS_SIGNATURE = frozenset({"contactname", "emailaddress"})
QUICKBOOKS_CUSTOMERS: Spec = (
    ("Full Name", "name", "text", False), ("Name", "name", "text", False), ("Company", "company", "text", False),
    ("Email", "emails", "list", False), ("Phone", "phone", "text", False),
    ("Street", "billing_address.line1", "text", False), ("City", "billing_address.city", "text", False),
    *((name, "billing_address.region", "text", False) for name in ("State", "County")),
    *((name, "billing_address.postal_code", "text", False) for name in ("ZIP code", "Postcode")),
    ("Country", "billing_address.country", "country", False), ("Currency", "currency", "text", False),
    *((name, None, "text", False) for name in ("Mobile", "Fax", "Website", "Opening Balance",
                                                "Opening Balance Date", "Resale Number")),
)
QUICKBOOKS_CUSTOMERS_SIGNATURE = frozenset({"email", "street"})
INVOICE_SPECS: Dict[str, Spec] = {QUICKBOOKS: QUICKBOOKS_INVOICE, SAGE50: SAGE50_INVOICE,
                                  CLEARBOOKS: CLEARBOOKS_INVOICE}
# Sage's Type: what each means, and the one an invoice upload takes.
SAGE_TYPES = {"SI": "a sales invoice", "SC": "a sales credit note", "SA": "a sales payment on account",
              "SR": "a sales receipt"}
LINE_DEFAULTS = {SAGE50: {"lines.quantity": "1"}}  # a Sage split is one unit at its net
