#!/usr/bin/env bash
# Engine benchmark: one training epoch of the 60,000 MNIST images for each model, in Latent
# (bench/NeuralBench) and in PyTorch on 2 threads (bench/engine/torch_bench.py), in the same
# run; prints seconds per epoch, samples per second, peak memory of each process and the ratio
# Latent / PyTorch, and the fraction of the GEMM-rate limit Latent reaches.
# The machine's neighbours come and go (for tens of seconds at a time the memory-bound parts of
# both sides run up to three times slower), so each model runs REPEAT times on each side,
# alternating, and the best run of each side is compared; "runs" shows every ratio.
# Usage: [THREADS=1] [REPEAT=5] bench/engine/run.sh [dense002 deep000 vae]   (THREADS: both sides; default 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3  # a checkout without .venv: set PYTHON
MNIST_DIR="${LATENT_MNIST_DIR:-$PWD/Data/mnist}"
THREADS="${THREADS:-2}"
REPEAT="${REPEAT:-5}"
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(dense002 deep000 vae)

swift build -c release --product NeuralBench 2>&1 | grep -E "error|warning: unre" || true
bench=.build/release/NeuralBench

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

gemm=$("$bench" gemm --threads "$THREADS")
rate=$(field gflops "$gemm")
echo "threads: $THREADS each; sgemm rate now: ${rate} GFLOP/s (square 1024); issue 3's figure: 170 on 2 threads"
printf "%-9s | %8s %9s %7s | %8s %9s %7s | %6s %6s | %5s %9s | %s\n" model "Latent s" "samples/s" "peak MB" \
    "torch s" "samples/s" "peak MB" ratio "cpu r." GFLOP "limit %" "runs"
best() { # the line with the fewest seconds_per_epoch
    sort -t= -k2 -g <<<"$(for line in "$@"; do echo "$(field seconds_per_epoch "$line")=$line"; done)" | head -1 | cut -d= -f2-
}
for model in "${models[@]}"; do
    runs=()
    oursAll=()
    theirsAll=()
    for _ in $(seq "$REPEAT"); do
        o=$("$bench" "$model" --threads "$THREADS")
        t=$("$PYTHON" bench/engine/torch_bench.py "$MNIST_DIR" "$model" "$THREADS")
        oursAll+=("$o")
        theirsAll+=("$t")
        runs+=("$(awk -v a="$(field seconds_per_epoch "$o")" -v b="$(field seconds_per_epoch "$t")" 'BEGIN{printf "%.2f", a/b}')")
    done
    ours=$(best "${oursAll[@]}")
    theirs=$(best "${theirsAll[@]}")
    s1=$(field seconds_per_epoch "$ours"); s2=$(field seconds_per_epoch "$theirs")
    c1=$(field cpu_seconds "$ours"); c2=$(field cpu_seconds "$theirs")
    flop=$(field gflop_per_epoch "$ours")
    awk -v m="$model" -v s1="$s1" -v s2="$s2" -v c1="$c1" -v c2="$c2" -v n1="$(field samples_per_second "$ours")" \
        -v n2="$(field samples_per_second "$theirs")" -v p1="$(field peak_mb "$ours")" -v p2="$(field peak_mb "$theirs")" \
        -v f="$flop" -v r="$rate" -v runs="${runs[*]}" 'BEGIN {
            printf "%-9s | %8.2f %9d %7d | %8.2f %9d %7d | %6.2f %6.2f | %5.0f %4.0f%%/%3.0f%% | %s\n",
                m, s1, n1, p1, s2, n2, p2, s1 / s2, c1 / c2, f, 100 * f / r / s1, 100 * f / 170 / s1, runs }'
done
echo "ratio: Latent/PyTorch wall seconds, best of $REPEAT runs each (goal <= 0.5); cpu r.: the same for"
echo "  process CPU seconds; runs: the ratio of each pair of runs, in order."
echo "limit %: the models' dense matrix-product work / GEMM rate / Latent seconds, at the rate measured"
echo "  now and at 170 GFLOP/s. Over 100% is possible: Latent skips the zero pixels (and zero ReLU"
echo "  outputs) in the products of layers whose input is mostly zeros, so it does less work than that."
# The first layer alone (784 -> 250 relu, real MNIST batches of 200, forward and weight gradient):
# Latent's products that skip zero pixels against its own sgemm path.
sparse_ms=$(field ms_per_batch "$(LATENT_THREADS=$THREADS "$bench" first-layer 250)")
dense_ms=$(field ms_per_batch "$(LATENT_THREADS=$THREADS LATENT_SPARSE_INPUT=off "$bench" first-layer 250)")
awk -v a="$sparse_ms" -v b="$dense_ms" 'BEGIN {
    printf "first layer 784->250 on MNIST: skipping zeros %.3f ms a batch, sgemm %.3f ms, ratio %.2f\n", a, b, a / b }'
