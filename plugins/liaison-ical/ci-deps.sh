#!/usr/bin/env sh
# Install everything the liaison-ical tests need: the core `liaison` (from this repository, so pip
# never looks for a "liaison" on PyPI), this plugin with its test extras (pytest, hypothesis, the
# strict `ical` package, recurring-ical-events) and the pinned npm deps (ical.js) for the node check.
# Usage: plugins/liaison-ical/ci-deps.sh   (inside the venv CI uses; node/npm optional)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

python -m pip install -e "$repo"
python -m pip install -e "$here[test]"

if command -v node >/dev/null 2>&1; then
    (cd "$here/tests/js" && npm ci --no-audit --no-fund)
else
    echo "ci-deps.sh: node not found; the ical.js engine tests will be skipped" >&2
fi
