"""What `import app` (every Lambda's cold start) must not load: what the API's routes need only
on some requests, loaded by those (chalicelib/lazy.py); bench/cold_start.py times the rest."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Renderers and readers of files, the AWS SDK and the store (loaded by a route's first request),
# and the portal's page renderer (its own routes only).
NEVER_AT_IMPORT = ("fpdf", "xlsxwriter", "PIL", "fontTools", "openpyxl", "lxml", "boto3", "pynamodb",
                   "chalicelib.store", "chalicelib.services", "chalicelib.jobs", "chalicelib.imports",
                   "chalicelib.render.portal_html", "chalicelib.render.statement_rows")


def test_import_app_leaves_what_only_some_requests_use_for_them():
    probe = "import sys, app; print('\\n'.join(sys.modules))"
    env = {**os.environ, "AWS_REGION": os.environ.get("AWS_REGION", "eu-west-2")}
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True).stdout.split()
    assert [m for m in loaded if m in NEVER_AT_IMPORT or m.startswith(tuple(p + "." for p in NEVER_AT_IMPORT))] == []
