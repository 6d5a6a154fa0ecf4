#!/usr/bin/env bash
# Sets up what Tests/python/test_gateway*.py need to spread kernels over hosts with Jupyter
# Enterprise Gateway: Debian's openssh-server (an sshd for each test host) and iproute2 (`ip
# netns`, the hosts), and the gateway in its own environment, .venv-gateway, because its pins
# (jupyter_server<2, jupyter_client<7) conflict with .venv's. Idempotent. Called by
# scripts/setup.sh --gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

missing=()
test -x /usr/sbin/sshd || missing+=(openssh-server)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
command -v ip >/dev/null || missing+=(iproute2)
command -v openssl >/dev/null || missing+=(openssl)  # the launcher test plays the gateway's RSA part with it
if ((${#missing[@]})); then
    say "installing apt packages for the gateway test: ${missing[*]}"
    scripts/apt-install.sh "${missing[@]}"
fi

if [ ! -x .venv-gateway/bin/python ]; then
    say "creating .venv-gateway (Jupyter Enterprise Gateway)"
    python3 -m venv .venv-gateway
fi
stamp=".venv-gateway/.latent-$(sha256sum scripts/requirements-gateway.txt | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    say "installing Python packages from scripts/requirements-gateway.txt into .venv-gateway"
    .venv-gateway/bin/python -m pip install -q --upgrade pip
    .venv-gateway/bin/python -m pip install -q -r scripts/requirements-gateway.txt
    touch "$stamp"
fi
