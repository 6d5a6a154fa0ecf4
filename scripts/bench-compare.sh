#!/usr/bin/env bash
# The engine benchmarks before and after a change, in one run: builds the benchmark programs
# (release) at two commits, each in a worktree of its own, then runs bench/engine,
# bench/engine-conv and bench/session with Latent at BASE, Latent at HEAD and the reference
# (PyTorch; Python and numpy for the session) in turn, several rounds, best of each, and prints
# both ratios to the reference and HEAD/BASE. On a shared machine only figures from the same
# run can be compared; a ratio from yesterday's `make bench` cannot.
#   scripts/bench-compare.sh BASE [HEAD] [-- BENCH...]   (HEAD defaults to HEAD; BENCHes: engine
#                                                          engine-conv session, the default all)
#   make bench-compare BASE=REV [HEAD=REV]
# Rounds: REPEAT (default 5 for engine, 3 for engine-conv and session); THREADS (default 2).
# Needs the environment of scripts/setup.sh --bench (.venv with PyTorch; PYTHON to use another).
# Worktrees go to a temporary folder and are removed at the end; with LATENT_TREES=DIR they go
# there and stay, and builds already there (scripts/compare-outputs.sh) are reused.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() { echo "usage: scripts/bench-compare.sh BASE [HEAD] [-- engine|engine-conv|session ...]" >&2; exit 2; }
source "$ROOT/scripts/two-commits.sh"
two_commits "$@"
benches=("${rest[@]}")
((${#benches[@]})) || benches=(engine engine-conv session)
for b in "${benches[@]}"; do [[ $b =~ ^(engine|engine-conv|session)$ ]] || usage; done

export PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
"$PYTHON" -c "import torch, numpy" 2>/dev/null || {
    echo "no Python with PyTorch at $PYTHON: run scripts/setup.sh --bench first (or set PYTHON)" >&2
    exit 2
}

products=(NeuralBench)
[[ " ${benches[*]} " == *" session "* ]] && products+=(SessionBench)
base_dir=$("$ROOT/scripts/build-at.sh" "$base_sha" "$trees" "${products[@]}" | tail -1)
head_dir=$("$ROOT/scripts/build-at.sh" "$head_sha" "$trees" "${products[@]}" | tail -1)

echo "BASE: $base = $(git -C "$ROOT" log -1 --format='%h %s' "$base_sha" | cut -c1-90)"
echo "HEAD: $head = $(git -C "$ROOT" log -1 --format='%h %s' "$head_sha" | cut -c1-90)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'); $(date -u '+%Y-%m-%d %H:%M UTC')"
# The benchmarks' own scripts and data are this checkout's; only the Latent programs differ.
export NEURALBENCH="$head_dir/NeuralBench" NEURALBENCH_BASE="$base_dir/NeuralBench"
export SESSIONBENCH="$head_dir/SessionBench" SESSIONBENCH_BASE="$base_dir/SessionBench"
export LATENT_MNIST_DIR="${LATENT_MNIST_DIR:-$ROOT/Data/mnist}"
status=0
for b in "${benches[@]}"; do
    echo "== bench/$b"
    case $b in
        engine) REPEAT="${REPEAT:-5}" bash "$ROOT/bench/engine/run.sh" || status=1 ;;
        engine-conv) REPEAT="${REPEAT:-3}" bash "$ROOT/bench/engine-conv/run.sh" || status=1 ;;
        session) REPEAT="${REPEAT:-3}" bash "$ROOT/bench/session/run.sh" || status=1 ;;
    esac
done
exit $status
