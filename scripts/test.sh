#!/usr/bin/env bash
# Sets up everything, then runs every test: the Swift tests, then the Python-side tests that
# drive the real kernel through real Jupyter clients, JupyterLab in a headless Chromium included
# (so set-up installs chromium too). Fails on any failure, or on finding no tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser --gateway --classroom  # chromium, Enterprise Gateway and a JupyterHub for their tests

echo "== swift test"
swift test 2>&1 | tee .build/swift-test.log | grep -vE '^(\[[0-9]+/[0-9]+\] |Test Case .* (started|passed))'
grep -qE "Executed [1-9][0-9]* tests?, with 0 failures" .build/swift-test.log || {
    echo "error: swift test ran no tests or had failures" >&2
    exit 1
}

echo "== python tests (real Jupyter clients against the real kernel)"
export LATENT_BIN="$PWD/.build/release/latent"
.venv/bin/python -m pytest -q -rs Tests/python "$@"  # -rs: every skip says why
