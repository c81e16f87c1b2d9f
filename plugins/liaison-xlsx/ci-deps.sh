#!/bin/sh
# Install what the liaison-xlsx tests need: the core `liaison` from this repository (so pip never looks
# for a "liaison" on PyPI), this plugin with its test extras, and for the real-client test
# (tests/test_xlsx_libreoffice.py) LibreOffice Calc headless — a Debian package of its own,
# libreoffice-calc-nogui, beside Writer's — with poppler (pdfinfo, pdftotext) and the CJK fonts.
# Usage: plugins/liaison-xlsx/ci-deps.sh   (as root, inside the venv CI uses)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui poppler-utils fontconfig \
        fonts-noto-cjk >/dev/null
fi
python -m pip install -e "$repo"
python -m pip install -e "$here[test]"
