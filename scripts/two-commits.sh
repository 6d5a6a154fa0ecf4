# Sourced by scripts/compare-outputs.sh and scripts/bench-compare.sh, which compare Latent at
# two commits: reads `BASE [HEAD] [-- REST...]` (calling `usage` on anything else), resolves both
# to commits, and picks the folder for their worktrees.
# Sets: base, head (as given; HEAD by default), base_sha, head_sha, rest (array), trees. The
# worktrees go to a temporary folder removed on exit, or to $LATENT_TREES, where they stay.
# Needs ROOT (the checkout) and a `usage` function.
two_commits() {
    (($# >= 1)) || usage
    base=$1 head=HEAD
    shift
    if (($#)) && [[ $1 != -- ]]; then head=$1; shift; fi
    if (($#)); then [[ $1 == -- ]] || usage; shift; fi
    rest=("$@")
    base_sha=$(git -C "$ROOT" rev-parse --verify --quiet "$base^{commit}") || { echo "no commit $base" >&2; exit 2; }
    head_sha=$(git -C "$ROOT" rev-parse --verify --quiet "$head^{commit}") || { echo "no commit $head" >&2; exit 2; }
    if [[ -n "${LATENT_TREES:-}" ]]; then
        trees=$LATENT_TREES
    else
        trees=$(mktemp -d "${TMPDIR:-/tmp}/latent-trees.XXXXXX")
        trap remove_trees EXIT
    fi
}

remove_trees() {
    for sha in "$base_sha" "$head_sha"; do
        [[ -d "$trees/$sha" ]] && git -C "$ROOT" worktree remove --force "$trees/$sha"
    done
    rm -rf "$trees"
}
