"""Invoices against DynamoDB Local: calls per operation, throughput beside a raw boto3 floor,
and the dashboard's calls over 10,000 invoices.

    python bench/invoices.py [--invoices 1000] [--dashboard-invoices 10000]
"""
import argparse
import json
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from stack import local_stack  # sets the environment: import it before chalicelib

from chalicelib.services.customers import CUSTOMERS  # noqa: E402
from chalicelib.services.dashboard import dashboard  # noqa: E402
from chalicelib.services.document_types import INVOICE  # noqa: E402
from chalicelib.services.drafts import create_document  # noqa: E402
from chalicelib.services.issuing import issue_document  # noqa: E402
from chalicelib.services.payments import record_payment  # noqa: E402
from chalicelib.services.products import PRODUCTS  # noqa: E402
from chalicelib.services.records import Actor, create_record  # noqa: E402
from chalicelib.services.sources import PAYMENTS, allocate_from  # noqa: E402
from chalicelib.services.tenants import create_tenant  # noqa: E402
from chalicelib.store.diagnostics import captured_transactions, count_dynamodb_calls  # noqa: E402
from chalicelib.store.unit_of_work import UnitOfWork  # noqa: E402

LINES = 10
ACTOR = Actor("bench")


def main() -> None:
    args = _arguments()
    with local_stack():
        tenant_id, customer_id, product_id = _books()
        body = _draft_body(customer_id, product_id)
        _issue(tenant_id, _create(tenant_id, body).id)  # the first issue creates the series
        with count_dynamodb_calls() as create_calls, captured_transactions() as written:
            sample = _create(tenant_id, body)
        with count_dynamodb_calls() as issue_calls, captured_transactions() as issued:
            _issue(tenant_id, sample.id)
        written += issued
        with count_dynamodb_calls() as get_calls:
            _get(tenant_id, sample.id)
        print("DynamoDB calls per operation (ten-line invoice):")
        print(f"  create: {dict(create_calls)}")
        print(f"  issue:  {dict(issue_calls)}")
        print(f"  get:    {dict(get_calls)}")
        payment = record_payment(UnitOfWork(), tenant_id, ACTOR, {"customer_id": customer_id, "amount": Decimal(5)})
        with count_dynamodb_calls() as allocate_calls:
            allocate_from(UnitOfWork(), PAYMENTS, tenant_id, ACTOR, payment.id,
                          [{"invoice_id": sample.id, "amount": Decimal(1)}])
        print(f"  allocate a payment: {dict(allocate_calls)}")

        sample = _get(tenant_id, sample.id)
        rounds = _rounds(args, lambda n: [_issue(tenant_id, _create(tenant_id, body).id) for _ in range(n)],
                         lambda n, start: _raw_boto3_floor(written, sample, n, True, start),
                         lambda n, start: _raw_boto3_floor(written, sample, n, False, start))
        print(f"create + issue {args.invoices} invoices, one writer, in {args.repeats} rounds "
              f"(each: ours, then the floors on as many):")
        _report(rounds, args.invoices)

        _fill_year(tenant_id, body, args.dashboard_invoices - args.invoices - 1)
        with count_dynamodb_calls() as board_calls:
            started = time.perf_counter()
            board = dashboard(tenant_id, "2026-01-01", "2026-12-31")
            elapsed = time.perf_counter() - started
        print(f"dashboard over {board['currencies'][0]['invoices']} issued invoices: "
              f"{sum(board_calls.values())} DynamoDB calls {dict(board_calls)}, {elapsed * 1000:.1f} ms")


def _arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--dashboard-invoices", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=5, help="rounds of ours beside the floors; medians reported")
    return parser.parse_args()


def _books():
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Bench Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR,
                             {"name": "Customer", "currency": "GBP", "payment_terms_days": 30})
    product = create_record(UnitOfWork(), PRODUCTS, tenant.id, ACTOR,
                            {"name": "Minutes", "unit_price": Decimal("0.0125"), "currency": "GBP",
                             "vat_category": "standard", "vat_rate": Decimal(20)})
    return tenant.id, customer.id, product.id


