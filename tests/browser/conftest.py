"""Fixtures for the real-browser dashboard test.

* ``dashboard_server``: ``solara run app.py`` on a free localhost port, production mode,
  telemetry off; waits until it answers and tears it down afterwards.
* ``offline_page``: a Playwright page in Debian's Chromium (``/usr/bin/chromium``, never a
  downloaded browser) where every request to a host other than localhost is aborted and
  recorded in ``page.blocked_urls``; console errors go to ``page.console_errors``, failed
  ``/_solara/cdn/`` responses to ``page.failed_assets``.
* ``artifacts_dir``: where screenshots go (``$ARTIFACTS_DIR`` or ``artifacts/browser``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SERVER_START_TIMEOUT = 60.0
# Path prefix of Solara's CDN proxy; a failed response under it means a missing asset.
SOLARA_CDN_PATH = "/_solara/cdn/"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _solara_executable() -> str:
    candidate = Path(sys.executable).with_name("solara")
    return str(candidate) if candidate.exists() else "solara"


@pytest.fixture(scope="session")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory):
    """Serve app.py with ``solara run`` on a free port; yield its base URL."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("solara") / "server.log"
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    env["PYTHONUNBUFFERED"] = "1"
    cmd = [
        _solara_executable(),
        "run",
        "app.py",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--production",
        "--no-open",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"solara server exited with code {proc.returncode} before answering.\n"
                    f"--- server log ({log_path}) ---\n{log_path.read_text(errors='replace')}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"solara server did not answer at {url} within {SERVER_START_TIMEOUT:.0f} s.\n"
                    f"--- server log ({log_path}) ---\n{log_path.read_text(errors='replace')}"
                )
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Run `make test` (it installs chromium with apt via scripts/ensure_chromium.sh)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def offline_page(chromium_browser):
    """A fresh page whose requests to any non-localhost host are aborted and recorded."""
    context = chromium_browser.new_context(viewport={"width": 1600, "height": 1100})
    blocked: list[str] = []
    console_errors: list[str] = []

    def handle(route):
        host = urlsplit(route.request.url).hostname or ""
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    failed_assets: list[str] = []
    page.on(
        "response",
        lambda resp: (
            failed_assets.append(f"{resp.status} {resp.url}")
            if resp.status >= 400 and SOLARA_CDN_PATH in resp.url
            else None
        ),
    )
    page.blocked_urls = blocked  # type: ignore[attr-defined]
    page.failed_assets = failed_assets  # type: ignore[attr-defined]
    page.console_errors = console_errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(os.environ.get("ARTIFACTS_DIR", REPO / "artifacts" / "browser"))
    path.mkdir(parents=True, exist_ok=True)
    return path
