"""A real browser on the portal: the app served over HTTP in a thread, Debian's Chromium driven by
Playwright (its pip package; `playwright install` is never run), screenshots kept as artefacts."""
import os
import threading
from pathlib import Path

import pytest

from tests.api.conftest import admin, client, new_tenant, tenant  # noqa: F401  (the API tests' fixtures)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def served(client):
    """The app's base URL: chalice's threaded local server (as `make run` serves it) on a free port."""
    from app import app
    from infra.local.api_server import create_server

    server = create_server(app, client._chalice_config, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page 360 px wide, as on a small phone."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=1)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def artefacts():
    folder = Path(os.environ.get("INVOICING_TEST_ARTEFACTS", ROOT / ".data" / "test-artefacts" / "portal"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
