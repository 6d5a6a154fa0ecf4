#!/usr/bin/env bash
# `make lessons`: runs every lesson top to bottom on this checkout's Latent kernel, writing the
# executed notebooks (with their outputs) and an HTML copy of each to build/lessons/, and prints
# each lesson's running time. Exits non-zero if any lesson fails; the others still run.
#   LATENT_BIN  the binary (default .build/release/latent)
#   JUPYTER     the jupyter command (default .venv/bin/jupyter, else the one on PATH)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/build/lessons"
BIN="${LATENT_BIN:-$ROOT/.build/release/latent}"
JUPYTER="${JUPYTER:-$ROOT/.venv/bin/jupyter}"
if [[ ! -x "$JUPYTER" ]]; then
    JUPYTER=$(command -v jupyter) || { echo "no jupyter: run the set-up first (or set JUPYTER)" >&2; exit 1; }
fi
if [[ ! -x "$BIN" ]]; then
    echo "no Latent binary at $BIN: run 'swift build -c release' first (or set LATENT_BIN)" >&2
    exit 1
fi

mkdir -p "$OUT"
# This checkout's kernel, whatever else this Jupyter has installed.
"$BIN" install --prefix "$OUT/kernel" >/dev/null
export JUPYTER_PATH="$OUT/kernel/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

failed=()
total_start=$EPOCHREALTIME
for lesson in "$ROOT"/Lessons/[0-9][0-9]-*.ipynb; do
    name=$(basename "$lesson")
    start=$EPOCHREALTIME
    if "$JUPYTER" nbconvert --to notebook --execute \
        --ExecutePreprocessor.kernel_name=latent --ExecutePreprocessor.timeout=600 \
        --output-dir "$OUT" "$lesson" >"$OUT/${name%.ipynb}.log" 2>&1; then
        status=ok
    else
        status=FAILED
        failed+=("$name")
    fi
    seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
    if [[ -f "$OUT/$name" ]]; then
        "$JUPYTER" nbconvert --to html --output-dir "$OUT" "$OUT/$name" >>"$OUT/${name%.ipynb}.log" 2>&1 || true
    fi
    printf '%-34s %7.1f s  %s\n' "$name" "$seconds" "$status"
done
printf '%-34s %7.1f s\n' "all lessons" "$(awk -v a="$total_start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
echo "executed notebooks and HTML: $OUT"
if (( ${#failed[@]} )); then
    echo "failed: ${failed[*]} (see $OUT/<lesson>.log)" >&2
    exit 1
fi
