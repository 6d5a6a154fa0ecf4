#!/usr/bin/env bash
# Sets up a fresh Debian machine for Latent: apt packages, the Python virtual environment with
# the Jupyter clients (.venv), a release build, and the kernelspec installed into .venv.
# Idempotent: steps whose result is already there are skipped. `--bench` adds the benchmark
# references (PyTorch, scikit-learn, ipykernel) to the environment; `--browser` adds Debian's
# chromium and chromium-driver, which the browser test drives (scripts/install-browser.sh);
# `--gateway` adds Jupyter Enterprise Gateway (.venv-gateway) and openssh-server, which the
# gateway test spreads kernels with (scripts/setup-gateway.sh); `--classroom` installs the
# classroom JupyterHub with this build of Latent (scripts/classroom.sh --install, as root or
# through sudo), which the classroom test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bench="" browser="" gateway="" classroom=""
for arg in "$@"; do
    case "$arg" in
        --bench) bench=1 ;;
        --browser) browser=1 ;;
        --gateway) gateway=1 ;;
        --classroom) classroom=1 ;;
        *) echo "usage: scripts/setup.sh [--bench] [--browser] [--gateway] [--classroom]" >&2; exit 2 ;;
    esac
done

APT_PACKAGES=(libzmq3-dev libopenblas-dev zlib1g-dev pkg-config python3-venv pngcheck)
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. System libraries, through apt. pkg-config tells whether they are already there.
missing=()
for pc in libzmq openblas zlib; do pkg-config --exists "$pc" 2>/dev/null || missing+=("$pc"); done
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v pngcheck >/dev/null || missing+=(pngcheck)
if ((${#missing[@]})); then
    say "installing apt packages (${APT_PACKAGES[*]}) because missing: ${missing[*]}"
    scripts/apt-install.sh "${APT_PACKAGES[@]}"
fi

# 2. The Python environment, pinned. A stamp of the requirements avoids reinstalling.
requirements=(scripts/requirements.txt)
if [ -n "$bench" ]; then requirements+=(scripts/requirements-bench.txt); fi
if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    python3 -m venv .venv
fi
stamp=".venv/.latent-$(cat "${requirements[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    say "installing Python packages from ${requirements[*]}"
    .venv/bin/python -m pip install -q --upgrade pip
    for r in "${requirements[@]}"; do .venv/bin/python -m pip install -q -r "$r"; done
    touch "$stamp"
fi

# 3. The browser for the browser test (`make test` asks for it; `make lab` does not need one).
#    A failure here is not fatal: the browser test then says why it cannot run.
if [ -n "$browser" ]; then
    scripts/install-browser.sh || say "no browser: Tests/python/test_browser.py will say why it cannot run"
fi

# 3b. Enterprise Gateway and sshd for the gateway test (`make test` asks for them).
if [ -n "$gateway" ]; then
    scripts/setup-gateway.sh
fi

# 4. The release build of the kernel, and its kernelspec inside .venv (the user's own Jupyter
#    is left alone; `latent install --user` puts it there on request). swift build's progress is
#    condensed to a line every tenth of the way or every 20 s; everything else (errors, warnings,
#    the closing line) goes through as it is.
condensed() {
    local line n m pct last_m=0 last_pct=-100 last_time=$SECONDS
    while IFS= read -r line; do
        if [[ $line =~ ^\[([0-9]+)/([0-9]+)\]\ ?(.*)$ ]]; then
            n=${BASH_REMATCH[1]} m=${BASH_REMATCH[2]}
            pct=$((m > 0 ? 100 * n / m : 0))
            if ((m != last_m)); then last_m=$m last_pct=-100; fi  # the plan grew: start counting anew
            if ((pct >= last_pct + 10 || SECONDS - last_time >= 20)); then
                say "  [$n/$m] $pct%, $((SECONDS - start))s: ${BASH_REMATCH[3]:0:70}"
                last_pct=$pct last_time=$SECONDS
            fi
        elif [[ ! $line =~ ^(Building|Write|Compiling|Planning|Fetching|Computing|Working|Updating|Creating) ]]; then
            printf '%s\n' "$line"
        fi
    done
}
if [ -x .build/release/latent ]; then
    say "building latent (release): only what changed is rebuilt"
else
    say "building latent (release): the first build takes a few minutes (about 3.5 on 2 cores; this machine has $(nproc))"
fi
start=$SECONDS
if ! swift build -c release --product latent 2>&1 | condensed; then
    echo "error: the release build failed (its errors are above)" >&2
    exit 1
fi
test -x .build/release/latent || { echo "error: the release build made no .build/release/latent" >&2; exit 1; }
.build/release/latent install --prefix "$PWD/.venv" >/dev/null
say "ready: kernel installed into $PWD/.venv"

# 5. The classroom hub for Tests/python/test_classroom.py. A failure here is not fatal: the test
#    installs again itself, and fails saying why (or, with no root and no sudo, is skipped).
if [ -n "$classroom" ]; then
    scripts/classroom.sh --install || say "no classroom hub: Tests/python/test_classroom.py will say why"
fi
