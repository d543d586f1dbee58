"""Customer and product lists of other systems, uploaded as they are (Xero's contacts and
QuickBooks' customers are in vendor_layouts.py). Each spec names the published format it follows;
(header, target, cell reader, required) as there, a target None read and ignored.

Customers
- Sage 50 Accounts (UK), the Customer Record import: fields 1 to 31 in the order and spelling
  of Making I.T. Happen's "Standard Sage 50 Imports - Customer Records"
  (makingithappen.co.uk/CI/std/customer.htm: "formatted as for Sage's built in import
  routine"); Sage's own article "Customer record data fields you can import" (gb-kb.sage.com,
  k2dockey 250321114620507) lists the same fields in the same columns A to AE. Address 1 to 5
  are Sage's Street 1, Street 2, Town, County and Post Code (excel2sage's Customers mapping).
  Account Reference is kept beside the customer (import_lookups.py), so that a Sage invoice
  file naming it finds the customer; unique, as in Sage. Payment Due Days are our payment terms. Turnovers,
  credit limit, settlement, analysis, nominal and tax code defaults have no place here.
- Clear Books, "How to import a list of customers" (support.clearbooks.co.uk, article
  33000203144): Clear Books maps any headers to its fields on import, so the headers are
  its field names: Customer name (the one required), Contact name, Building, Address line 1
  and 2, Town, County, Country, Postcode, Email, Phone 1, Phone 2, Fax, Website, VAT number.
- FreshBooks: its client export's columns are published nowhere we could find; the layout is
  the one FreshBooks' own client import names ("How do I import clients from a file?",
  support.freshbooks.com, article 360003248452): First Name, Last Name, Company Name (one or
  the other required), Email Address, Phone Number, Address Line 1 and 2, City, State, Zip
  Code, Country. The name is the company's, else the person's.

Products (VAT through the tenant's tax codes for that system, imports/tax_codes.py)
- QuickBooks Online, "Which products and services fields are imported?" (Intuit): Name (its
  export writes Product/Service Name), SKU (our code), Type, Sales Description, Sales
  Price/Rate, Income Account, Purchase Description, Purchase Cost, Expense Account, Quantity on
  Hand, Reorder Point, Inventory Asset Account, Quantity as-of Date, Taxable. Intuit's list
  names no UK VAT column; the product's sales VAT code (the API's SalesTaxCodeRef, "20.0% S")
  is read from Sales Tax Code, our choice of header; without it the product is standard-rated.
- Xero, the inventory items import template (Inventory > Import > Download template file;
  the same columns come out of Export): *ItemCode (the one required, up to 30 characters),
  ItemName (else the code names it), Quantity, Purchases..., SalesDescription,
  SalesUnitPrice, SalesAccount, SalesTaxRate (a Xero rate name through the tenant's Xero tax
  codes), InventoryAssetAccount, CostOfGoodsSoldAccount. Sources: Xero's template as Reece's
  "Xero - Import inventory items" help article shows it; public files with this header.
- Sage 50 Accounts (UK), "Product record data fields you can import" (gb-kb.sage.com, k2dockey
  250321124927893): Stock Code, Description (our name), Tax Code (T0 to T99, blank T0), Sales
  Price, Last Cost Price (Standard), Unit of Sale, Location, Nominal A/C Ref, Stock Category,
  Bar Code, Department, Supplier A/C Ref, Supplier Part No., Re-order Level: the columns of
  its Product Record CSV, the first 14. A blank Tax Code is T0, as Sage's import reads it.
"""
from typing import Dict, FrozenSet

from ..domain.uploads import CUSTOMERS, PRODUCTS
from .vendor_layouts import CLEARBOOKS, QUICKBOOKS, SAGE50, Spec

FRESHBOOKS = "freshbooks"
XERO = "xero"


def _ignored(*names: str) -> Spec:
    return tuple((name, None, "text", False) for name in names)


