"""The portal pages' one style sheet and its hash, which their Content-Security-Policy names.

Apart from the pages (render/portal_html.py) so that the API's headers need not import them:
the portal's pages are rendered on its own requests only.
"""
import base64
import hashlib

CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f4f5f7}
main{max-width:52rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px #0002}
h1{font-size:1.5rem;margin:.25rem 0}h2{font-size:1.15rem;margin:0 0 .5rem}
.status{display:inline-block;padding:.1rem .6rem;border-radius:1rem;background:#e3e7ee;font-weight:600}
.status.overdue,.status.declined,.status.expired,.status.void{background:#fde2e1;color:#8a1c17}
.status.paid,.status.accepted,.status.invoiced{background:#dff3e4;color:#1c5e2c}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dt{color:#4a4f57}dd{margin:0}
.table{overflow-x:auto}table{width:100%;border-collapse:collapse}
th,td{padding:.4rem;border-bottom:1px solid #d9dce1;text-align:left;vertical-align:top}
.num{text-align:right;white-space:nowrap}
table.totals{width:auto;min-width:60%;margin:.75rem 0 0 auto}.totals tr:last-child{font-weight:700}
@media (max-width:480px){main{padding:.5rem}section{padding:.75rem}th,td{padding:.3rem}table{font-size:.9rem}}
.due{font-size:1.3rem;font-weight:700}
a.button,button{display:inline-block;padding:.6rem 1rem;border-radius:6px;border:0;font:inherit;font-weight:600;
background:#1f4fbf;color:#fff;text-decoration:none;cursor:pointer;margin:.25rem .25rem .25rem 0}
button.secondary{background:#5a5f69}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
input,textarea{width:100%;padding:.5rem;font:inherit;border:1px solid #767b84;border-radius:4px}
.notice{padding:.75rem;border-radius:6px;background:#fff4d6}.error{background:#fde2e1;color:#8a1c17}
.muted{color:#4a4f57}.logo{display:block;max-height:4rem;max-width:12rem}.day{white-space:nowrap}
nav a.button{background:#e3e7ee;color:#1b1b1b}nav a.button[aria-current]{background:#1f4fbf;color:#fff}
""".strip()
# The only style the pages' Content-Security-Policy allows (no 'unsafe-inline').
CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
