#!/usr/bin/env bash
# Runs every benchmark (bench/*/run.sh). Each prints Latent's figure beside its reference's,
# measured in the same run, and the ratio: on a shared machine only ratios hold.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --bench
export LATENT_BIN="$PWD/.build/release/latent" PYTHON="$PWD/.venv/bin/python"
swift build -c release 2>&1 | grep -E "error|warning: unre" || true
status=0
for run in bench/*/run.sh; do
    echo "== $run"
    bash "$run" || { echo "benchmark failed: $run" >&2; status=1; }
done
exit $status
