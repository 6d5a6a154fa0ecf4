#!/usr/bin/env bash
# Kernel start-up and execute round trip, Latent against ipykernel, same client, same run; then
# slider to picture: explore against ipywidgets' interact drawing with PyTorch and matplotlib.
set -euo pipefail
cd "$(dirname "$0")/../.."
LATENT_BIN="${LATENT_BIN:-$PWD/.build/release/latent}"
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3  # a checkout without .venv: set PYTHON
[ -x "$LATENT_BIN" ] || swift build -c release --product latent >/dev/null
"$PYTHON" -c "import ipykernel" 2>/dev/null || { echo "ipykernel is not installed (scripts/setup.sh --bench)" >&2; exit 1; }
"$PYTHON" bench/kernel/kernel_bench.py --latent "$LATENT_BIN" "$@"
"$PYTHON" -c "import ipywidgets, matplotlib, torch" 2>/dev/null \
    || { echo "ipywidgets, matplotlib or torch is not installed (scripts/setup.sh --bench)" >&2; exit 1; }
"$PYTHON" bench/kernel/widget_bench.py --latent "$LATENT_BIN"
