#!/usr/bin/env bash
# Installs the browser the browser test drives (Tests/python/test_browser.py): Debian's chromium
# and chromium-driver, through apt (with sudo when not root). Does nothing when both are there.
# Used by `scripts/setup.sh --browser` (so by `make test`) and by the test itself when run alone.
# Exits non-zero, saying why, when they are missing and cannot be installed.
set -euo pipefail
PACKAGES=(chromium chromium-driver)
have() { command -v chromium >/dev/null && [ -x /usr/bin/chromedriver ]; }
have && exit 0
say() { printf '[setup] %s\n' "$*"; }
say "installing ${PACKAGES[*]} (about 100 MB) for the browser test"
"$(dirname "$0")/apt-install.sh" "${PACKAGES[@]}"
have || { echo "error: ${PACKAGES[*]} installed, yet chromium or /usr/bin/chromedriver is missing" >&2; exit 1; }
