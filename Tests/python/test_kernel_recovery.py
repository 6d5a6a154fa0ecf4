"""A kernel killed with SIGKILL in the middle of an epoch loses at most that epoch.

Through jupyter_client, as a notebook would: a kernel for one notebook (JupyterLab and VS Code
name it in JPY_SESSION_NAME) trains on a small MNIST subset and is killed with `kill -9` in the
middle of an epoch. A new kernel for the same notebook says in its first cell that there is
something to restore; `restore` brings the model back at the last autosave, which must be the
epoch before the one that was killed. The check of the weights uses a real feature rather than a
probe: `save` writes the restored model, and the file is compared with the autosave, byte for
byte and field by field (epochs, loss history, a SHA-256 of the weights and of the optimizer
state, read from the documented file format). Training then goes on, and must give the same
weights and losses as a kernel that trained the same epochs without being killed (same seed).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import struct
import time
import zlib
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from latent_kernel_support import execute, latent_env, stdout_of  # noqa: F401

NOTEBOOK = "course/week 1/recovery.ipynb"
# A small convolutional model: epochs of 1.3-3.5 s on a 2-core machine. Autosave spaces its
# writes 2 s apart; the kernels here write every epoch (LATENT_AUTOSAVE_EVERY_EPOCH), so that a
# kill loses exactly the epoch in progress however fast the machine is.
SETUP = """seed 7
data = mnist train 30000 test 500
model ae:
    conv 16 kernel 3 stride 2 relu
    conv 32 kernel 3 stride 2 relu
    flatten
    latent 16
    dense 1568 relu
    reshape 7 7 32
    deconv 16 kernel 3 stride 2 relu
    deconv 1 kernel 3 stride 2 sigmoid"""
KILL_IN_EPOCH = 3
PROGRESS = re.compile(r"epoch (\d+), batch (\d+)/(\d+)")


def read_model(path: Path) -> dict:
    """A model file as the format documents it (Sources/Session/SaveLoad/ModelFile.swift,
    SavedModel.swift, Sources/Neural/ModelSnapshot+Bytes.swift): the container, the session's
    JSON header, the snapshot's JSON header, then the weights and the optimizer's buffers as
    little-endian float32."""
    data = path.read_bytes()
    assert data[:12] == b"LATENT-MODEL"
    version, length, crc = struct.unpack_from("<IQI", data, 12)
    payload = data[28:]
    assert (version, length, zlib.crc32(payload)) == (1, len(payload), crc)
    (header_length,) = struct.unpack_from("<I", payload, 0)
    header = json.loads(payload[4:4 + header_length])
    snapshot_bytes = payload[4 + header_length:]
    (snapshot_length,) = struct.unpack_from("<I", snapshot_bytes, 0)
    snapshot = json.loads(snapshot_bytes[4:4 + snapshot_length])
    floats = snapshot_bytes[4 + snapshot_length:]
    weights = 4 * sum(_count(p["shape"]) for p in snapshot["parameters"])
    return {
        "header": header,
        "snapshot": snapshot,
        "epochs": header["epochsTrained"],
        "losses": [(r["epoch"], r["trainLoss"], r.get("testLoss")) for r in snapshot["history"]],
        "weights_sha256": hashlib.sha256(floats[:weights]).hexdigest(),
        "optimizer_sha256": hashlib.sha256(floats[weights:]).hexdigest(),
        "optimizer_step": (snapshot.get("optimizer") or {}).get("step"),
    }


def _count(shape: list[int]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


class Kernel:
    """A Latent kernel for a notebook, started as JupyterLab starts one (JPY_SESSION_NAME set)."""

    def __init__(self, notebook: str, cwd: Path):
        self.km = KernelManager(kernel_name="latent")
        env = {**os.environ, "JPY_SESSION_NAME": notebook, "LATENT_AUTOSAVE_EVERY_EPOCH": "1"}
        self.km.start_kernel(env=env, cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def run(self, code: str, timeout: float = 600) -> str:
        reply, messages = execute(self.kc, code, timeout=timeout)
        assert reply["content"]["status"] == "ok", (code, reply["content"], stdout_of(messages))
        return stdout_of(messages)

    def stop(self) -> None:
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=False)
        else:
            self.km.cleanup_resources()


@pytest.fixture
def sessions(latent_env):
    """Where the kernels keep their sessions (the test environment's XDG_DATA_HOME)."""
    return Path(latent_env["XDG_DATA_HOME"]) / "latent" / "sessions"


def train_and_kill(kernel: Kernel) -> int:
    """Starts a long `train`, follows its progress, and kills the kernel with SIGKILL in the
    middle of epoch KILL_IN_EPOCH. Returns that epoch."""
    kc = kernel.kc
    msg_id = kc.execute("train ae on data epochs 50")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        assert msg["msg_type"] not in ("error", "execute_result"), msg["content"]
        text = msg["content"].get("data", {}).get("text/plain", "")
        found = PROGRESS.search(text)
        if not found:
            continue
        epoch, batch, batches = map(int, found.groups())
        if epoch == KILL_IN_EPOCH and batches / 3 <= batch <= 2 * batches / 3:
            os.kill(kernel.km.provisioner.pid, signal.SIGKILL)
            kernel.km.provisioner.process.wait(timeout=10)
            return epoch
        assert epoch <= KILL_IN_EPOCH, f"missed the middle of epoch {KILL_IN_EPOCH} (at epoch {epoch})"
    raise AssertionError("training did not reach the epoch to kill in")


def test_sigkill_in_the_middle_of_an_epoch_loses_at_most_that_epoch(sessions, tmp_path):
    # 1. A kernel trains and is killed in the middle of an epoch.
    first = Kernel(NOTEBOOK, tmp_path)
    try:
        first.run(SETUP)
        killed_in = train_and_kill(first)
    finally:
        first.stop()
    runs = sorted(sessions.glob("notebook-recovery.ipynb-*/*/"))
    assert len(runs) == 1, runs
    autosave = read_model(runs[0] / "ae.model")
    manifest = json.loads((runs[0] / "session.json").read_text())
    assert [n["name"] for n in manifest["names"]] == ["data", "ae"]
    assert manifest["notebook"] == NOTEBOOK
    # Only the epoch in progress is lost: the last autosave is the epoch before it.
    assert autosave["epochs"] == killed_in - 1
    assert [e for e, _, _ in autosave["losses"]] == list(range(1, killed_in))
    assert all(test is not None for _, _, test in autosave["losses"])
    assert autosave["header"]["trainedOn"] == {"builtin": {"dataset": "mnist", "train": 30000, "test": 500}}

    # 2. A new kernel for the same notebook: its first cell says there is something to restore.
    second = Kernel(NOTEBOOK, tmp_path)
    try:
        hint = second.run("print \"hello\"")
        lines = hint.splitlines()
        assert len(lines) == 2 and lines[1] == "hello", hint
        assert lines[0].startswith("(an earlier session of this notebook, today at "), hint
        assert lines[0].endswith(f"has data, ae ({killed_in - 1} epochs): `restore` brings it back)"), hint
        assert "restore" not in second.run("print \"again\""), "the hint is said once"

        restored = second.run("restore")
        assert restored.startswith("restored the session of today at "), restored
        assert f"(notebook {NOTEBOOK}):" in restored, restored
        assert "  data: mnist train 30000 test 500, 30,000 train / 500 test images\n" in restored, restored
        assert f"  ae: model (conv), trained {killed_in - 1} epochs on data (mse, adam, lr 0.001, batch 200)" in restored
        assert "  seed 7\n" in restored, restored
        # The restored model, saved, is the autosave: the same bytes, so the same epochs, history,
        # weights and optimizer state.
        second.run('save ae "restored.model"')
        restored_file = read_model(tmp_path / "restored.model")
        assert (tmp_path / "restored.model").read_bytes() == (runs[0] / "ae.model").read_bytes()
        for field in ("epochs", "losses", "weights_sha256", "optimizer_sha256", "optimizer_step"):
            assert restored_file[field] == autosave[field], field
        assert second.run("print ae.epochs").strip() == str(killed_in - 1)

        # Training goes on from there, on the data it trained on.
        second.run("train ae epochs 2")
        second.run('save ae "continued.model"')
    finally:
        second.stop()
    continued = read_model(tmp_path / "continued.model")

    # 3. A kernel that was never killed trains the same epochs, from the same seed.
    third = Kernel("course/week 1/uninterrupted.ipynb", tmp_path)
    try:
        third.run(SETUP)
        assert "restore" not in third.run(f"train ae on data epochs {killed_in + 1}")
        third.run('save ae "uninterrupted.model"')
    finally:
        third.stop()
    uninterrupted = read_model(tmp_path / "uninterrupted.model")
    assert continued["epochs"] == uninterrupted["epochs"] == killed_in + 1
    assert continued["losses"] == uninterrupted["losses"]
    assert continued["weights_sha256"] == uninterrupted["weights_sha256"]
    assert continued["optimizer_sha256"] == uninterrupted["optimizer_sha256"]
    assert continued["optimizer_step"] == uninterrupted["optimizer_step"]
    print(f"killed in epoch {killed_in}; restored at epoch "
          f"{autosave['epochs']}, {len(autosave['losses'])} epochs of history, weights {autosave['weights_sha256'][:12]}; "
          f"2 more epochs match an uninterrupted run of {killed_in + 1} (weights {continued['weights_sha256'][:12]})")
