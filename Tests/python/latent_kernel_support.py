"""Helpers for the kernel's Python tests: find the binary, install its kernelspec into a
throw-away Jupyter data directory, start kernels through jupyter_client, collect iopub."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# The checkout's own .venv; a checkout without one (a git worktree) uses the environment whose
# Python runs these tests.
VENV_BIN = ROOT / ".venv" / "bin"
if not VENV_BIN.exists():
    VENV_BIN = Path(sys.executable).parent


def latent_binary() -> Path:
    binary = Path(os.environ.get("LATENT_BIN", ROOT / ".build" / "release" / "latent"))
    if not binary.is_file():
        raise RuntimeError(f"no latent binary at {binary}: run `swift build -c release` or set LATENT_BIN")
    return binary.resolve()


def install_kernelspec(data_dir: Path) -> Path:
    """`latent install --prefix` into a temporary tree; returns the share/jupyter it made."""
    subprocess.run([str(latent_binary()), "install", "--prefix", str(data_dir)], check=True,
                   capture_output=True, text=True)
    return data_dir / "share" / "jupyter"


def isolate_jupyter(jupyter_dir: Path, history_file: Path) -> dict[str, str]:
    """Environment changes that make jupyter_client find only this kernelspec, and keep the
    kernel's history and its autosaved sessions (under XDG_DATA_HOME) in temporary places."""
    return {
        "JUPYTER_PATH": str(jupyter_dir),
        "JUPYTER_DATA_DIR": str(jupyter_dir),
        "LATENT_HISTORY_FILE": str(history_file),
        "JUPYTER_PLATFORM_DIRS": "1",
        "XDG_DATA_HOME": str(history_file.parent / "data"),
    }


def collect_until_idle(kc, parent_id: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """iopub messages that are children of `parent_id`, up to and including its idle status."""
    found = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.05, deadline - time.monotonic()))
        except queue.Empty:
            break
        if msg["parent_header"].get("msg_id") != parent_id:
            continue
        found.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return found
    raise AssertionError(f"no idle for {parent_id} within {timeout}s; got {[m['msg_type'] for m in found]}")


def execute(kc, code: str, timeout: float = 60.0, **kwargs) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Runs `code`; returns the execute_reply and the cell's iopub messages (busy to idle)."""
    msg_id = kc.execute(code, **kwargs)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply, collect_until_idle(kc, msg_id, timeout)


def stdout_of(messages: list[dict[str, Any]]) -> str:
    return "".join(m["content"]["text"] for m in messages
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def kernel_json(jupyter_dir: Path) -> dict[str, Any]:
    return json.loads((jupyter_dir / "kernels" / "latent" / "kernel.json").read_text())


# --- pytest fixtures (imported by the test modules that use them) ---------------------------
import pytest  # noqa: E402


@pytest.fixture(scope="module")
def latent_env(tmp_path_factory):
    """The kernelspec installed into a temporary Jupyter path and a temporary history file,
    set in os.environ for this module; yields the environment changes."""
    scratch = tmp_path_factory.mktemp("latent-kernel")
    changes = isolate_jupyter(install_kernelspec(scratch), scratch / "history.jsonl")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in changes.items():
            patch.setenv(key, value)
        yield changes


@pytest.fixture
def kernel(latent_env):
    """A started Latent kernel and a ready blocking client; shut down afterwards."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="latent", startup_timeout=30)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
