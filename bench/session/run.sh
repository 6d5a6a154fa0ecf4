#!/usr/bin/env bash
# Session benchmark: parse + dispatch of a typical 20-line cell against Python's own
# ast.parse / compile of a 20-line cell, and a cold MNIST load from the gzip files against
# gzip + numpy, both measured in this run. Prints each figure, its reference and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=.venv/bin/python
[ -x "$PYTHON" ] || PYTHON=python3

swift build -c release --product SessionBench >/dev/null
BIN="$(swift build -c release --show-bin-path)/SessionBench"

field() { "$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
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
MNIST_DIR="$(pwd)/Data/mnist"
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
