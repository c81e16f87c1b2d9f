#!/bin/sh
# System packages needed by the real-client test (tests/test_libreoffice.py): LibreOffice Writer
# headless (Debian 12: LibreOffice 7.4), poppler (pdfinfo, pdftotext, pdftoppm), fontconfig and the
# free CJK fonts that tests/fonts.conf maps the GB/T 9704 font names to.
set -eu
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y libreoffice-writer-nogui poppler-utils fontconfig fonts-noto-cjk fonts-arphic-ukai
