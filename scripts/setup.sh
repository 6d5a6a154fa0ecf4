#!/usr/bin/env bash
# Sets up a fresh Debian machine for Latent: apt packages, the Python virtual environment with
# the Jupyter clients (.venv), a release build, and the kernelspec installed into .venv.
# Idempotent: steps whose result is already there are skipped. `--bench` adds the benchmark
# references (PyTorch, scikit-learn, ipykernel) to the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libzmq3-dev libopenblas-dev zlib1g-dev pkg-config python3-venv pngcheck)
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. System libraries, through apt. pkg-config tells whether they are already there.
missing=()
for pc in libzmq openblas zlib; do pkg-config --exists "$pc" 2>/dev/null || missing+=("$pc"); done
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v pngcheck >/dev/null || missing+=(pngcheck)
if ((${#missing[@]})); then
    say "installing apt packages (${APT_PACKAGES[*]}) because missing: ${missing[*]}"
    if ! command -v apt-get >/dev/null; then
        echo "error: apt-get is not available. Install these packages by hand: ${APT_PACKAGES[*]}" >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "error: not root and no sudo; install: ${APT_PACKAGES[*]}" >&2; exit 1; }
        SUDO="sudo"
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
fi

# 2. The Python environment, pinned. A stamp of the requirements avoids reinstalling.
requirements=(scripts/requirements.txt)
if [ "${1:-}" = "--bench" ]; then requirements+=(scripts/requirements-bench.txt); fi
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

# 3. The release build of the kernel, and its kernelspec inside .venv (the user's own Jupyter
#    is left alone; `latent install --user` puts it there on request).
say "building latent (release)"
swift build -c release --product latent 2>&1 | grep -vE '^(\[[0-9]+/[0-9]+\]|Building|Write|Compiling|Planning)' || true
test -x .build/release/latent || { echo "error: the release build failed" >&2; exit 1; }
.build/release/latent install --prefix "$PWD/.venv" >/dev/null
say "ready: kernel installed into $PWD/.venv"
