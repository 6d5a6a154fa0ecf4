#!/usr/bin/env bash
# Sets up everything, then starts JupyterLab with the Latent kernel on the learner's own working
# copy of the lessons, and prints the URL to open (last); no browser is started.
#
# The working copy is $LATENT_LESSONS_DIR, by default ~/latent-lessons, outside the repository:
# JupyterLab saves notebooks as they are run and creates new ones where it is pointed, so it is
# never pointed at the repository's Lessons/. Every file of Lessons/ (data/ included) is copied
# there when it is not there yet; a file the learner already has is never overwritten.
# Lessons/assignments/ is left out: it is the teachers' nbgrader course, solutions included.
# A lesson that changed upstream since it was copied is left as the learner has it, and said so.
# JupyterLab's own log goes to $LATENT_LAB_LOG (by default build/lab.log). Ctrl-C (or SIGTERM)
# stops it and its kernels; one that has not stopped 10 s later is killed. Extra arguments go to
# `jupyter lab`.
set -euo pipefail
caller="$PWD"  # relative paths in LATENT_LESSONS_DIR and LATENT_LAB_LOG are read from here
cd "$(dirname "$0")/.."
if [ -z "${LATENT_SKIP_SETUP:-}" ]; then scripts/setup.sh; fi
say() { if [ -t 1 ]; then printf '\033[1m[lab]\033[0m %s\n' "$*"; else printf '[lab] %s\n' "$*"; fi; }
repo="$(pwd -P)"

# 1. The learner's working copy of Lessons/.
if [ -n "${LATENT_LESSONS_DIR:-}" ]; then
    lessons="$LATENT_LESSONS_DIR"
else
    lessons="${HOME:?HOME is not set: set LATENT_LESSONS_DIR to the folder for your lessons}/latent-lessons"
fi
lessons="$(cd "$caller" && realpath -m -- "$lessons")"
case "$lessons/" in
    "$repo/"*)
        echo "error: the lessons folder $lessons is inside the repository; set LATENT_LESSONS_DIR to a folder outside $repo" >&2
        exit 1 ;;
esac
case "$repo/" in
    "$lessons/"*)
        echo "error: the lessons folder $lessons contains the repository; set LATENT_LESSONS_DIR to a folder of its own" >&2
        exit 1 ;;
esac
mkdir -p "$lessons"

# What was copied, file by file (sha256sum's format), so that a lesson changed upstream can be
# told from one the learner changed.
manifest="$lessons/.latent-lessons.sha256"
declare -A copied=()
if [ -f "$manifest" ]; then
    while read -r sum rel; do
        if [ -n "$rel" ]; then copied["$rel"]="$sum"; fi
    done <"$manifest"
fi
lesson_files() {  # the files of Lessons/ (hidden ones, such as .ipynb_checkpoints, and assignments/ left out)
    (cd Lessons && find . -mindepth 1 \( -name '.*' -o -path ./assignments \) -prune -o -type f -printf '%P\0')
}
new=0
changed=()
while IFS= read -r -d '' rel; do
    sum="$(sha256sum <"Lessons/$rel" | cut -c1-64)"
    if [ ! -e "$lessons/$rel" ]; then
        mkdir -p "$(dirname "$lessons/$rel")"
        cp -p "Lessons/$rel" "$lessons/$rel"
        copied["$rel"]="$sum"
        new=$((new + 1))
    elif cmp -s "Lessons/$rel" "$lessons/$rel"; then
        copied["$rel"]="$sum"
    elif [ "${copied[$rel]:-}" != "$sum" ]; then
        changed+=("$rel")  # upstream differs from what was copied, and the learner's copy differs too
    fi
