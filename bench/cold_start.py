"""Cold start, as a Lambda meets it: a fresh process imports `app` and serves its first requests.

Each sample is a new Python process against the DynamoDB Local and moto this bench starts:

- API function: `import app`, then the first `POST /invoices` (a one-line draft) and the first
  `GET /invoices/{id}`, each an API Gateway proxy event handed to the app as Lambda hands it (the
  identity in the event's authorizer context, as API Gateway passes it on).
- Authorizer function: `import app`, then the first key resolved (`api_key_authorizer`).
- Floor: a process importing chalice, boto3 and pynamodb, making one DynamoDB call (GetItem).

The app runs as its Lambda package holds it: app.py and chalicelib/ copied into a directory and
compiled as infra/ compiles the package (infra/stacks/bytecode.py); the dependencies, ours and the
floor's alike, from the virtualenv's site-packages, which pip compiled on install; no child writes
bytecode (Lambda's file system is read-only). The first children say which modules they had to
compile from source: none, or the figures are not a Lambda's (`--no-bytecode` shows what the
package cost before infra/ compiled it). Samples alternate floor, API, authorizer, so the shared
machine's noise falls on all alike. Figures are the child's own clock from its first statement to
its last answer (interpreter start-up, the same for all, is shown apart), median and 10th-90th
percentiles; its process CPU, steadier on a loaded machine; and the API's ratio to the floor per
round (the two samples run back to back). Target: the API function's first two requests within
1.2x of the floor.

Then the import graph of the API function's first requests (`python -X importtime`): time by
package beyond the floor's imports, and what pulled each in.

    python bench/cold_start.py [--samples 25] [--no-bytecode] [--graph-file FILE]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from stack import ROOT, local_stack  # sets the environment: import it before chalicelib

from infra.stacks.bytecode import compile_tree

TARGET = 1.2
GRAPH_RUNS = 3

# After the clock stops: modules this process compiled from source (no .pyc beside them).
_COMPILED = """
import os, sys
RESULT["from_source"] = sorted(m.__name__ for m in list(sys.modules.values())
                               if getattr(m, "__cached__", None) and not os.path.exists(m.__cached__))
"""
_EVENT = """
def event(method, resource, path, body=None, params=None):
    return {"resource": resource, "path": path, "httpMethod": method, "body": body,
            "headers": {"Content-Type": "application/json", "Authorization": "Bearer " + KEY},
            "multiValueQueryStringParameters": None, "pathParameters": params, "stageVariables": None,
            "isBase64Encoded": False,
            "requestContext": {"resourcePath": resource, "httpMethod": method, "path": path,
                               "stage": "api", "apiId": "bench", "requestId": "r1",
                               "identity": {"sourceIp": "127.0.0.1"}, "authorizer": IDENTITY}}
"""
API = _EVENT + """
t, cpu = [time.perf_counter()], time.process_time()
import app
t.append(time.perf_counter())
made = app.app(event("POST", "/invoices", "/invoices", BODY), None)
assert made["statusCode"] == 201, made
t.append(time.perf_counter())
invoice_id = json.loads(made["body"])["id"]
got = app.app(event("GET", "/invoices/{document_id}", "/invoices/" + invoice_id, None,
                    {"document_id": invoice_id}), None)
assert got["statusCode"] == 200, got
t.append(time.perf_counter())
RESULT = {"import": t[1] - t[0], "post": t[2] - t[1], "get": t[3] - t[2], "total": t[3] - t[0],
          "cpu": time.process_time() - cpu}
""" + _COMPILED
AUTHORIZER = """
t, cpu = [time.perf_counter()], time.process_time()
import app
t.append(time.perf_counter())
from chalicelib.api.auth import api_key_authorizer  # registered on app by its blueprint
answer = api_key_authorizer({"type": "TOKEN", "authorizationToken": "Bearer " + KEY,
                                 "methodArn": "arn:aws:execute-api:eu-west-2:1:bench/api/POST/invoices"}, None)