def _draft_body(customer_id, product_id, issue_date=None):
    lines = [{"product_id": product_id, "quantity": Decimal(1000 + i)} for i in range(LINES // 2)]
    lines += [{"description": f"Service {i}", "quantity": Decimal(i + 1), "unit_price": Decimal("19.99")}
              for i in range(LINES - len(lines))]
    return {"customer_id": customer_id, "lines": lines, **({"issue_date": issue_date} if issue_date else {})}


def _create(tenant_id, body):
    return create_document(UnitOfWork(), INVOICE, tenant_id, ACTOR, body)


def _issue(tenant_id, invoice_id):
    return issue_document(UnitOfWork(), INVOICE, tenant_id, ACTOR, invoice_id, {})


def _get(tenant_id, invoice_id):
    return INVOICE.store.get(tenant_id, invoice_id)


def _rounds(args, ours, floor, bare):
    """Wall seconds of (ours, floor, bare) per round, each round on invoices/repeats invoices: side by
    side in time, so that the shared machine's load weighs on all three alike."""
    size, results = args.invoices // args.repeats, []
    for r in range(args.repeats):
        results.append((_time(lambda: ours(size)), _time(lambda: floor(size, r * size)),
                        _time(lambda: bare(size, r * size))))
    return results


def _report(rounds, count):
    ours, floor, bare = (sum(r[i] for r in rounds) for i in range(3))
    ratios = sorted(r[0] / r[1] for r in rounds)
    bare_ratios = sorted(r[0] / r[2] for r in rounds)
    print(f"  service path:                                   {ours:7.2f} s ({count / ours:5.1f}/s)")
    print(f"  floor: raw boto3, the same two transactions:    {floor:7.2f} s ({count / floor:5.1f}/s)")
    print(f"  the same without any condition (what checks cost): {bare:5.2f} s ({count / bare:5.1f}/s)")
    print(f"  ratio to the floor per round: median {statistics.median(ratios):.2f} "
          f"(min {ratios[0]:.2f}, max {ratios[-1]:.2f}; target <= 1.2)")
    print(f"  ratio to the floor without conditions: median {statistics.median(bare_ratios):.2f} "
          f"(min {bare_ratios[0]:.2f}, max {bare_ratios[-1]:.2f})")


def _raw_boto3_floor(requests, sample, count, keep_conditions, start=0):
    """Replay the sample's two transactions with plain boto3, `count` times.

    Each replay writes the invoice under a new id and number, every put and update as
    our code sent it. With `keep_conditions`, the conditions and condition checks stay
    too (all pass on replay, but the number series' version check, which a replay cannot
    meet); else they all go. Series, dashboard and ledger items are the replay's own."""
    import boto3

    client = boto3.client("dynamodb")
    template = json.dumps([{"TransactItems": [_replayable(item, keep_conditions) for item in request["TransactItems"]
                                              if keep_conditions or "ConditionCheck" not in item]}
                           for request in requests])
    for marker in ("SERIES#", "TALLY", "LEDGER#"):
        template = template.replace(marker, "FLOOR" + marker)
    for i in range(start, start + count):
        replay = (template.replace(sample.id, f"{sample.id}f{i}").replace(sample.number, f"FLOOR-{i}")
                  .replace(sample.number.lower(), f"floor-{i}"))
        for request in json.loads(replay):
            client.transact_write_items(**request)


def _replayable(item, keep_conditions):
    (action, body), = item.items()
    series = "SERIES#" in json.dumps(body.get("Item", body.get("Key", {})))
    if action == "Put" and (series or not keep_conditions):
        body = {k: v for k, v in body.items() if k not in ("ConditionExpression", "ExpressionAttributeNames",
                                                           "ExpressionAttributeValues")}
    elif not keep_conditions:
        body = {k: v for k, v in body.items() if k != "ConditionExpression"}
    return {action: body}


def _fill_year(tenant_id, body, count):
    """Issue `count` more invoices spread over 2026 (one writer: they share one number series)."""
    for i in range(count):
        day = date(2026, 1, 1) + timedelta(days=i % 365)
        _issue(tenant_id, _create(tenant_id, {**body, "issue_date": day}).id)


def _time(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
