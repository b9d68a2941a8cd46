"""Real-browser test: the dashboard in Debian's Chromium with every outside request blocked.

Loads the page offline, checks that the network view and the charts render, clicks Step three
times (step counter and a chart change), opens the inspector on an actor by clicking it in the
network view, and saves a screenshot to the artifacts folder; the same screenshot refreshes
``docs/img/dashboard.png`` (the README's picture) when ``UPDATE_DOCS_SCREENSHOT`` is not ``0``.

A second test walks one guided lesson of teaching mode through predict → run → reveal and
saves ``teaching.png`` the same way (``docs/img/teaching.png``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dashboard import teaching

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOT = REPO / "docs" / "img" / "dashboard.png"
DOCS_TEACHING_SCREENSHOT = REPO / "docs" / "img" / "teaching.png"
LESSON_RUN_TIMEOUT_MS = 90_000
LOAD_TIMEOUT_MS = 30_000


def assert_rendered_offline(page) -> None:
    """Fail if Solara's front end did not boot or needed something from outside."""
    errors = [e for e in page.console_errors if "solara is not defined" in e]
    assert not errors, f"Solara front end did not load (missing CDN assets?): {errors}"
    assert not page.failed_assets, (
        "Solara's CDN proxy had to fetch assets from outside; add the packages to "
        f"scripts/install_assets.sh: {page.failed_assets}"
    )
    cdn = [u for u in page.blocked_urls if "cdn" in u or "/_solara/" in u]
    assert not cdn, f"the page asked outside hosts for front-end assets: {cdn}"


def _wait_or_explain(page, locator, what: str) -> None:
    try:
        locator.wait_for(timeout=LOAD_TIMEOUT_MS)
    except Exception as exc:
        assert_rendered_offline(page)  # a clearer reason, when there is one
        raise AssertionError(
            f"{what} did not appear; blocked outside requests: {page.blocked_urls[:10]}; "
            f"console errors: {page.console_errors[:10]}"
        ) from exc


def _chart_signature(page) -> str:
    """Text of the charts' SVG paths: changes when any time series gets a new point."""
    return page.locator(".charts-view .js-plotly-plot .scatterlayer").first.inner_html()


def test_dashboard_offline(dashboard_server, offline_page, artifacts_dir):
    page = offline_page
    page.goto(dashboard_server, wait_until="domcontentloaded")
    counter = page.locator(".step-counter")
    _wait_or_explain(page, counter, "the step counter")
    assert counter.inner_text().strip() == "Step 0"

    # Network view and charts render (Plotly draws SVG: actors are points, charts have paths).
    network = page.locator(".network-view .js-plotly-plot")
    charts = page.locator(".charts-view .js-plotly-plot")
    _wait_or_explain(page, network.locator("path.point").first, "actors in the network view")
    _wait_or_explain(
        page, charts.get_by_text("Coupling coordination D").first, "the time-series charts"
    )
    assert charts.locator(".scatterlayer .trace").count() >= 10  # the series are drawn
    n_points0 = network.locator("path.point").count()
    assert n_points0 > 20, f"only {n_points0} actors drawn"
    assert network.locator(".legendtext").count() >= 7  # one legend entry per kind (+ ties)
    chart0 = _chart_signature(page)

    # Step three times: the counter and the charts follow.
    step = page.locator(".step-button")
    for i in range(1, 4):
        step.click()
        page.wait_for_function(
            "n => document.querySelector('.step-counter').innerText.trim() === 'Step ' + n",
            arg=i,
            timeout=15_000,
        )
    page.wait_for_function(
        "old => { const el = document.querySelector('.charts-view .js-plotly-plot .scatterlayer');"
        " return el && el.innerHTML !== old; }",
        arg=chart0,
        timeout=15_000,
    )
    assert _chart_signature(page) != chart0
    assert charts.locator(".scatterlayer path.js-line").count() >= 10  # 4 points per series
    assert network.locator(".scatterlayer path.js-line").count() > 0, "no ties drawn after 3 steps"

    # Click an actor in the network view: the inspector opens on it.
    # Wait until the network view shows step 3, then hover and click the largest marker (the
    # best-connected actor: markers are sized by number of partners).
    _wait_or_explain(page, network.get_by_text("Trust network at step 3"), "the step-3 network")
    box = page.evaluate(
        """() => {
            const pts = document.querySelectorAll('.network-view .scatterlayer path.point');
            let best = null;
            for (const p of pts) {
                const r = p.getBoundingClientRect();
                if (r.width > 0 && (!best || r.width > best.width)) best = r;
            }
            return best && {x: best.x, y: best.y, width: best.width, height: best.height};
        }"""
    )
    assert box is not None, "no actor marker to click"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    _wait_or_explain(page, network.get_by_text("click to inspect"), "the hover label of an actor")
    page.mouse.click(x, y)
    inspector = page.locator(".inspector")
    _wait_or_explain(page, inspector.locator(".inspector-title"), "the inspector after a click")
    title = inspector.locator(".inspector-title").inner_text()
    assert " #" in title and "at step 3" in title, title
    assert inspector.locator(".partners-table").count() == 1
    assert "trust out" in inspector.locator(".partners-table").inner_text()

    assert_rendered_offline(page)
    # Nothing of Solara's own over the page (app.py switches its badge off).
    assert page.get_by_text("This website runs on").count() == 0
    shot = artifacts_dir / "dashboard.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    _publish(shot, DOCS_SCREENSHOT)