assert answer["context"]["tenant_id"], answer
t.append(time.perf_counter())
RESULT = {"import": t[1] - t[0], "authorize": t[2] - t[1], "total": t[2] - t[0], "cpu": time.process_time() - cpu}
""" + _COMPILED
FLOOR = """
t, cpu = [time.perf_counter()], time.process_time()
import boto3, chalice, pynamodb.models
t.append(time.perf_counter())
boto3.client("dynamodb").get_item(TableName=TABLE, Key={"PK": {"S": "T#x"}, "SK": {"S": "R"}})
t.append(time.perf_counter())
RESULT = {"import": t[1] - t[0], "call": t[2] - t[1], "total": t[2] - t[0], "cpu": time.process_time() - cpu}
""" + _COMPILED
STARTUP = "RESULT = {'total': 0.0}"


def main() -> None:
    args = _arguments()
    samples = args.samples
    with local_stack(), tempfile.TemporaryDirectory(prefix="cold-start-package-") as package:
        settings = {**_tenant_with_a_customer(), "PACKAGE": _package(Path(package), not args.no_bytecode)}
        for name, script in (("floor", FLOOR), ("API", API)):  # warms the file cache and DynamoDB Local
            print(f"{name}: modules compiled from source: {_child(script, settings)['from_source'] or 'none'}")
        runs, load = defaultdict(list), _load()
        for _ in range(samples):
            for name, script in (("floor", FLOOR), ("api", API), ("authorizer", AUTHORIZER),
                                 ("startup", STARTUP)):
                runs[name].append(_child(script, settings))
        _report(runs, samples, f"{load} at the start, {_load()} at the end (1/5/15 min)")
        print()
        _import_graph(settings, args.graph_file)


def _arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--no-bytecode", action="store_true",
                        help="the app's modules without .pyc, as `chalice package` alone leaves them")
    parser.add_argument("--graph-file", help="also write the raw -X importtime output here")
    return parser.parse_args()


def _tenant_with_a_customer() -> dict:
    from chalicelib import config
    from chalicelib.services.api_keys import create_api_key
    from chalicelib.services.customers import CUSTOMERS
    from chalicelib.services.records import Actor, create_record
    from chalicelib.services.tenants import create_tenant
    from chalicelib.store.unit_of_work import UnitOfWork

    actor = Actor("bench")
    tenant = create_tenant(UnitOfWork(), actor, {"legal_name": "Bench Ltd"})
    key, token = create_api_key(UnitOfWork(), tenant, actor, {"scopes": ["read", "write"]})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, actor, {"name": "Acme Trading"})
    identity = {"role": "tenant", "tenant_id": tenant.id, "key_id": key.id, "scopes": "read,write",
                "base_currency": "GBP", "principalId": "caller"}
    body = json.dumps({"customer_id": customer.id,
                       "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "95.00"}]})
    return {"KEY": token, "IDENTITY": identity, "BODY": body, "TABLE": config.table_name()}


def _package(into: Path, compiled: bool) -> str:
    """The function's code as its Lambda package holds it, compiled as infra/ compiles that."""
    shutil.copy(ROOT / "app.py", into)
    shutil.copytree(ROOT / "chalicelib", into / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    if compiled:
        compile_tree(into)
    return str(into)


def _child(script: str, settings: dict, python_flags=()) -> dict:
    prelude = "import time, json\n" + "".join(f"{name} = {value!r}\n" for name, value in settings.items())
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *python_flags, "-c", prelude + script + "\nprint(json.dumps(RESULT))"],
                          cwd=settings["PACKAGE"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})  # Lambda's file system is read-only
    wall = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": wall, "stderr": done.stderr}


