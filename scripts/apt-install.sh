#!/usr/bin/env bash
# Installs Debian packages through apt, with sudo when not root; says what to install by hand
# when it cannot. Used by scripts/setup.sh and scripts/install-browser.sh.
# Usage: scripts/apt-install.sh PACKAGE...
set -euo pipefail
if ! command -v apt-get >/dev/null; then
    echo "error: apt-get is not available. Install these packages by hand: $*" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: not root and no sudo; install: $*" >&2; exit 1; }
    SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
