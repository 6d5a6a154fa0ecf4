"""Starting JupyterLab exactly as `make lab` does (scripts/lab.sh, set-up skipped since the test
command has just done it), in a throw-away working copy, for test_lab.py and test_browser.py."""
from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scripts" / "lab.sh"
TOKEN = "latent-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_env(scratch: Path, lessons: Path, **more: str) -> dict[str, str]:
    """The environment lab.sh runs in: set-up skipped, the learner's working copy in `lessons`,
    Jupyter's runtime files, JupyterLab's log, its settings and workspaces, and the kernels'
    history and autosaved sessions in `scratch` (so that nothing is read from or written to the
    home directory)."""
    env = dict(os.environ)
    env.update(
        LATENT_SKIP_SETUP="1",
        LATENT_LESSONS_DIR=str(lessons),
        LATENT_LAB_LOG=str(scratch / "lab.log"),
        JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(scratch / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(scratch / "lab-workspaces"),
        XDG_DATA_HOME=str(scratch / "data"),
        LATENT_HISTORY_FILE=str(scratch / "history.jsonl"),
    )
    env.update(more)
    return env


class Lab:
    """scripts/lab.sh running in the background; its output is collected line by line."""

    def __init__(self, env: dict[str, str], port: int, token: str = TOKEN, as_in_a_terminal: bool = False):
        self.port, self.token, self.env = port, token, env
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        # In a terminal, Ctrl-C reaches the whole foreground process group, and SIGINT is not
        # ignored (a process started in the background of a script inherits it ignored).
        extra = {}
        if as_in_a_terminal:
            extra = dict(start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.process = subprocess.Popen(
            [str(LAB), f"--port={port}", f"--IdentityProvider.token={token}"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, **extra,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def _drain(self, timeout: float) -> bool:
        """Moves what lab.sh said into self.lines; False once its output has ended."""
        try:
            line = self._queue.get(timeout=timeout)
        except queue.Empty:
            return True
        if line is None:
            self._queue.put(None)
            return False
        self.lines.append(line)
        return True

    def output(self) -> str:
        """All that lab.sh has said so far."""
        while not self._queue.empty() and self._drain(0):
            pass
        return "\n".join(self.lines)

    def wait_for_url(self, timeout: float = 120) -> str:
        """The URL lab.sh prints once the server answers: the line after "Open this in your browser:"."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Open this in your browser:" in self.lines:
                after = self.lines.index("Open this in your browser:") + 1
                if after < len(self.lines):
                    return self.lines[after].strip()
            if not self._drain(0.2):
                raise AssertionError(f"lab.sh ended before printing a URL:\n{self.output()}\n{self.log()}")
        raise AssertionError(f"lab.sh printed no URL within {timeout} s:\n{self.output()}\n{self.log()}")

    def log(self) -> str:
        path = Path(self.env["LATENT_LAB_LOG"])
        return f"--- JupyterLab's log ({path}):\n" + (path.read_text()[-4000:] if path.exists() else "(none)")

    def api(self, path: str, method: str = "GET", body: object = None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None

    def server_info(self) -> dict:
        """The server's runtime file (jpserver-PID.json): its root_dir, url, token."""
        for path in Path(self.env["JUPYTER_RUNTIME_DIR"]).glob("jpserver-*.json"):
            return json.loads(path.read_text())
        raise AssertionError("the server wrote no runtime file")

    def stop(self, how: str = "terminate", timeout: float = 30) -> int:
        """Stops lab.sh as a learner would (SIGTERM, or Ctrl-C to its process group); returns
        its exit status, or fails (after killing it) when it does not stop in time. lab.sh
        gives JupyterLab 10 s before it kills it."""
        if self.process.poll() is None:
            if how == "ctrl-c":
                os.killpg(self.process.pid, signal.SIGINT)
            else:
                self.process.terminate()
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"lab.sh did not stop within {timeout} s of {how}")
        while self._drain(0.2):
            pass
        return status


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention `text` (a temporary directory, say)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = next((l for l in (proc / "status").read_text().splitlines() if l.startswith("State:")), "")
        except OSError:
            continue
        if text in cmdline and "zombie" not in state:
            found.append(f"{proc.name}: {cmdline.strip()}")
    return found


def wait_until_gone(text: str, timeout: float = 15) -> list[str]:
    deadline = time.monotonic() + timeout
    while (left := processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left