def _spread(values) -> str:
    ms = sorted(v * 1000 for v in values)
    tenth, ninetieth = ms[len(ms) // 10], ms[-1 - len(ms) // 10]
    return f"{statistics.median(ms):7.1f} ms  (p10-p90 {tenth:6.1f}-{ninetieth:6.1f})"


def _report(runs, samples: int, load: str) -> None:
    median = {name: statistics.median(r["total"] for r in rows) for name, rows in runs.items()}
    print(f"cold start, {samples} fresh processes each (median, p10-p90), the child's own clock;"
          f" load average {load}:")
    print(f"  interpreter start-up to its first statement (wall, apart): "
          f"{_spread(r['wall'] for r in runs['startup'])}")
    print(f"  floor: import chalice, boto3, pynamodb + one GetItem:  {_spread(r['total'] for r in runs['floor'])}")
    print(f"    of which imports                                      {_spread(r['import'] for r in runs['floor'])}")
    print(f"  API: import app + first POST /invoices + first GET:     {_spread(r['total'] for r in runs['api'])}")
    for part, label in (("import", "import app"), ("post", "first POST /invoices"), ("get", "first GET /invoices/{id}")):
        print(f"    {label:54}{_spread(r[part] for r in runs['api'])}")
    print(f"  authorizer: import app + first key resolved:          {_spread(r['total'] for r in runs['authorizer'])}")
    print(f"  process CPU: floor {_spread(r['cpu'] for r in runs['floor'])}, API {_spread(r['cpu'] for r in runs['api'])}")
    ratio = median["api"] / median["floor"]
    print(f"  API ratio {ratio:.2f} (target <= {TARGET}) -> {'OK' if ratio <= TARGET else 'OVER'};"
          f" authorizer ratio {median['authorizer'] / median['floor']:.2f}")
    for kind, label in (("total", "wall"), ("cpu", "CPU")):
        rounds = sorted(api[kind] / floor[kind] for api, floor in zip(runs["api"], runs["floor"]))
        print(f"  API / floor per round ({label}): median {statistics.median(rounds):.2f}"
              f" (p10-p90 {rounds[len(rounds) // 10]:.2f}-{rounds[-1 - len(rounds) // 10]:.2f})")


def _load() -> str:
    return "%.1f/%.1f/%.1f" % os.getloadavg()


def _import_graph(settings: dict, graph_file) -> None:
    """What the API function's first two requests import beyond the floor's imports, by package:
    self time (-X importtime, summed over a few processes) and the module that first pulled it in."""
    api, floor = defaultdict(float), set()
    for _ in range(GRAPH_RUNS):
        graph = _child(API, settings, ("-X", "importtime"))["stderr"]
        floor |= set(_imported(_child(FLOOR, settings, ("-X", "importtime"))["stderr"]))
        for name, (own, _) in _imported(graph).items():
            api[name] += own / GRAPH_RUNS
    if graph_file:
        with open(graph_file, "w") as out:
            out.write(graph)
    parents = {name: parent for name, (_, parent) in _imported(graph).items()}
    extra = {name: ms for name, ms in api.items() if name not in floor}
    by_package = defaultdict(lambda: [0.0, 0, None])
    for name, ms in extra.items():
        package = ".".join(name.split(".")[:3 if name.startswith("chalicelib") else 1])
        entry = by_package[package]
        entry[0], entry[1] = entry[0] + ms, entry[1] + 1
        if entry[2] is None or not parents.get(name, "").startswith(package):
            entry[2] = parents.get(name) or ("the script" if name == "app" else "a request")
    print(f"import graph of the API function's first requests: {len(api)} modules, {sum(api.values()):.0f} ms"
          f" of self time; beyond the floor's imports: {len(extra)} modules, {sum(extra.values()):.0f} ms"
          f" (mean of {GRAPH_RUNS} processes), by package (pulled in by):")
    for package, (ms, count, parent) in sorted(by_package.items(), key=lambda kv: -kv[1][0])[:30]:
        print(f"  {ms:6.1f} ms {count:4} modules  {package}  ({parent})")


def _imported(graph: str) -> dict:
    """{module: (self ms, the module that imported it)} from -X importtime's tree (children first)."""
    rows = []
    for line in graph.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _, name = line[len("import time:"):].split("|")
            rows.append((int(own) / 1000, (len(name) - len(name.lstrip())) // 2, name.strip()))
    found = {}
    for k, (own, depth, name) in enumerate(rows):
        parent = next((n for _, d, n in rows[k + 1:] if d < depth), None)
        found[name] = (own, parent)
    return found


if __name__ == "__main__":
    main()