done < <(lesson_files)
for rel in "${!copied[@]}"; do printf '%s  %s\n' "${copied[$rel]}" "$rel"; done | sort -k2 >"$manifest"
if ((new)); then say "copied $new new file(s) from Lessons/ into $lessons"; fi
if ((${#changed[@]})); then
    say "changed upstream since you got them (yours are kept as they are): ${changed[*]}; move yours away and run make lab again for the new version"
fi
say "your lessons: $lessons (the repository's Lessons/ is left alone)"

# 2. JupyterLab, in the background with its log in a file, so that the URL is the last thing said.
if [ -n "${LATENT_LAB_LOG:-}" ]; then log="$(cd "$caller" && realpath -m -- "$LATENT_LAB_LOG")"; else log="$repo/build/lab.log"; fi
mkdir -p "$(dirname "$log")"
extra=()
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
if [ "$(id -u)" -eq 0 ]; then extra+=(--allow-root); fi
runtime_dir="$(.venv/bin/jupyter --runtime-dir)"
say "starting JupyterLab; its log goes to $log"
.venv/bin/jupyter lab "${extra[@]}" --no-browser --ip=127.0.0.1 --ServerApp.root_dir="$lessons" "$@" \
    </dev/null >"$log" 2>&1 &
server=$!
url_file="$(mktemp)"
waiter=""
stopping=0
exit_code=0
kernels=""
children_of() {  # the processes whose parent is $1, read from /proc (no procps needed)
    local stat line rest
    for stat in /proc/[0-9]*/stat; do
        read -r line <"$stat" 2>/dev/null || continue
        rest="${line##*) }"  # the fields after the command name: state, parent, ...
        rest="${rest#* }"
        if [ "${rest%% *}" = "$1" ]; then stat="${stat#/proc/}"; echo "${stat%/stat}"; fi
    done
}
stop() {  # Ctrl-C, SIGTERM, SIGHUP: JupyterLab is asked to stop (it shuts its kernels down); a second one kills it
    stopping=$((stopping + 1))
    exit_code=$1
    if [ -n "$waiter" ]; then kill "$waiter" 2>/dev/null || true; fi
    if ((stopping == 1)); then
        echo
        say "stopping JupyterLab"
        kernels="$(children_of "$server")"
        kill -TERM "$server" 2>/dev/null || true
    else
        kill -KILL "$server" 2>/dev/null || true
    fi
}
end_server() {  # once asked: 10 s to stop, then it is killed; kernels it left behind are stopped too
    local i
    for ((i = 0; i < 50; i++)); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$server" 2>/dev/null; then
        say "JupyterLab did not stop within 10 s: killing it"
        kill -KILL "$server" 2>/dev/null || true
    fi
    wait "$server" 2>/dev/null || true
    for pid in $kernels; do kill -TERM "$pid" 2>/dev/null || true; done
}
finish() {  # whatever ends this script, the server and its kernels end with it
    rm -f "$url_file"
    if kill -0 "$server" 2>/dev/null; then
        if ((stopping == 0)); then
            kernels="$(children_of "$server")"
            kill -TERM "$server" 2>/dev/null || true
        fi
        end_server
    fi
}
trap 'stop 130' INT
trap 'stop 143' TERM
trap 'stop 129' HUP
trap finish EXIT

# Waits until the server answers, then prints the URL with its token (from the server's runtime
# file, which holds the real token even when one was given on the command line).
.venv/bin/python - "$server" "$runtime_dir" "$url_file" <<'EOF' &
import glob, json, os, sys, time, urllib.request
pid, runtime_dir, url_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(2)  # the server exited
    for path in glob.glob(os.path.join(runtime_dir, "jpserver-*.json")):
        try:
            with open(path) as f:
                info = json.load(f)
        except (OSError, ValueError):
            continue
        if info.get("pid") != pid:
            continue
        token = info.get("token") or ""
        try:
            request = urllib.request.Request(info["url"] + "api/status")
            if token:
                request.add_header("Authorization", "token " + token)
            urllib.request.urlopen(request, timeout=2).close()
        except OSError:
            break
        with open(url_file, "w") as f:
            f.write(info["url"] + "lab" + ("?token=" + token if token else ""))
        sys.exit(0)
    time.sleep(0.3)
sys.exit(3)  # no answer in time
EOF
waiter=$!
url_status=0
wait "$waiter" || url_status=$?
waiter=""
if ((stopping)); then
    end_server
    exit "$exit_code"
fi
url="$(cat "$url_file")"
if ((url_status)) || [ -z "$url" ]; then
    if kill -0 "$server" 2>/dev/null; then
        echo "error: JupyterLab did not answer within 180 s; the end of its log ($log):" >&2
    else
        echo "error: JupyterLab stopped; the end of its log ($log):" >&2
    fi
    tail -n 20 "$log" >&2
    exit 1
fi
say "JupyterLab is running; Ctrl-C here stops it"
echo
echo "Open this in your browser:"
echo "$url"
status=0
wait "$server" || status=$?
if ((stopping)); then
    end_server
    exit "$exit_code"
fi
exit "$status"