SAGE50_CUSTOMERS: Spec = (
    ("Account Reference", "account_ref", "text", True), ("Account Name", "name", "text", True),
    ("Address 1", "billing_address.line1", "text", False), ("Address 2", "billing_address.line2", "text", False),
    ("Address 3", "billing_address.city", "text", False), ("Address 4", "billing_address.region", "text", False),
    ("Address 5", "billing_address.postal_code", "text", False), ("Contact Name", "contact_name", "text", False),
    ("Telephone", "phone", "text", False), ("Vat Registration Number", "vat_number", "text", False),
    ("e-mail", "emails", "list", False), ("Payment Due Days", "payment_terms_days", "integer", False),
    *_ignored("Fax", "Analysis 1", "Analysis 2", "Analysis 3", "Department Number", "MTD Turnover",
              "YTD Turnover", "Prior Year Turnover", "Credit Limit", "Terms", "Settlement Days",
              "Settlement Discount", "Nominal Code", "Tax Code", "Trade Contact", "Telephone 2", "Web address",
              "Discount Rate", "Terms Agreed Flag"),
)
CLEARBOOKS_CUSTOMERS: Spec = (
    ("Customer name", "name", "text", True), ("Contact name", "contact_name", "text", False),
    ("Building", "billing_address.line0", "text", False), ("Address line 1", "billing_address.line1", "text", False),
    ("Address line 2", "billing_address.line2", "text", False), ("Town", "billing_address.city", "text", False),
    ("County", "billing_address.region", "text", False), ("Country", "billing_address.country", "country", False),
    ("Postcode", "billing_address.postal_code", "text", False), ("Email", "emails", "list", False),
    ("Phone 1", "phone", "text", False), ("VAT number", "vat_number", "text", False),
    *_ignored("Phone 2", "Fax", "Website"),
)
FRESHBOOKS_CLIENTS: Spec = (
    ("First Name", "person.first", "text", False), ("Last Name", "person.last", "text", False),
    ("Company Name", "company", "text", False), ("Email Address", "emails", "list", False),
    ("Phone Number", "phone", "text", False), ("Address Line 1", "billing_address.line1", "text", False),
    ("Address Line 2", "billing_address.line2", "text", False), ("City", "billing_address.city", "text", False),
    ("State", "billing_address.region", "text", False), ("Zip Code", "billing_address.postal_code", "text", False),
    ("Country", "billing_address.country", "country", False),
)
QUICKBOOKS_PRODUCTS: Spec = (
    ("Name", "name", "text", False), ("Product/Service Name", "name", "text", False),
    ("SKU", "code", "text", False), ("Sales Description", "description", "text", False),
    ("Sales Price/Rate", "unit_price", "amount", False), ("Sales Tax Code", "tax_code", "text", False),
    *_ignored("Type", "Income Account", "Purchase Description", "Purchase Cost", "Expense Account",
              "Quantity on Hand", "Reorder Point", "Inventory Asset Account", "Quantity as-of Date", "Taxable"),
)
XERO_ITEMS: Spec = (
    ("*ItemCode", "code", "text", True), ("ItemName", "name", "text", False),
    ("SalesDescription", "description", "text", False), ("SalesUnitPrice", "unit_price", "amount", False),
    ("SalesTaxRate", "tax_code", "text", False),
    *_ignored("Quantity", "PurchasesDescription", "PurchasesUnitPrice", "PurchasesAccount", "PurchasesTaxRate",
              "SalesAccount", "InventoryAssetAccount", "CostOfGoodsSoldAccount"),
)
SAGE50_PRODUCTS: Spec = (
    ("Stock Code", "code", "text", True), ("Description", "name", "text", False),
    ("Tax Code", "tax_code", "text", False), ("Sales Price", "unit_price", "amount", False),
    ("Unit of Sale", "unit", "text", False),
    *_ignored("Last Cost Price (Standard)", "Location", "Nominal A/C Ref", "Stock Category", "Bar Code",
              "Department", "Supplier A/C Ref", "Supplier Part No.", "Re-order Level"),
)
SPECS: Dict[str, Dict[str, Spec]] = {
    CUSTOMERS: {SAGE50: SAGE50_CUSTOMERS, CLEARBOOKS: CLEARBOOKS_CUSTOMERS, FRESHBOOKS: FRESHBOOKS_CLIENTS},
    PRODUCTS: {QUICKBOOKS: QUICKBOOKS_PRODUCTS, XERO: XERO_ITEMS, SAGE50: SAGE50_PRODUCTS},
}
# The normalised headers (kinds.normal) that say a list is in a layout.
SIGNATURES: Dict[str, Dict[str, FrozenSet[str]]] = {
    CUSTOMERS: {SAGE50: frozenset({"accountreference", "accountname"}),
                CLEARBOOKS: frozenset({"customername", "town"}),
                FRESHBOOKS: frozenset({"firstname", "lastname", "companyname"})},
    PRODUCTS: {QUICKBOOKS: frozenset({"sku", "salesprice/rate"}), XERO: frozenset({"itemcode", "salesunitprice"}),
               SAGE50: frozenset({"stockcode", "salesprice"})},
}
# Layouts whose customer lists carry the account reference their invoice files name the customer by.
ACCOUNT_REF_LAYOUTS = frozenset({SAGE50})
# A blank tax code: Sage's import takes T0; the others leave the product standard-rated.
TAX_CODE_DEFAULTS = {SAGE50: "T0"}
