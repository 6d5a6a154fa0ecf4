#!/usr/bin/env bash
# A class on one machine: memory per kernel (Latent against ipykernel with PyTorch), memory of a
# class of 40, idle CPU and concurrent training. See classroom_bench.py.
# Usage: [KERNELS=8] [CLASS=40] [IDLE=60] bench/classroom/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
LATENT_BIN="${LATENT_BIN:-$PWD/.build/release/latent}"
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3  # a checkout without .venv: set PYTHON
[ -x "$LATENT_BIN" ] || swift build -c release --product latent >/dev/null
"$PYTHON" -c "import ipykernel, torch" 2>/dev/null || { echo "ipykernel and torch are needed (scripts/setup.sh --bench)" >&2; exit 1; }
"$PYTHON" bench/classroom/classroom_bench.py --latent "$LATENT_BIN" --kernels "${KERNELS:-8}" \
    --class-size "${CLASS:-40}" --idle "${IDLE:-60}"
