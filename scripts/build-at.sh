#!/usr/bin/env bash
# Builds products of Latent (release) as they were at one commit, in a git worktree of its own,
# and prints the folder the binaries are in (the last line of stdout; the build's messages go
# to stderr). Used by scripts/compare-outputs.sh and scripts/bench-compare.sh.
#   scripts/build-at.sh REV TREES PRODUCT...
# The worktree is TREES/<commit>: made with `git worktree add --detach` when it is not there,
# reused (only what changed is rebuilt) when it is. Removing it is the caller's job
# (git worktree remove --force TREES/<commit>).
# Both sides of a comparison should build against the same dependencies: this checkout's
# Package.resolved is copied into the worktree when there is one; otherwise the first worktree
# to resolve leaves its Package.resolved in TREES for the next.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if (($# < 3)); then
    echo "usage: scripts/build-at.sh REV TREES PRODUCT..." >&2
    exit 2
fi
rev=$1 trees=$2
shift 2
sha=$(git -C "$ROOT" rev-parse --verify --quiet "$rev^{commit}") || {
    echo "build-at: no commit $rev" >&2
    exit 2
}
mkdir -p "$trees"
trees=$(cd "$trees" && pwd)
tree="$trees/$sha"
if [[ ! -d "$tree" ]]; then
    git -C "$ROOT" worktree add --detach "$tree" "$sha" >&2
fi
if [[ -f "$ROOT/Package.resolved" ]]; then
    cp "$ROOT/Package.resolved" "$tree/Package.resolved"
elif [[ -f "$trees/Package.resolved" && ! -f "$tree/Package.resolved" ]]; then
    cp "$trees/Package.resolved" "$tree/Package.resolved"
fi
for product in "$@"; do
    echo "[build-at] ${sha:0:10} ($rev): swift build -c release --product $product" >&2
    start=$SECONDS
    # Only errors and the closing line go through (a commit's own warnings are not ours to read).
    mkdir -p "$tree/.build"
    log="$tree/.build/build-at.log"
    status=0
    (cd "$tree" && swift build -c release --product "$product") >"$log" 2>&1 || status=$?
    grep -E 'error|Build complete|Build of product' "$log" >&2 || true
    if ((status != 0)) || [[ ! -x "$tree/.build/release/$product" ]]; then
        echo "build-at: the build at $rev made no $product (its errors are above)" >&2
        exit 1
    fi
    echo "[build-at] ${sha:0:10}: $product built in $((SECONDS - start)) s" >&2
done
[[ -f "$trees/Package.resolved" || ! -f "$tree/Package.resolved" ]] || cp "$tree/Package.resolved" "$trees/"
echo "$tree/.build/release"
