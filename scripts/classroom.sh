#!/usr/bin/env bash
# A JupyterHub for a class, on this machine: installs it, then starts it on loopback.
#
#   scripts/classroom.sh [--users N]             install, then run the hub in the foreground and
#                                                print its URL and how to log in (Ctrl-C stops it)
#   scripts/classroom.sh --install [--users N]   install only (the README's test command does this)
#   scripts/classroom.sh --remove-users [--users N]   remove the learner accounts and their homes
#
# What it installs, idempotently (as root; it runs itself through sudo when not root):
# - Debian's node-configurable-http-proxy, the hub's proxy;
# - a Python environment in $LATENT_CLASSROOM_DIR/env (default /opt/latent-classroom, readable
#   by every user, unlike a checkout under a home folder), made with Debian's python3 (one that
#   every user can run), with JupyterHub and JupyterLab from PyPI, pinned
#   (scripts/requirements-classroom.txt, constrained by scripts/requirements.txt);
# - Latent into that same environment: the binary as bin/latent (from $LATENT_BIN, else this
#   checkout's .build/release/latent), the MNIST files beside it in share/latent/mnist (where the
#   kernel looks first), and the kernelspec in share/jupyter/kernels/latent, the environment's
#   sys-prefix, where every learner's server finds it;
# - N learner accounts (default 3), latent-learner01 ... latent-learnerNN, with no password
#   (nobody can log in to the machine with them), each with a copy of the lessons in ~/lessons.
# The hub itself runs with scripts/classroom/jupyterhub_config.py; its state (database, cookie
# secret, the shared password, its log) is kept in $LATENT_CLASSROOM_DIR/hub.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

args=("$@")
action=run users=3
while (($#)); do
    case "$1" in
        --install) action=install ;;
        --remove-users) action=remove-users ;;
        --users) users="${2:?--users needs a number}"; shift ;;
        *) echo "usage: scripts/classroom.sh [--install | --remove-users] [--users N]" >&2; exit 2 ;;
    esac
    shift
done
[[ $users =~ ^[0-9]+$ ]] && ((users >= 1 && users <= 99)) || { echo "error: --users takes 1 to 99, not $users" >&2; exit 2; }

binary="$(realpath -m -- "${LATENT_BIN:-.build/release/latent}")"
classroom="$(realpath -m -- "${LATENT_CLASSROOM_DIR:-/opt/latent-classroom}")"
prefix="$classroom/env"  # the environment: JupyterHub, JupyterLab, Latent and its kernelspec
port="${LATENT_CLASSROOM_PORT:-8000}"

# Creating accounts and running servers as other users needs root.
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: the classroom hub needs root (to create learner accounts and run their servers as them), and there is no sudo" >&2; exit 1; }
    exec sudo LATENT_BIN="$binary" LATENT_CLASSROOM_DIR="$classroom" LATENT_CLASSROOM_PORT="$port" \
        "$repo/scripts/classroom.sh" "${args[@]}"
fi

say() { if [ -t 1 ]; then printf '\033[1m[classroom]\033[0m %s\n' "$*"; else printf '[classroom] %s\n' "$*"; fi; }
learners=()
for ((i = 1; i <= users; i++)); do learners+=("$(printf 'latent-learner%02d' "$i")"); done

if [ "$action" = remove-users ]; then
    for name in "${learners[@]}"; do
        if id -u "$name" >/dev/null 2>&1; then
            userdel --remove "$name" 2>/dev/null || userdel "$name"
            say "removed $name"
        fi
    done
    exit 0
fi

# 1. The proxy and the environment's Python, from Debian. (A python3 elsewhere, such as one under
#    root's home, may be one the learners cannot run.)
python=/usr/bin/python3
if ! command -v configurable-http-proxy >/dev/null || ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing Debian's node-configurable-http-proxy python3 python3-venv"
    scripts/apt-install.sh node-configurable-http-proxy python3 python3-venv
fi

# 2. The hub's Python environment, pinned; a stamp of the requirements avoids reinstalling.
umask 022  # everything installed is readable by the learners
requirements=(scripts/requirements-classroom.txt scripts/requirements.txt)
if [ ! -x "$prefix/bin/python" ] || [ "$(realpath "$prefix/bin/python")" != "$(realpath "$python")" ]; then
    say "creating the hub's environment in $prefix"
    mkdir -p "$classroom"
    "$python" -m venv --clear "$prefix"
