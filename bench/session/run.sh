#!/usr/bin/env bash
# Session benchmark: parse + dispatch of a typical 20-line cell against Python's own
# ast.parse / compile of a 20-line cell, and a cold MNIST load from the gzip files against
# gzip + numpy, both measured in this run. Prints each figure, its reference and the ratio.
# Then the session's own costs against the training they go with: the look after every train
# (why), autosave (`--autosave-only` runs just that part) and the live display of `train`
# (`--live-only`).
# Before and after a change (scripts/bench-compare.sh sets these): SESSIONBENCH_BASE=/path/SessionBench
# (another build, BASE) runs beside HEAD (SESSIONBENCH, default this checkout's build) and the
# reference, REPEAT rounds (default 3) in turn, best of each, with the ratios to the reference
# and HEAD/BASE.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=.venv/bin/python
[ -x "$PYTHON" ] || PYTHON=python3

if [ -n "${SESSIONBENCH:-}" ]; then
    BIN=$SESSIONBENCH
else
    swift build -c release --product SessionBench >/dev/null
    BIN="$(swift build -c release --show-bin-path)/SessionBench"
fi
MNIST_DIR="$(pwd)/Data/mnist"

field() { "$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

autosave() {
    echo "== session: training with autosave on against off, lesson 2's model (alternating, best of $1) =="
    for size in 60000 6000; do
        local epochs=2
        [ "$size" = 6000 ] && epochs=10
        local a
        a="$(LATENT_MNIST_DIR="$MNIST_DIR" "$BIN" autosave "$1" "$size" "$epochs")"
        printf '%-44s %10.3f s\n' "train $epochs epochs on $size images, autosave off" "$(field "$a" autosave_off_seconds)"
        printf '%-44s %10.3f s   (%.1f model writes a run, %.1f ms each on the writer thread)\n' "the same, autosave on" \
            "$(field "$a" autosave_on_seconds)" "$(field "$a" writes_per_run)" \
            "$("$PYTHON" -c "import sys; print(float(sys.argv[1]) * 1000)" "$(field "$a" seconds_per_write)")"
        printf '%-44s %10.1f ms  (session thread %.1f ms, writer CPU %.1f ms a run)\n' "autosave's own work" \
            "$("$PYTHON" -c "import sys; print((float(sys.argv[1]) + float(sys.argv[2])) * 1000)" "$(field "$a" session_seconds_per_run)" "$(field "$a" writer_cpu_seconds_per_run)")" \
            "$("$PYTHON" -c "import sys; print(float(sys.argv[1]) * 1000)" "$(field "$a" session_seconds_per_run)")" \
            "$("$PYTHON" -c "import sys; print(float(sys.argv[1]) * 1000)" "$(field "$a" writer_cpu_seconds_per_run)")"
        echo "ratio autosave on / off (best times):          $("$PYTHON" -c "import sys; print(f'{float(sys.argv[1]):.3f}')" "$(field "$a" ratio)")   (goal: at most 1.02; noisy on a shared machine)"
        echo "autosave's work / training time:               $("$PYTHON" -c "import sys; print(f'{float(sys.argv[1]) * 100:.2f}%')" "$(field "$a" work_share)")   (goal: at most 2%)"
    done
}
live() {
    echo "== session: training with the live display against the compact bar (live on / off, alternating, best of $1) =="
    for code in 16 2; do
        local a
        a="$(LATENT_MNIST_DIR="$MNIST_DIR" "$BIN" live "$1" 60000 1 "$code")"
        printf '%-52s %8.3f s\n' "train 1 epoch on 60000 images, $code-D code, live off" "$(field "$a" live_off_seconds)"
        printf '%-52s %8.3f s   (%.0f updates a run, %.0f kB each)\n' "the same, live on" "$(field "$a" live_on_seconds)" \
            "$(field "$a" updates_per_run)" "$("$PYTHON" -c "import sys; print(float(sys.argv[1]) / 1000)" "$(field "$a" bytes_per_update)")"
        printf '%-52s %8.1f ms a run\n' "the live display's own work (looking and drawing)" \
            "$("$PYTHON" -c "import sys; print(float(sys.argv[1]) * 1000)" "$(field "$a" drawing_seconds_per_run)")"
        echo "ratio live on / off (best times):                    $("$PYTHON" -c "import sys; print(f'{float(sys.argv[1]):.3f}')" "$(field "$a" ratio)")   (goal: at most 1.05; noisy on a shared machine)"
        echo "the live display's work / training time:             $("$PYTHON" -c "import sys; print(f'{float(sys.argv[1]) * 100:.2f}%')" "$(field "$a" drawing_share)")   (goal: at most 5%)"
    done
}
if [[ "${1:-}" == "--autosave-only" ]]; then
    autosave "${2:-3}"
    exit 0
fi
if [[ "${1:-}" == "--live-only" ]]; then
    live "${2:-3}"
    exit 0
fi

ratio() { "$PYTHON" -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

if [ -n "${SESSIONBENCH_BASE:-}" ]; then
    BASE=$SESSIONBENCH_BASE
    MNIST_DIR="$(pwd)/Data/mnist"
    lowest() { printf '%s\n' "$@" | sort -g | head -1; }
    echo "== session, BASE against HEAD, best of ${REPEAT:-3} rounds each (the order turns every round)"
    echo "HEAD: $BIN"
    echo "BASE: $BASE"
    printf '%-34s %10s %10s %10s | %9s %9s %9s\n' figure BASE HEAD reference BASE/ref HEAD/ref HEAD/BASE
    # one figure: name, unit, then three commands' outputs are read through `field KEY`
    compare() { # label key-in-latent key-in-reference latent-args... -- reference-args...
        local label=$1 lkey=$2 rkey=$3; shift 3
        local largs=() rargs=()
        while [ "$1" != -- ]; do largs+=("$1"); shift; done; shift
        rargs=("$@")
        local b_all=() h_all=() r_all=() order r side
        for r in $(seq "${REPEAT:-3}"); do
            order=(base head ref)
            case $((r % 3)) in 2) order=(head ref base) ;; 0) order=(ref base head) ;; esac
            for side in "${order[@]}"; do
                case $side in
                    base) b_all+=("$(field "$(LATENT_MNIST_DIR="$MNIST_DIR" "$BASE" "${largs[@]}")" "$lkey")") ;;
                    head) h_all+=("$(field "$(LATENT_MNIST_DIR="$MNIST_DIR" "$BIN" "${largs[@]}")" "$lkey")") ;;
                    ref) r_all+=("$(field "$("$PYTHON" bench/session/reference.py "${rargs[@]}")" "$rkey")") ;;
                esac
            done
        done
        "$PYTHON" -c "import sys
