"""A real JupyterHub for the classroom test: installed and configured as `make classroom` does
(scripts/classroom.sh, scripts/classroom/jupyterhub_config.py), started on loopback with a
service token of its own, and talked to as a browser talks to it: the hub's REST API, then each
learner's server through the hub's proxy, its kernels over the websocket channels."""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM_DIR = Path(os.environ.get("LATENT_CLASSROOM_DIR", "/opt/latent-classroom"))
CLASSROOM_ENV = CLASSROOM_DIR / "env"  # JupyterHub, JupyterLab, Latent and its kernelspec
SERVICE = "classroom-test"
KEPT_LOG = ROOT / "build" / "classroom-test-hub.log"  # the last test hub's log, kept for a look


def learner_names(count: int) -> list[str]:
    """The accounts scripts/classroom.sh creates, in its naming."""
    return [f"latent-learner{i:02d}" for i in range(1, count + 1)]


def root_command() -> list[str] | str:
    """What runs a command as root here ([] when already root, sudo -n otherwise), or why
    nothing can."""
    if os.geteuid() == 0:
        return []
    if not shutil.which("sudo"):
        return "not root, and there is no sudo"
    if subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0:
        return "not root, and sudo asks for a password"
    return ["sudo", "-n"]


def install(as_root: list[str], binary: Path, learners: int) -> None:
    """scripts/classroom.sh --install: idempotent, quick when everything is in place."""
    result = subprocess.run(
        as_root + ["env", f"LATENT_BIN={binary}", f"LATENT_CLASSROOM_DIR={CLASSROOM_DIR}",
                   str(ROOT / "scripts" / "classroom.sh"), "--install", "--users", str(learners)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"scripts/classroom.sh --install failed:\n{result.stdout}\n{result.stderr}")


def free_ports(count: int) -> int:
    """A port p such that p .. p+count-1 are free on 127.0.0.1 (the hub takes three in a row)."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no free run of ports on 127.0.0.1")


class Hub:
    """A JupyterHub run with the classroom's configuration plus a service token (admin of
    servers, allowed into every learner's server), in a scratch state folder."""

    def __init__(self, as_root: list[str], learners: list[str], *, cull_idle: int, cull_interval: int):
        self.as_root = as_root
        self.learners = learners
        self.token = secrets.token_hex(32)
        self.password = secrets.token_urlsafe(12)  # the class password, for logging in as a browser does
        self.port = free_ports(3)
        self.url = f"http://127.0.0.1:{self.port}"
        self.state = Path(tempfile.mkdtemp(prefix="latent-classroom-test-"))
        self.log = self.state / "jupyterhub.log"
        config = self.state / "jupyterhub_config.py"
        config.write_text(
            f"load_subconfig({str(ROOT / 'scripts' / 'classroom' / 'jupyterhub_config.py')!r})\n"
            f"c.JupyterHub.services = [{{'name': {SERVICE!r}, 'api_token': {self.token!r}}}]\n"
            f"c.JupyterHub.load_roles = [{{'name': {SERVICE!r}, 'services': [{SERVICE!r}],\n"
            "    'scopes': ['admin:servers', 'read:users', 'access:servers']}]\n")
        environment = {
            "NODE_PATH": "/usr/share/nodejs",
            "LATENT_CLASSROOM_ENV": str(CLASSROOM_ENV),
            "LATENT_CLASSROOM_STATE": str(self.state),
            "LATENT_CLASSROOM_PORT": str(self.port),
            "LATENT_CLASSROOM_USERS": ",".join(learners),
            "LATENT_CLASSROOM_PASSWORD": self.password,
            "LATENT_CLASSROOM_CULL_IDLE": str(cull_idle),
            "LATENT_CLASSROOM_CULL_INTERVAL": str(cull_interval),
        }
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                as_root + ["env"] + [f"{k}={v}" for k, v in environment.items()]
                + [str(CLASSROOM_ENV / "bin" / "jupyterhub"), "-f", str(config)],
                cwd=self.state, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError as error:
            return str(error)

    def wait_until_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.request("GET", "/hub/api/")
                return
            except (OSError, AssertionError):
                time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer within {timeout} s:\n{self.log_tail()}")

    def request(self, method: str, path: str, body: Any = None, timeout: float = 300) -> tuple[int, Any]:
        """One REST call through the hub's proxy, with the service token; (status, decoded JSON)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read().decode(errors='replace')[:500]}\n"
                                 f"the hub's log ends:\n{self.log_tail()}") from None

    def start_server(self, name: str) -> None:
        status, _ = self.request("POST", f"/hub/api/users/{name}/server")
        assert status in (201, 202), f"starting {name}'s server answered {status}"

    def server_ready(self, name: str) -> bool:
        _, user = self.request("GET", f"/hub/api/users/{name}")
        server = (user.get("servers") or {}).get("")
        return bool(server and server.get("ready"))

    def stop(self) -> None:
        """Stops the hub (which stops every learner's server and the proxy), then ends whatever
        it started that still runs, and removes the state folder."""
        started = {pid: start_time(pid) for pid in descendants(self.process.pid)}
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # sudo passes it on to the hub
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        leftovers = [str(pid) for pid, since in started.items() if since is not None and start_time(pid) == since]
        if leftovers:
            subprocess.run(self.as_root + ["kill", "-KILL", *leftovers], capture_output=True)
        KEPT_LOG.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.log, KEPT_LOG)
        subprocess.run(self.as_root + ["rm", "-rf", str(self.state)], capture_output=True)


class KernelChannels:
    """A kernel's websocket through the hub's proxy, as JupyterLab opens it: every channel on
    one socket, each message a JSON text frame naming its channel."""

    def __init__(self, hub: Hub, learner: str, kernel_id: str):
        import websocket  # websocket-client, pinned in scripts/requirements.txt

        self.learner = learner
        self.session = uuid.uuid4().hex
        url = (hub.url.replace("http://", "ws://") + f"/user/{learner}/api/kernels/{kernel_id}/channels"
               f"?session_id={self.session}")
        # The server answers the handshake once the kernel has answered it (its nudge): with a
        # class starting kernels at once on a busy machine, that can take a while.
        self.socket = websocket.create_connection(url, header=[f"Authorization: token {hub.token}"], timeout=300)

    def send_execute(self, code: str) -> str:
        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "channel": "shell",
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.learner,
                       "session": self.session, "date": datetime.now(timezone.utc).isoformat(),
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        return msg_id

    def receive(self, timeout: float) -> dict[str, Any] | None:
        import websocket

        self.socket.settimeout(timeout)
        try:
            opcode, data = self.socket.recv_data()
        except websocket.WebSocketTimeoutException:
            return None
        if opcode != websocket.ABNF.OPCODE_TEXT:
            return {}  # binary frames carry buffers, which no message here uses
        return json.loads(data)

    def execute(self, code: str, timeout: float) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Runs `code`; returns its execute_reply and its iopub messages, busy to idle."""
        msg_id = self.send_execute(code)
        reply, iopub, idle = None, [], False
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            left = deadline - time.monotonic()
            message = self.receive(max(0.1, left)) if left > 0 else None
            if message is None:
                raise AssertionError(f"{self.learner}: no reply and idle within {timeout} s for {code[:40]!r}")
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["channel"] == "shell" and message["msg_type"] == "execute_reply":
                reply = message
            elif message["channel"] == "iopub":
                iopub.append(message)
                if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                    idle = True
        return reply, iopub

    def close(self) -> None:
        self.socket.close()


# --- The learners' processes, read from /proc ---------------------------------------------------


def all_pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def start_time(pid: int) -> int | None:
    """When the process started (clock ticks after boot): tells a process from a later one
    that reuses its pid."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid in all_pids():
        children.setdefault(parent_of(pid), []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def learner_uid(name: str) -> int:
    import pwd

    return pwd.getpwnam(name).pw_uid


def process_uid(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def kernel_pids(hub: Hub, uid: int) -> list[int]:
    """The Latent kernels (`CLASSROOM_ENV/bin/latent kernel ...`) that the user `uid` runs
    under this hub."""
    return [pid for pid, argv in commands_of(hub, uid) if argv[:2] == [str(CLASSROOM_ENV / "bin" / "latent"), "kernel"]]


def server_pids(hub: Hub, uid: int) -> list[int]:
    """The user's jupyterhub-singleuser server under this hub (run by the environment's Python)."""
    single_user = str(CLASSROOM_ENV / "bin" / "jupyterhub-singleuser")
    return [pid for pid, argv in commands_of(hub, uid) if single_user in argv[:2]]


def commands_of(hub: Hub, uid: int) -> list[tuple[int, list[str]]]:
    """The command lines of the processes the hub started (its descendants) that run as `uid`."""
    found = []
    for pid in descendants(hub.process.pid):
        if process_uid(pid) != uid:
            continue
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        found.append((pid, argv))
    return found


def read_private(as_root: list[str], path: str) -> str:
    """A /proc file only the process's owner (or root) may read."""
    try:
        return Path(path).read_text()
    except PermissionError:
        return subprocess.run(as_root + ["cat", path], capture_output=True, text=True, check=True).stdout


def kernel_usage(as_root: list[str], pid: int) -> dict[str, float]:
    """Resident memory now and at its peak, proportional share (PSS), in MB; CPU time in s."""
    status = {line.split(":")[0]: line.split(":")[1].split() for line in
              Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line}
    rollup = read_private(as_root, f"/proc/{pid}/smaps_rollup")
    pss_kb = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return {
        "rss_mb": int(status["VmRSS"][0]) / 1024,
        "peak_rss_mb": int(status["VmHWM"][0]) / 1024,
        "pss_mb": pss_kb / 1024,
        "cpu_s": (int(fields[11]) + int(fields[12])) / ticks,  # utime and stime, fields 14 and 15
        "maps_class_cache": str(CLASSROOM_ENV / "share" / "latent" / "cache") in read_private(as_root, f"/proc/{pid}/maps"),
    }
