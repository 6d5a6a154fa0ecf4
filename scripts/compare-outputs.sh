#!/usr/bin/env bash
# Does a change keep Latent's behaviour? Builds `latent` (release) at two commits, each in a
# worktree of its own, runs every golden script (Tests/SessionTests/scripts/*.latent, cell by
# cell as the golden test splits them) and every lesson (Lessons/*.ipynb) through each build's
# kernel, and compares every output byte for byte: text, HTML, PNG and SVG, stream text and
# errors. Only the seconds column of training tables is masked (scripts/compare/outputs.py says
# how). Prints one line per script or lesson: identical, or the first differing output with a
# short diff. Exits 1 on any difference.
#   scripts/compare-outputs.sh BASE [HEAD] [-- NAME...]   (HEAD defaults to HEAD; NAMEs pick items)
# Both builds run HEAD's scripts and lessons, with the same MNIST files (this checkout's
# Data/mnist, or LATENT_MNIST_DIR), the same thread count (LATENT_THREADS, default 2) and the
# same working folders. Executed notebooks and each side's outputs: build/compare/BASE-HEAD/.
# EVERY=1 describes every differing output, not only the first; to read a finished run again:
#   .venv/bin/python scripts/compare/outputs.py --saved --out build/compare/BASE-HEAD [--every] [NAME...]
# Needs the Python environment of scripts/setup.sh (.venv; PYTHON to use another).
# Worktrees go to a temporary folder and are removed at the end; with LATENT_TREES=DIR they
# go there and stay, so the next comparison (or scripts/bench-compare.sh) reuses the builds.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() { echo "usage: scripts/compare-outputs.sh BASE [HEAD] [-- NAME...]" >&2; exit 2; }
source "$ROOT/scripts/two-commits.sh"
two_commits "$@"

PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
"$PYTHON" -c "import nbclient, nbformat" 2>/dev/null || {
    echo "no Python with nbclient at $PYTHON: run scripts/setup.sh first (or set PYTHON)" >&2
    exit 2
}

echo "base: $base = $(git -C "$ROOT" log -1 --format='%h %s' "$base_sha" | cut -c1-90)"
echo "head: $head = $(git -C "$ROOT" log -1 --format='%h %s' "$head_sha" | cut -c1-90)"
base_bin=$("$ROOT/scripts/build-at.sh" "$base_sha" "$trees" latent | tail -1)/latent
head_bin=$("$ROOT/scripts/build-at.sh" "$head_sha" "$trees" latent | tail -1)/latent

export LATENT_THREADS="${LATENT_THREADS:-2}"
export LATENT_MNIST_DIR="${LATENT_MNIST_DIR:-$ROOT/Data/mnist}"
out="$ROOT/build/compare/${base_sha:0:7}-${head_sha:0:7}"
rm -rf "$out"
"$PYTHON" "$ROOT/scripts/compare/outputs.py" --base "$base_bin" --head "$head_bin" \
    --inputs "$trees/$head_sha" --base-inputs "$trees/$base_sha" --out "$out" ${EVERY:+--every} "${rest[@]}"
