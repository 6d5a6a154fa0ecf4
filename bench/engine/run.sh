#!/usr/bin/env bash
# Engine benchmark: one training epoch of the 60,000 MNIST images for each model, in Latent
# (bench/NeuralBench) and in PyTorch on 2 threads (bench/engine/torch_bench.py), in the same
# run; prints seconds per epoch, samples per second, peak memory of each process and the ratio
# Latent / PyTorch, and the fraction of the GEMM-rate limit Latent reaches.
# The machine's neighbours come and go (for tens of seconds at a time the memory-bound parts of
# both sides run up to three times slower), so each model runs REPEAT times on each side,
# alternating, and the best run of each side is compared; "runs" shows every ratio.
# Usage: [THREADS=1] [REPEAT=5] bench/engine/run.sh [dense002 deep000 vae]   (THREADS: both sides; default 2)
# Before and after a change (scripts/bench-compare.sh sets these): NEURALBENCH_BASE=/path/NeuralBench
# (another build, BASE) runs too, in the same rounds, and the table shows BASE, HEAD (NEURALBENCH,
# default this checkout's build) and PyTorch with the ratios HEAD/PyTorch, BASE/PyTorch and HEAD/BASE.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3  # a checkout without .venv: set PYTHON
MNIST_DIR="${LATENT_MNIST_DIR:-$PWD/Data/mnist}"
THREADS="${THREADS:-2}"
REPEAT="${REPEAT:-5}"
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(dense002 deep000 vae)

if [ -n "${NEURALBENCH:-}" ]; then
    bench=$NEURALBENCH
else
    swift build -c release --product NeuralBench 2>&1 | grep -E "error|warning: unre" || true
    bench=.build/release/NeuralBench
fi
base="${NEURALBENCH_BASE:-}"

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

gemm=$("$bench" gemm --threads "$THREADS")
rate=$(field gflops "$gemm")
best() { # the line with the fewest seconds_per_epoch
    sort -t= -k2 -g <<<"$(for line in "$@"; do echo "$(field seconds_per_epoch "$line")=$line"; done)" | head -1 | cut -d= -f2-
}
if [ -n "$base" ]; then
    # BASE, HEAD and PyTorch, one run of each per round; the order turns every round.
    echo "threads: $THREADS each; sgemm rate now: ${rate} GFLOP/s (square 1024); best of $REPEAT rounds each"
    echo "HEAD: $bench"
    echo "BASE: $base"
    printf "%-9s | %8s %8s %8s | %7s %7s | %10s %10s | %9s %9s | %s\n" model "BASE s" "HEAD s" "torch s" \
        "BASE MB" "HEAD MB" BASE/torch HEAD/torch HEAD/BASE "cpu H/B" "HEAD/BASE each round"
    for model in "${models[@]}"; do
        basesAll=(); headsAll=(); torchAll=(); rounds=()
        for r in $(seq "$REPEAT"); do
            order=(base head torch)
            case $((r % 3)) in 2) order=(head torch base) ;; 0) order=(torch base head) ;; esac
            for side in "${order[@]}"; do
                case $side in
                    base) b=$("$base" "$model" --threads "$THREADS"); basesAll+=("$b") ;;
                    head) h=$("$bench" "$model" --threads "$THREADS"); headsAll+=("$h") ;;
                    torch) t=$("$PYTHON" bench/engine/torch_bench.py "$MNIST_DIR" "$model" "$THREADS"); torchAll+=("$t") ;;
                esac
            done
            rounds+=("$(awk -v a="$(field seconds_per_epoch "$h")" -v b="$(field seconds_per_epoch "$b")" 'BEGIN{printf "%.2f", a/b}')")
        done
        b=$(best "${basesAll[@]}"); h=$(best "${headsAll[@]}"); t=$(best "${torchAll[@]}")
        cpu_b=$(for line in "${basesAll[@]}"; do field cpu_seconds "$line"; done | sort -g | head -1)
        cpu_h=$(for line in "${headsAll[@]}"; do field cpu_seconds "$line"; done | sort -g | head -1)
        awk -v m="$model" -v sb="$(field seconds_per_epoch "$b")" -v sh="$(field seconds_per_epoch "$h")" \
            -v st="$(field seconds_per_epoch "$t")" -v pb="$(field peak_mb "$b")" -v ph="$(field peak_mb "$h")" \
            -v cb="$cpu_b" -v ch="$cpu_h" -v rounds="${rounds[*]}" 'BEGIN {
                printf "%-9s | %8.2f %8.2f %8.2f | %7d %7d | %10.2f %10.2f | %9.3f %9.3f | %s\n",
                    m, sb, sh, st, pb, ph, sb / st, sh / st, sh / sb, ch / cb, rounds }'
    done
    echo "seconds: one epoch of 60,000 images, the best of each side's runs; ratios of those bests."
    echo "  HEAD/BASE under 1: HEAD is faster. cpu H/B: the same for the least process CPU seconds."
    echo "  Each round's HEAD/BASE (wall) is shown last: the noise shows there."
    for side in base head; do
        bin=$bench; [ "$side" = base ] && bin=$base
        sparse_ms=$(field ms_per_batch "$(LATENT_THREADS=$THREADS "$bin" first-layer 250)")
        dense_ms=$(field ms_per_batch "$(LATENT_THREADS=$THREADS LATENT_SPARSE_INPUT=off "$bin" first-layer 250)")
        awk -v s="${side^^}" -v a="$sparse_ms" -v b="$dense_ms" 'BEGIN {
            printf "%s first layer 784->250 on MNIST: skipping zeros %.3f ms a batch, sgemm %.3f ms, ratio %.2f\n", s, a, b, a / b }'
    done
    exit 0
fi
echo "threads: $THREADS each; sgemm rate now: ${rate} GFLOP/s (square 1024); issue 3's figure: 170 on 2 threads"
printf "%-9s | %8s %9s %7s | %8s %9s %7s | %6s %6s | %5s %9s | %s\n" model "Latent s" "samples/s" "peak MB" \
    "torch s" "samples/s" "peak MB" ratio "cpu r." GFLOP "limit %" "runs"
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
