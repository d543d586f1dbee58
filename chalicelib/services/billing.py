"""What a subscription's period is billed: its invoice's fields, and the period so far (upcoming).

The invoice of period n: one fee line per package held in the period (prorated
by day where held for part of it, a change of package shown as such), then the
period's usage grouped as the subscription (or its package) says, its
allowances deducted, then its metered events priced per metric by the package
held on their day (domain/metered.py), the included quantities deducted, then
any usage of earlier periods that arrived after they were billed, labelled with
its period, with what allowances and included quantities those invoices left.
Metered totals no package prices are put at no charge and named in `unpriced`:
the billing run then makes the invoice a draft marked not_issued. So are lines
that take the invoice over the most a document may carry (domain/held_lines),
and usage grouped more coarsely (COARSER) where its grouping makes more lines
than a document may have.
"""
from datetime import date, timedelta
from typing import Any, Dict, List, Optional, Sequence

from ..domain import billing_periods as periods
from ..domain import documents as docs
from ..domain.errors import Conflict, NotFound
from ..domain.held_lines import within_maximum
from ..domain.documents import MAX_LINES
from ..domain.metered import metric_lines
from ..domain.usage_lines import FeeSpan, Period, fee_lines, usage_lines
from ..store import usage_totals as usage_store
from ..store.models import RecordItem
from .document_inputs import references, rounding_policy
from .packages import PACKAGES, allowances, metric_prices, tax_of
from .subscriptions import SUBSCRIPTIONS, plan_of, package_on


def packages_of(tenant_id: str, item: RecordItem, read: Optional[Dict[str, Dict[str, Any]]] = None
                ) -> Dict[str, Dict[str, Any]]:
    """The packages the subscription holds, by id; those in `read` (the billing run's, read with
    their versions checked) are not read again."""
    read = read or {}
    return {entry["package_id"]: read.get(entry["package_id"]) or PACKAGES.store.get(tenant_id,
                                                                                   entry["package_id"]).data
            for entry in item.data["packages"]}


def _fee_spans(item: RecordItem, packages: Dict[str, Dict[str, Any]], first: date, last: date) -> List[FeeSpan]:
    entries = item.data["packages"]
    spans = []
    for index, entry in enumerate(entries):
        start = max(date.fromisoformat(entry["from"]), first)
        end = min(date.fromisoformat(entries[index + 1]["from"]) - timedelta(1), last) if index + 1 < len(entries) \
            else last
        if start <= end:
            package = packages[entry["package_id"]]
            spans.append(FeeSpan(package["name"], package["fee"], tax_of(package), start, end))
    return spans


