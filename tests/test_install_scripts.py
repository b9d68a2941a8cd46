"""The dashboard's install scripts: valid bash, strict mode, one package list, idempotent."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = [REPO / "scripts" / "install_assets.sh", REPO / "scripts" / "ensure_chromium.sh"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_is_strict_valid_bash(script):
    text = script.read_text()
    assert "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_asset_list_is_declared_once_and_pinned():
    text = (REPO / "scripts" / "install_assets.sh").read_text()
    assert text.count("ASSET_PACKAGES=(") == 1
    block = text.split("ASSET_PACKAGES=(", 1)[1].split(")", 1)[0]
    specs = re.findall(r'"([^"]+)"', block)
    assert "@widgetti/solara-vuetify-app@10.1.1" in specs
    assert all(re.search(r"@\d", s) for s in specs), specs  # every package has a version


def test_install_assets_requires_a_venv(tmp_path):
    r = subprocess.run(
        ["bash", str(SCRIPTS[0]), str(tmp_path / "no-venv")], capture_output=True, text=True
    )
    assert r.returncode != 0 and "not found" in r.stderr


def test_install_assets_is_idempotent_when_cached():
    venv = Path(sys.executable).parent.parent
    import solara.server.settings as s

    cdn = Path(s.assets.proxy_cache_dir)
    if not (cdn / "requirejs@2.3.6" / "package.json").exists():
        pytest.skip("assets not installed here yet (make install installs them)")
    r = subprocess.run(["bash", str(SCRIPTS[0]), str(venv)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "(0 fetched now)" in r.stdout