def _publish(shot: Path, target: Path) -> None:
    """Copy an artifact screenshot into docs/img unless ``UPDATE_DOCS_SCREENSHOT=0``."""
    if os.environ.get("UPDATE_DOCS_SCREENSHOT", "1") != "0":
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def test_teaching_lesson_predict_run_reveal(dashboard_server, offline_page, artifacts_dir):
    page = offline_page
    page.set_viewport_size({"width": 1300, "height": 1900})  # the whole lesson in one picture
    page.goto(dashboard_server, wait_until="domcontentloaded")
    _wait_or_explain(page, page.locator(".mode-teaching"), "the mode bar")
    page.locator(".mode-teaching").click()
    _wait_or_explain(page, page.locator(".lesson-partners"), "the lesson picker")
    page.locator(".lesson-partners").click()
    run = page.locator(".lesson-run")
    _wait_or_explain(page, run, "the lesson's Run button")
    assert "Why do makers need partners?" in page.locator(".lesson-card").inner_text()
    assert run.is_disabled(), "Run must wait for a prediction"

    # Predict, then run: the button unlocks, the charts fill, the reveal appears.
    page.locator(".option-partners").click()
    page.wait_for_function(
        "() => { const b = document.querySelector('.lesson-run'); return b && !b.disabled; }",
        timeout=15_000,
    )
    run.click()
    _wait_or_explain(
        page, page.locator(".lesson-charts .js-plotly-plot").first, "the lesson's charts"
    )
    reveal = page.locator(".lesson-reveal")
    try:
        reveal.wait_for(timeout=LESSON_RUN_TIMEOUT_MS)
    except Exception as exc:
        raise AssertionError(
            f"no reveal after the lesson's run; progress: "
            f"{page.locator('.lesson-progress-text').all_inner_texts()}"
        ) from exc
    text = reveal.inner_text()
    assert "You predicted: More successes with partners" in text
    # The page's verdict is the engine's on the same seeds and lesson length, computed here
    # in the test's own process (the server runs the lesson as a class would, 50 steps
    # unless DASHBOARD_LESSON_STEPS says otherwise, which this process reads too).
    lesson = teaching.lesson("partners")
    runs = teaching.lesson_comparison(lesson)
    runs.run()
    expected = teaching.reveal(lesson, "partners", *runs.frames())
    assert reveal.locator(".reveal-headline").inner_text().strip() == expected.headline
    assert "Successful projects (total):" in reveal.locator(".reveal-result").inner_text()
    assert "Why (the mechanism in the model)" in text
    # Once run, the other predictions are locked.
    assert page.locator(".option-alone").is_disabled()
    assert page.locator(".lesson-charts .scatterlayer path.js-line").count() >= 4

    assert_rendered_offline(page)
    shot = artifacts_dir / "teaching.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    _publish(shot, DOCS_TEACHING_SCREENSHOT)