def _long(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def invoice_fields(tenant_id: str, item: RecordItem, n: int, usage: Any,
                   packages_read: Optional[Dict[str, Dict[str, Any]]] = None) -> Dict[str, Any]:
    """The invoice of period n, from `usage` (store.usage_totals.UsageToBill: the period's totals and
    the late ones waiting for this invoice); packages_read: as packages_of's `read`."""
    packages = packages_of(tenant_id, item, packages_read)
    plan = plan_of(item.data, packages[item.data["packages"][-1]["package_id"]])
    period = periods.period(plan, n)
    first, last = periods.held(plan, n)
    package = packages[package_on(item.data, last)]
    fees = fee_lines(_fee_spans(item, packages, first, last), period, package["currency"])
    tenant = references(tenant_id, None, [])["tenant"].data
    grouping = item.data.get("usage_grouping") or package.get("usage_grouping") or tenant.get("usage_grouping") \
        or "destination"
    metered, unpriced = _metered(item, packages, usage.metrics, period)
    for tried in (grouping,) + COARSER[grouping]:
        lines = fees + usage_lines(usage.totals, tried, allowances(package), tax_of(package), package["currency"],
                                   period)
        late, late_unpriced = _late_lines(tenant_id, item, plan, usage, tried, packages)
        lines += metered + late
        if tried == grouping:
            wanted = len(lines)
        if len(lines) <= MAX_LINES:
            break
    if tried != grouping:
        unpriced.append(f"with usage grouped by {grouping} the invoice would have {wanted:,} lines, more than the "
                        f"{MAX_LINES} an invoice may have: usage grouped by {tried} instead")
    return {"customer_id": item.data["customer_id"], "currency": package["currency"],
            "issue_date": period.end + timedelta(1),
            "reference": item.data.get("account_reference") or item.id,
            "notes": f"Period {_long(period.start)} - {_long(period.end)}",
            "lines": [line.as_invoice_line() for line in lines],
            "unpriced": unpriced + late_unpriced}


# Where a period's usage makes more lines than an invoice may have, the groupings tried next, in turn.
COARSER = {"destination_day": ("destination", "single"), "day": ("single",), "destination": ("single",),
           "single": ()}


def _metered(item: RecordItem, packages: Dict[str, Dict[str, Any]], totals: Sequence[Any], period: Period,
             earlier: Sequence[Any] = (), label: str = "", only_used: bool = False):
    """Metric lines of the period: each total priced by the package held on its day; the included
    quantities of the package held at the period's end (with `only_used`, of the metrics in totals)."""
    prices = {package_id: metric_prices(package) for package_id, package in packages.items()}

    def price_of(total):
        package_id = package_on(item.data, date.fromisoformat(total.day))
        return packages[package_id]["name"], prices[package_id].get(total.metric)

    package_id = package_on(item.data, period.end)
    package = packages[package_id]
    included = {metric: price for metric, price in prices[package_id].items()
                if not only_used or any(t.metric == metric for t in totals)}
    return metric_lines(totals, price_of, included, tax_of(package), package["currency"], period, earlier, label)


def _late_lines(tenant_id: str, item: RecordItem, plan: periods.Plan, usage: Any, grouping: str,
                packages: Dict[str, Dict[str, Any]]):
    """Late usage by the period it belongs to, with the allowances that period's invoices left."""
    lines, unpriced = [], []
    in_period = lambda t: periods.period_index(plan, date.fromisoformat(t.day))  # noqa: E731
    for n in sorted({in_period(t) for t in list(usage.late) + list(usage.late_metrics)}):
        calls = [t for t in usage.late if in_period(t) == n]
        metrics = [t for t in usage.late_metrics if in_period(t) == n]
        period = periods.period(plan, n)
        package = packages[package_on(item.data, period.end)]
        label = f"Late usage of {_long(period.start)} - {_long(period.end)}"
        if calls:
            lines += usage_lines(calls, grouping, allowances(package), tax_of(package), package["currency"], period,
                                 earlier=_billed_before(tenant_id, item, plan, n, period), label=label)
        if metrics:
            metered, not_priced = _metered(item, packages, metrics, period, _billed_before(
                tenant_id, item, plan, n, period, metrics=True), label, only_used=True)
            lines += metered
            unpriced += not_priced
    return lines, unpriced


def _billed_before(tenant_id: str, item: RecordItem, plan: periods.Plan, n: int, period: Period,
                   metrics: bool = False) -> List[Any]:
    """What of period n's usage (calls, or metered totals) earlier invoices billed: its own totals,
    and late totals billed since (kept under each later period billed before this invoice's)."""
    start = period.start.isoformat()
    billed = list(usage_store.metric_totals(tenant_id, item.id, start) if metrics
                  else usage_store.usage_totals(tenant_id, item.id, start))
    for later in range(n, int(item.data.get("next", 0)) - 1):
        late_start = periods.period(plan, later).start.isoformat()
        late = usage_store.metric_totals(tenant_id, item.id, late_start, late=True) if metrics \
            else usage_store.late_usage_totals(tenant_id, item.id, late_start)
        billed += [t for t in late if start <= t.day <= period.end.isoformat()]
    return billed


def upcoming_invoice(tenant_id: str, subscription_id: str) -> Dict[str, Any]:
    """The first period not yet billed, so far, priced as its invoice would be (nothing is written)."""
    item = SUBSCRIPTIONS.store.get(tenant_id, subscription_id)
    package = PACKAGES.store.get(tenant_id, item.data["packages"][-1]["package_id"]).data
    n, plan = int(item.data.get("next", 0)), plan_of(item.data, package)
    last = periods.last_period(plan)
    if last is not None and n > last:
        raise Conflict("This subscription has ended and every period of it is billed")
    period = periods.period(plan, n)
    usage = usage_store.usage_to_bill(tenant_id, item.id, period.start.isoformat())
    fields = invoice_fields(tenant_id, item, n, usage)
    unpriced = fields.pop("unpriced")
    tenant = references(tenant_id, None, [])["tenant"]
    currency = fields["currency"]
    lines, totals, held = within_maximum(docs.complete_lines(fields["lines"], {}, currency), currency,
                                         rounding_policy(tenant, False))
    unpriced += held
    return {"subscription_id": item.id, "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "customer_id": fields["customer_id"], "currency": currency, "issue_date": fields["issue_date"].isoformat(),
            "lines": [docs.present_line(line, currency) for line in docs.priced_lines(lines, totals)],
            "totals": docs.present_totals(docs.totals_record(totals), currency),
            **({"unpriced": unpriced} if unpriced else {})}


def usage_csv_link(tenant_id: str, invoice_id: str) -> Dict[str, Any]:
    """A link to the CSV of the rated records a subscription invoice bills. Made on first asking
    from the records of its period and of the late usage it bills; both are final once the invoice
    is made (later records go to the next invoice), so it is the same file whenever it is made."""
    from ..services.document_types import INVOICE
    from ..store import files
    from ..store.usage_parts import invoice_usage_key, write_invoice_usage_csv

    invoice = INVOICE.store.get(tenant_id, invoice_id)
    billed = invoice.data.get("subscription")
    if not billed:
        raise NotFound("This invoice bills no subscription's usage")
    key = invoice_usage_key(tenant_id, invoice.id)
    if not files.exists(key):
        write_invoice_usage_csv(tenant_id, billed["subscription_id"], billed["period_start"], invoice.id,
                                billed.get("late_period"))
    return files.link(key, f"{invoice.number or invoice.id}-usage.csv")
