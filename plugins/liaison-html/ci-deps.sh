#!/bin/sh
# Install what the liaison-html tests need: the core `liaison` from this repository (so pip never looks
# for a "liaison" on PyPI), this plugin with its test extras (Pillow reads the browser's screenshot),
# and for the real-browser tests (tests/test_html_browser.py) Chromium headless — Debian's `chromium`,
# /usr/bin/chromium — with the free CJK fonts the page's font list falls back to.
# Usage: plugins/liaison-html/ci-deps.sh   (as root, inside the venv CI uses)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fontconfig fonts-noto-cjk >/dev/null
fi
python -m pip install -e "$repo"
python -m pip install -e "$here[test]"
