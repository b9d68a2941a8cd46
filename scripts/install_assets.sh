#!/usr/bin/env bash
# Fetch Solara's front-end bundles from the npm registry into Solara's CDN cache so the
# dashboard works with no internet.
#
# Usage: bash scripts/install_assets.sh VENV
#
# The Solara server answers the page's /_solara/cdn/<package>@<version>/... requests from
# its cache folder (solara.server.settings.assets.proxy_cache_dir, by default
# $VENV/share/solara/cdn). On a miss it tries the public CDN and the page stays blank
# offline ("solara is not defined"). Each package below is `npm pack`ed and unpacked into
# <cache>/<package>@<version as in the URL>/. Idempotent: packages already present are skipped.
#
# The list is the set of URLs a network-blocked browser asked for (tests/browser), for
# Solara 1.64.1. Re-check it when Solara is upgraded: the browser test fails and names the
# missing /_solara/cdn/ path.
set -euo pipefail

# --- the one list of needed packages (name@version exactly as Solara's URLs spell it) ---
# These are the /_solara/cdn/ paths the dashboard (app.py) asks for. Components it does not use
# need more; add them here if the page starts using them (the browser test names what is
# missing): solara.Markdown -> mermaid@10.8.0 katex@0.16.9; GridDraggable (Mesa's layouts) ->
# @widgetti/vue-grid-layout@2.3.13-alpha.2; FigureAltair -> vega@5 vega-lite@5 vega-embed@6.
# Plotly figures need none (their code ships inside the plotly wheel).
ASSET_PACKAGES=(
    "@widgetti/solara-vuetify-app@10.1.1"   # every page: solara/vue/vuetify app bundle
    "requirejs@2.3.6"                       # every page: module loader
    "font-awesome@4.5.0"                    # every page: icon font css
)

VENV=${1:?usage: bash scripts/install_assets.sh VENV}
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
    echo "install_assets: $PY not found; create the venv first (make install)" >&2
    exit 1
fi

if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "install_assets: npm missing; installing it with apt ..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq npm >/dev/null
    fi
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "install_assets: npm is required to fetch Solara's front-end packages." >&2
    echo "  Install it (Debian: apt-get install -y npm) and run this script again." >&2
    exit 1
fi

CDN=$("$PY" -c 'import solara.server.settings as s; print(s.assets.proxy_cache_dir)')
if [ -z "$CDN" ]; then
    echo "install_assets: could not ask $PY for Solara's CDN cache folder" >&2
    exit 1
fi
mkdir -p "$CDN"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fetched=0
for spec in "${ASSET_PACKAGES[@]}"; do
    dest="$CDN/$spec"
    [ -f "$dest/package.json" ] && continue
    echo "install_assets: npm pack $spec"
    tgz=$(cd "$TMP" && npm pack "$spec" --silent 2>"$TMP/npm.err" | tail -n 1) || {
        cat "$TMP/npm.err" >&2
        echo "install_assets: npm pack $spec failed" >&2
        exit 1
    }
    if [ ! -f "$TMP/$tgz" ]; then
        cat "$TMP/npm.err" >&2
        echo "install_assets: npm pack $spec produced no tarball" >&2
        exit 1
    fi
    # Unpack into a temporary sibling and move it in place, so an interrupted run never
    # leaves a half-filled folder that a later run would take as complete.
    part="$dest.partial"
    rm -rf "$part"
    mkdir -p "$part"
    tar xzf "$TMP/$tgz" -C "$part" --strip-components=1
    rm -f "$TMP/$tgz"
    rm -rf "$dest"
    mv "$part" "$dest"
    fetched=$((fetched + 1))
done

# Without this file Solara's page embeds a hidden iframe to its website on first run.
SOLARA_DIR="${SOLARA_HOME:-$HOME/.solara}"
mkdir -p "$SOLARA_DIR"
touch "$SOLARA_DIR/.solara_checked"

echo "install_assets: ${#ASSET_PACKAGES[@]} packages in $CDN ($fetched fetched now)"