l, b, h, r = sys.argv[1], *map(float, sys.argv[2:])
print(f'{l:<34} {b:10.4g} {h:10.4g} {r:10.4g} | {b / r:9.2f} {h / r:9.2f} {h / b:9.3f}')" \
            "$label" "$(lowest "${b_all[@]}")" "$(lowest "${h_all[@]}")" "$(lowest "${r_all[@]}")"
    }
    compare "parse (us; ref ast.parse)" parse_us python_ast_parse_us cell 2000 -- cell 2000
    compare "parse + dispatch (us; ref compile)" parse_and_dispatch_us python_compile_us cell 2000 -- cell 2000
    compare "MNIST load (s; ref gzip + numpy)" mnist_load_seconds numpy_mnist_load_seconds mnist -- mnist "$MNIST_DIR"
    # why against one epoch: both from the same SessionBench run, so the reference is each side's own epoch.
    b_w=() h_w=() b_e=() h_e=()
    for r in $(seq "${REPEAT:-3}"); do
        order=(base head)
        if [ $((r % 2)) -eq 0 ]; then order=(head base); fi
        for side in "${order[@]}"; do
            if [ "$side" = base ]; then
                w="$("$BASE" why 1)"; b_w+=("$(field "$w" why_seconds)"); b_e+=("$(field "$w" train_epoch_seconds)")
            else
                w="$("$BIN" why 1)"; h_w+=("$(field "$w" why_seconds)"); h_e+=("$(field "$w" train_epoch_seconds)")
            fi
        done
    done
    awk -v bw="$(lowest "${b_w[@]}")" -v hw="$(lowest "${h_w[@]}")" -v be="$(lowest "${b_e[@]}")" \
        -v he="$(lowest "${h_e[@]}")" 'BEGIN {
        printf "%-34s %10.4g %10.4g %10s | %9s %9s %9.3f\n", "one epoch of train (s)", be, he, "-", "", "", he / be
        printf "%-34s %10.4g %10.4g %10s | %9s %9s %9.3f\n", "why, the look after train (s)", bw, hw, "-", "", "", hw / bw
        printf "why / one epoch (its own reference): BASE %.3f, HEAD %.3f (goal: at most 0.02)\n", bw / be, hw / he }'
    echo "HEAD/BASE under 1: HEAD is faster."
    exit 0
fi

echo "== session: parse + dispatch of a typical 20-line cell (median of 2000) =="
latent="$("$BIN" cell 2000)"
python="$("$PYTHON" bench/session/reference.py cell 2000)"
parse=$(field "$latent" parse_us)
dispatch=$(field "$latent" parse_and_dispatch_us)
pyparse=$(field "$python" python_ast_parse_us)
pycompile=$(field "$python" python_compile_us)
printf '%-44s %10.1f us\n' "latent parse" "$parse"
printf '%-44s %10.1f us   (goal: well under 1000 us)\n' "latent parse + dispatch" "$dispatch"
printf '%-44s %10.1f us\n' "python ast.parse (reference)" "$pyparse"
printf '%-44s %10.1f us\n' "python compile (reference)" "$pycompile"
echo "ratio latent parse / python ast.parse:         $(ratio "$parse" "$pyparse")"
echo "ratio latent parse+dispatch / python compile:  $(ratio "$dispatch" "$pycompile")"

echo "== session: cold MNIST load from the gzip files (median of 3 processes) =="
l=(); p=()
for _ in 1 2 3; do
    l+=("$(field "$(LATENT_MNIST_DIR="$MNIST_DIR" "$BIN" mnist)" mnist_load_seconds)")
    p+=("$(field "$("$PYTHON" bench/session/reference.py mnist "$MNIST_DIR")" numpy_mnist_load_seconds)")
done
lm=$(median3 "${l[@]}"); pm=$(median3 "${p[@]}")
printf '%-44s %10.3f s   (goal: under 0.5 s; includes MD5 checks)\n' "latent MNIST.load()" "$lm"
printf '%-44s %10.3f s\n' "gzip + numpy (reference)" "$pm"
echo "ratio latent / numpy:                          $(ratio "$lm" "$pm")"

echo "== session: the look after every train (why) against one training epoch, lesson 2's model (best of 3) =="
w="$("$BIN" why 3)"
epoch=$(field "$w" train_epoch_seconds); look=$(field "$w" why_seconds)
printf '%-44s %10.3f s\n' "one epoch of train (reference)" "$epoch"
printf '%-44s %10.3f s\n' "why (the look after train)" "$look"
echo "ratio why / one epoch:                         $(ratio "$look" "$epoch")   (goal: at most 0.02)"

autosave 3

live 3
