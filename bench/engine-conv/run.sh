#!/usr/bin/env bash
# The seed-002 conv autoencoder, Latent against PyTorch on this machine, in the same run:
#   conv-train   the whole model through the real training loop (60,000 MNIST images, batch 200,
#                MSE, Adam 1e-3, Glorot-uniform): ms per batch and the one-epoch (300 batches)
#                figure, from BATCHES timed batches after one untimed warm-up batch
#   conv-layers  only the spatial layers (conv/pool encoder stack, upsample/conv decoder stack),
#                forward + backward + SGD step, to see the convolutions on their own
# Both sides use 2 threads (Latent: its compute team, THREADS to change; PyTorch: set_num_threads).
# The training case runs REPEAT times on each side (default 2), alternating, and compares the
# best run of each: the machine's neighbours slow either side for tens of seconds at a time.
# Usage: [REPEAT=2] bench/engine-conv/run.sh [BATCHES]   (default 300, one full epoch)
# Before and after a change (scripts/bench-compare.sh sets these): NEURALBENCH_BASE=/path/NeuralBench
# (another build, BASE) runs too, in the same rounds, beside HEAD (NEURALBENCH, default this
# checkout's build) and PyTorch; both cases then run REPEAT rounds and print the three ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCHES="${1:-${CONV_BENCH_BATCHES:-300}}"
export LATENT_THREADS="${THREADS:-2}" CONV_TORCH_THREADS="${THREADS:-2}"
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
[[ -x "$PYTHON" ]] || PYTHON=python3  # a checkout without .venv: set PYTHON to one with torch
if [[ -n "${NEURALBENCH:-}" ]]; then
    BENCH=$NEURALBENCH
else
    swift build -c release --product NeuralBench 2>&1 | grep -E "error" || true
    BENCH=.build/release/NeuralBench
fi
BASE="${NEURALBENCH_BASE:-}"

figure() { grep "^$1 " | awk '{print $2}'; }
row() { # name latent torch unit
    printf "%-44s %10s %10s %s  ratio %s\n" "$1" "$2" "$3" "$4" "$(awk -v a="$2" -v b="$3" 'BEGIN{printf "%.2f", a/b}')"
}

if [[ -n "$BASE" ]]; then
    # BASE, HEAD and PyTorch, one run of each per round, the order turning every round; best of each.
    lowest() { sort -g | head -1; }
    echo "seed-002 conv model, batch 200, $BATCHES batches timed ($(nproc) cores), best of ${REPEAT:-2} rounds each"
    echo "HEAD: $BENCH"
    echo "BASE: $BASE"
    printf "%-28s %8s %8s %8s | %10s %10s %9s | %s\n" case "BASE" "HEAD" "PyTorch" BASE/torch HEAD/torch HEAD/BASE \
        "HEAD/BASE each round"
    for case in train layers; do
        b_all=() h_all=() t_all=() rounds=""
        for r in $(seq "${REPEAT:-2}"); do
            order=(base head torch)
            case $((r % 3)) in 2) order=(head torch base) ;; 0) order=(torch base head) ;; esac
            for side in "${order[@]}"; do
                case $side in
                    base) b=$($BASE "conv-$case" "$BATCHES" | figure "conv-$case-epoch-seconds"); b_all+=("$b") ;;
                    head) h=$($BENCH "conv-$case" "$BATCHES" | figure "conv-$case-epoch-seconds"); h_all+=("$h") ;;
                    torch) t=$("$PYTHON" bench/engine-conv/conv_torch.py "$case" "$BATCHES" 2>/dev/null |
                        figure "conv-$case-epoch-seconds"); t_all+=("$t") ;;
                esac
            done
            rounds+="$(awk -v a="$h" -v b="$b" 'BEGIN{printf "%.2f ", a/b}')"
        done
        b=$(printf '%s\n' "${b_all[@]}" | lowest); h=$(printf '%s\n' "${h_all[@]}" | lowest)
        t=$(printf '%s\n' "${t_all[@]}" | lowest)
        name="training, s/epoch"; [[ $case == layers ]] && name="spatial layers only, s/epoch"
        awk -v n="$name" -v b="$b" -v h="$h" -v t="$t" -v r="$rounds" 'BEGIN {
            printf "%-28s %8.2f %8.2f %8.2f | %10.2f %10.2f %9.3f | %s\n", n, b, h, t, b / t, h / t, h / b, r }'
    done
    echo "HEAD/BASE under 1: HEAD is faster."
    exit 0
fi
echo "seed-002 conv model, batch 200, $BATCHES batches timed ($(nproc) cores)"
printf "%-44s %10s %10s\n" "case" "Latent" "PyTorch"
faster() { # $1, $2: two outputs; prints the one with fewer seconds per epoch
    if [[ -z "$1" ]] || awk -v a="$(echo "$1" | figure conv-train-epoch-seconds)" \
        -v b="$(echo "$2" | figure conv-train-epoch-seconds)" 'BEGIN { exit !(b < a) }'; then
        echo "$2"
    else
        echo "$1"
    fi
}
torch_train=""
latent_train=""
runs=""
for _ in $(seq "${REPEAT:-2}"); do
    t_run=$("$PYTHON" bench/engine-conv/conv_torch.py train "$BATCHES" 2>/dev/null)
    l_run=$($BENCH conv-train "$BATCHES")
    runs+="$(awk -v a="$(echo "$l_run" | figure conv-train-epoch-seconds)" \
        -v b="$(echo "$t_run" | figure conv-train-epoch-seconds)" 'BEGIN{printf "%.2f ", a/b}')"
    torch_train=$(faster "$torch_train" "$t_run")
    latent_train=$(faster "$latent_train" "$l_run")
done
t=$(echo "$torch_train" | figure conv-train-epoch-seconds)
row "training, s/epoch (best of ${REPEAT:-2} each)" "$(echo "$latent_train" | figure conv-train-epoch-seconds)" "$t" "s"
echo "  ratio of each pair of runs, in order: $runs"
row "training, samples/s" \
    "$(echo "$latent_train" | figure conv-train-per-batch-ms | awk '{printf "%.0f", 200000/$1}')" \
    "$(echo "$torch_train" | figure conv-train-per-batch-ms | awk '{printf "%.0f", 200000/$1}')" "/s"
printf "%-44s %10s %10s\n" "Latent CPU ms per batch (all threads)" \
    "$(echo "$latent_train" | figure conv-train-cpu-per-batch-ms)" "-"
row "peak memory, MiB" "$(echo "$latent_train" | figure conv-train-peak-rss-mb)" \
    "$(echo "$torch_train" | figure conv-train-peak-rss-mb)" "MiB"
torch_layers=$("$PYTHON" bench/engine-conv/conv_torch.py layers "$BATCHES" 2>/dev/null)
latent_layers=$($BENCH conv-layers "$BATCHES")
row "spatial layers only, s/epoch" "$(echo "$latent_layers" | figure conv-layers-epoch-seconds)" \
    "$(echo "$torch_layers" | figure conv-layers-epoch-seconds)" "s"