fi
stamp="$prefix/.latent-classroom-$(cat "${requirements[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    say "installing JupyterHub and JupyterLab into $prefix"
    "$prefix/bin/python" -m pip install -q --upgrade pip
    "$prefix/bin/python" -m pip install -q -c scripts/requirements.txt -r scripts/requirements-classroom.txt
    rm -f "$prefix"/.latent-classroom-*
    touch "$stamp"
fi

# 3. Latent, inside the same environment: bin/latent, share/latent/mnist, share/jupyter/kernels/latent.
test -x "$binary" || { echo "error: no Latent binary at $binary: run scripts/setup.sh (or set LATENT_BIN)" >&2; exit 1; }
if ! cmp -s "$binary" "$prefix/bin/latent"; then
    install -m 0755 "$binary" "$prefix/bin/latent.new"
    mv -f "$prefix/bin/latent.new" "$prefix/bin/latent"  # atomic: a running kernel keeps its old file
    say "installed Latent ($("$prefix/bin/latent" --version)) as $prefix/bin/latent"
fi
mkdir -p "$prefix/share/latent/mnist"
for file in Data/mnist/*; do
    cmp -s "$file" "$prefix/share/latent/mnist/${file##*/}" || install -m 0644 "$file" "$prefix/share/latent/mnist/"
done
LATENT_KERNELSPEC_DIR="$repo/Kernelspec/latent" "$prefix/bin/latent" install --prefix "$prefix" >/dev/null
# One copy of MNIST for the whole class (docs/memory.md): the data cache is built here, once, and
# every learner's kernel maps the same read-only file (LATENT_DATA_CACHE in the hub's config), so
# the page cache holds it once. A learner's kernel that finds it stale keeps its own copy.
cache="$prefix/share/latent/cache"
mkdir -p "$cache"
script="$(mktemp --suffix=.latent)"
echo "data = mnist" >"$script"
LATENT_DATA_CACHE="$cache" "$prefix/bin/latent" run "$script" >/dev/null
rm -f "$script"
chmod 0755 "$cache"
chmod 0644 "$cache"/*

# 4. The learners' accounts, each with the lessons in ~/lessons (a copy they own; never overwritten).
created=()
for name in "${learners[@]}"; do
    if ! id -u "$name" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/bash --comment "Latent classroom learner" "$name"
        created+=("$name")
    fi
    home="$(getent passwd "$name" | cut -d: -f6)"
    chmod 700 "$home"  # a learner's work is theirs alone
    if [ ! -e "$home/lessons" ]; then
        cp -r Lessons "$home/lessons"
        rm -rf "$home/lessons/assignments"  # the teachers' nbgrader course: it holds the solutions
        chown -R "$name:" "$home/lessons"
    fi
done
if ((${#created[@]})); then say "created the accounts ${created[*]}"; fi
# A learner must be able to run the server and the kernel (their files, Python, the libraries).
for program in jupyterhub-singleuser latent; do
    if ! out="$(runuser -u "${learners[0]}" -- "$prefix/bin/$program" --version 2>&1)"; then
        echo "error: ${learners[0]} cannot run $prefix/bin/$program: $out" >&2
        exit 1
    fi
done
say "installed: ${#learners[@]} learner accounts; Latent $out in $prefix"
if [ "$action" = install ]; then exit 0; fi

# 5. The hub, on 127.0.0.1 only, in the foreground of this script; its log in $state/jupyterhub.log.
state="$classroom/hub"
mkdir -p "$state"
chmod 700 "$state"
if [ ! -s "$state/password" ]; then
    (umask 077 && "$prefix/bin/python" -c 'import secrets; print(secrets.token_urlsafe(9))' >"$state/password")
fi
password="$(cat "$state/password")"
log="$state/jupyterhub.log"
say "starting JupyterHub; its log goes to $log"
(
    cd "$state"
    export NODE_PATH=/usr/share/nodejs  # Debian's proxy finds its modules with any node on PATH
    export LATENT_CLASSROOM_ENV="$prefix" LATENT_CLASSROOM_STATE="$state" LATENT_CLASSROOM_PORT="$port"
    export LATENT_CLASSROOM_USERS="$(IFS=,; echo "${learners[*]}")" LATENT_CLASSROOM_PASSWORD="$password"
    exec "$prefix/bin/jupyterhub" -f "$repo/scripts/classroom/jupyterhub_config.py"
) </dev/null >>"$log" 2>&1 &
hub=$!
trap 'kill -TERM $hub 2>/dev/null || true' INT TERM HUP
trap 'kill -TERM $hub 2>/dev/null || true; wait $hub 2>/dev/null || true' EXIT
answers() {
    "$prefix/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "http://127.0.0.1:$port/hub/health" 2>/dev/null
}
for ((i = 0; ; i++)); do
    kill -0 $hub 2>/dev/null || { echo "error: JupyterHub stopped; the end of $log:" >&2; tail -n 20 "$log" >&2; exit 1; }
    answers && break
    ((i < 120)) || { echo "error: JupyterHub did not answer within 60 s; the end of $log:" >&2; tail -n 20 "$log" >&2; exit 1; }
    sleep 0.5
done
say "JupyterHub is running; Ctrl-C here stops it and every learner's server"
echo
echo "Open http://127.0.0.1:$port/ and log in as ${learners[0]}$( ((${#learners[@]} > 1)) && echo " ... ${learners[-1]}")"
echo "with the class password: $password"
status=0
wait $hub || status=$?
exit $status
