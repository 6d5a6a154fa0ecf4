#!/usr/bin/env bash
# The shared MNIST cache's cost at training time: a kernel's batches are gathered from the
# cache's bytes and converted to Float32 as they go, where they were copied from Float32 pixels
# before. Prints the gathering of one epoch's batches both ways, and a dense002 epoch trained
# from each, in the same run, best of REPEAT each, alternating; the goal is that converting
# costs at most 3% of a dense002 epoch.
# Usage: [REPEAT=3] [THREADS=2] bench/datacache/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEAT="${REPEAT:-3}"
THREADS="${THREADS:-2}"
if [ -n "${NEURALBENCH:-}" ]; then
    bench=$NEURALBENCH
else
    swift build -c release --product NeuralBench 2>&1 | grep -E "error|warning: unre" || true
    bench=.build/release/NeuralBench
fi
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
least() { sort -g | head -1; }

gather=$(LATENT_THREADS=$THREADS "$bench" gather 5)
floats=(); bytes=()
for _ in $(seq "$REPEAT"); do
    floats+=("$(field seconds_per_epoch "$("$bench" dense002 --threads "$THREADS")")")
    bytes+=("$(field seconds_per_epoch "$("$bench" dense002 --threads "$THREADS" --bytes)")")
done
f=$(printf "%s\n" "${floats[@]}" | least); b=$(printf "%s\n" "${bytes[@]}" | least)
awk -v gf="$(field floats_seconds "$gather")" -v gb="$(field bytes_seconds "$gather")" -v f="$f" -v b="$b" \
    -v fs="${floats[*]}" -v bs="${bytes[*]}" 'BEGIN {
    printf "gathering one epoch of batches of 200: from Float32 %.3f s, from bytes (converting) %.3f s\n", gf, gb
    printf "  converting costs %.1f%% of a dense002 epoch (goal <= 3%%)\n", 100 * (gb - gf) / f
    printf "dense002 epoch: from Float32 %.2f s, from bytes %.2f s, ratio %.3f (runs: %s | %s)\n", f, b, b / f, fs, bs }'
