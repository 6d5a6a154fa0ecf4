#!/usr/bin/env bash
# Pictures benchmark: t-SNE of 5,000 MNIST test digits (goal: at most 0.25x scikit-learn's time),
# KernelPCA (rbf) of 3,000 digits (goal: no slower than scikit-learn), and a 10x10 digit grid
# encoded as PNG (goal: under 10 ms). Latent and the references run in the same invocation.
# Sizes can be overridden: TSNE_POINTS=2000 KPCA_POINTS=1000 bench/pictures/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3  # a checkout without .venv: set PYTHON
swift build -c release --product PicturesBench 2>&1 | grep -E "error" || true
.build/release/PicturesBench tsne "${TSNE_POINTS:-5000}" kpca "${KPCA_POINTS:-3000}" grid |
    "$PYTHON" bench/pictures/compare.py
