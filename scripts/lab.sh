#!/usr/bin/env bash
# Sets up everything, then starts JupyterLab on Lessons/ with the Latent kernel.
# It prints the URL to open; no browser is started. Extra arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LATENT_SKIP_SETUP:-}" ]; then scripts/setup.sh; fi
exec .venv/bin/jupyter lab --no-browser --ip=127.0.0.1 --ServerApp.root_dir="$PWD/Lessons" "$@"
