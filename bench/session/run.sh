#!/usr/bin/env bash
# Session benchmark: parse + dispatch of a typical 20-line cell against Python's own
# ast.parse / compile of a 20-line cell, and a cold MNIST load from the gzip files against
# gzip + numpy, both measured in this run. Prints each figure, its reference and the ratio.
# Then the session's own costs against the training they go with: the look after every train
# (why), and autosave (`--autosave-only` runs just that part).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=.venv/bin/python
[ -x "$PYTHON" ] || PYTHON=python3

swift build -c release --product SessionBench >/dev/null
BIN="$(swift build -c release --show-bin-path)/SessionBench"
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
if [[ "${1:-}" == "--autosave-only" ]]; then
    autosave "${2:-3}"
    exit 0
fi

ratio() { "$PYTHON" -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

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
