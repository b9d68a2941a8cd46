"""Real-browser test: the dashboard renders offline in Debian's Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def assert_rendered_offline(page) -> None:
    """Fail if Solara's front end did not boot or needed something from outside."""
    errors = [e for e in page.console_errors if "solara is not defined" in e]
    assert not errors, f"Solara front end did not load (missing CDN assets?): {errors}"
    assert not page.failed_assets, (
        "Solara's CDN proxy had to fetch assets from outside; add the packages to "
        f"scripts/install_assets.sh: {page.failed_assets}"
    )
    cdn = [u for u in page.blocked_urls if "cdn" in u]
    assert not cdn, f"the page asked outside CDNs for assets: {cdn}"


def test_page_renders_offline(dashboard_server, offline_page, artifacts_dir):
    page = offline_page
    page.goto(dashboard_server, wait_until="domcontentloaded")
    page.get_by_text("Step 0").wait_for(timeout=20_000)
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Step 1").wait_for(timeout=5_000)
    page.screenshot(path=str(artifacts_dir / "placeholder.png"))
    assert_rendered_offline(page)
