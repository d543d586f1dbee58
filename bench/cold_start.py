"""Cold start: median time to import `app` in a fresh process, beside the floor.

The floor is a fresh process importing only chalice and boto3, measured in the
same run, so the ratio holds whatever the machine. Target: at most 1.3x.

`app` defers the store and services (and so boto3 and pynamodb) to the first
request that needs them (chalicelib/lazy.py), so it is also measured with every
service loaded: what a Lambda has imported once its first requests are served.
"""
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 10
TARGET_RATIO = 1.3
EVERY_SERVICE = "import pkgutil, importlib, chalicelib.services as s; " \
                "[importlib.import_module(f'chalicelib.services.{m.name}') for m in pkgutil.iter_modules(s.__path__)]"


def median_import_seconds(statement: str) -> float:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "AWS_REGION": "eu-west-2"}
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], cwd=ROOT, env=env, check=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def heavy_modules_loaded() -> list:
    probe = ("import sys, app; print(','.join(m for m in ('fpdf', 'xlsxwriter', 'PIL', 'fontTools') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def main() -> None:
    median_import_seconds("import app")  # warm the file cache for both measurements
    floor = median_import_seconds("import chalice, boto3")
    app = median_import_seconds("import app")
    loaded = median_import_seconds(f"import app; {EVERY_SERVICE}")
    ratio = app / floor
    print(f"cold start over {RUNS} fresh processes (median):")
    print(f"  floor (import chalice, boto3):   {floor * 1000:7.1f} ms")
    print(f"  import app:                      {app * 1000:7.1f} ms")
    print(f"  ratio: {ratio:.2f} (target <= {TARGET_RATIO}) -> {'OK' if ratio <= TARGET_RATIO else 'OVER'}")
    print(f"  import app and every service:    {loaded * 1000:7.1f} ms "
          f"(ratio {loaded / floor:.2f}: all a Lambda has loaded after its first requests)")
    print(f"  heavy modules loaded by app import: {heavy_modules_loaded() or 'none'}")


if __name__ == "__main__":
    main()
