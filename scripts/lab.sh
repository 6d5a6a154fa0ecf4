#!/usr/bin/env bash
# Sets up everything, then starts JupyterLab on Lessons/ with the Latent kernel.
# It prints the URL to open; no browser is started. Extra arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LATENT_SKIP_SETUP:-}" ]; then scripts/setup.sh; fi
extra=()
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
if [ "$(id -u)" -eq 0 ]; then extra+=(--allow-root); fi
exec .venv/bin/jupyter lab "${extra[@]}" --no-browser --ip=127.0.0.1 --ServerApp.root_dir="$PWD/Lessons" "$@"
