#!/usr/bin/env bash
# Make sure Debian's Chromium (and a legible font) is present for the real-browser tests.
# Quiet and fast when everything is already installed; installs with apt only when missing.
# Playwright never downloads a browser of its own in this project.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-dejavu-core)

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "ensure_chromium: missing ${missing[*]} and not root." >&2
    echo "  Install as root: apt-get update && apt-get install -y ${PACKAGES[*]}" >&2
    exit 1
fi

echo "ensure_chromium: installing ${missing[*]} with apt ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ ! -x "$CHROMIUM" ]; then
    echo "ensure_chromium: apt finished but $CHROMIUM is still missing" >&2
    exit 1
fi
echo "ensure_chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) ready"
