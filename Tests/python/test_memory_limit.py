"""The kernel under a memory limit: the limit it reads (a real cgroup made for the test, and
LATENT_MEMORY_LIMIT), work that would not fit refused with the estimate and the limit, the
session kept, and nothing killed by the out-of-memory killer."""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from latent_kernel_support import execute, install_kernelspec, isolate_jupyter, stdout_of

LIMIT = 300 * 1024 * 1024


def make_cgroup(limit: int) -> tuple[Path, Path]:
    """A memory cgroup with `limit` (v1's memory controller, else v2); returns it and the file
    a process writes its pid to, to join it."""
    name = f"latent-test-{uuid.uuid4().hex[:8]}"
    reasons = []
    for base, limit_file in [(Path("/sys/fs/cgroup/memory"), "memory.limit_in_bytes"),
                             (Path("/sys/fs/cgroup"), "memory.max")]:
        group = base / name
        try:
            group.mkdir()
        except OSError as e:
            reasons.append(f"{base}: {e}")
            continue
        try:
            (group / limit_file).write_text(str(limit))
            return group, group / "cgroup.procs"
        except OSError as e:
            reasons.append(f"{group / limit_file}: {e}")
            group.rmdir()
    pytest.skip("no memory cgroup can be made here (" + "; ".join(reasons) + ")")


def start_kernel(tmp_path: Path, monkeypatch, env: dict[str, str], procs: Path | None = None):
    jupyter_dir = install_kernelspec(tmp_path)
    for key, value in {**isolate_jupyter(jupyter_dir, tmp_path / "history.jsonl"), **env}.items():
        monkeypatch.setenv(key, value)
    if procs is not None:
        # The kernel joins the cgroup before it starts: its launcher writes its pid, then execs.
        spec_file = jupyter_dir / "kernels" / "latent" / "kernel.json"
        spec = json.loads(spec_file.read_text())
        spec["argv"] = ["sh", "-c", f'echo $$ > "{procs}" && exec "$@"', "sh", *spec["argv"]]
        spec_file.write_text(json.dumps(spec))
    return start_new_kernel(kernel_name="latent", startup_timeout=30)


def run(kc, code: str) -> dict:
    reply, messages = execute(kc, code, timeout=120)
    return {**reply["content"], "stdout": stdout_of(messages)}


def test_under_a_cgroup_limit_work_that_would_not_fit_is_refused_and_nothing_is_killed(tmp_path, monkeypatch):
    group, procs = make_cgroup(LIMIT)
    km = kc = None
    try:
        km, kc = start_kernel(tmp_path, monkeypatch, {}, procs)
        pid = km.provisioner.process.pid
        assert str(pid) in procs.read_text().split(), "the kernel did not join the cgroup"
        assert run(kc, "data = mnist")["status"] == "ok"

        refused = run(kc, "embed data.train[0:5000] kernelpca")
        assert refused["status"] == "error", refused
        assert refused["ename"] == "ValueError"
        assert "kernelpca of 5,000 images would need about 300 MB of memory" in refused["evalue"], refused
        assert any("the kernel may use 315 MB (from the cgroup" in line for line in refused["traceback"]), refused

        huge = run(kc, "model huge:\n    dense 30000 relu\n    latent 8\n    dense 784 sigmoid\nsummary huge")
        assert huge["status"] == "error" and "would need about 381 MB" in huge["evalue"], huge

        # What fits runs, and the session kept its names.
        trained = run(kc, "small = data.train[0:2000]\nmodel ae:\n    dense 64 relu\n    latent 8\n"
                          "    dense 784 sigmoid\ntrain ae on small epochs 1\nprint data.count ae.epochs")
        assert trained["status"] == "ok", trained
        assert trained["stdout"].strip().endswith("70000 1"), trained["stdout"]
        assert km.is_alive()
        oom = group / "memory.oom_control"
        if oom.exists():
            kills = [line for line in oom.read_text().splitlines() if line.startswith("oom_kill ")]
            assert kills in ([], ["oom_kill 0"]), kills
    finally:
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            km.shutdown_kernel(now=True)
        try:
            group.rmdir()
        except OSError:
            pass


def test_latent_memory_limit_is_the_kernels_limit(tmp_path, monkeypatch):
    km, kc = start_kernel(tmp_path, monkeypatch, {"LATENT_MEMORY_LIMIT": "120M"})
    try:
        refused = run(kc, "data = mnist")
        assert refused["status"] == "error", refused
        assert "loading mnist would need about 122 MB of memory" in refused["evalue"], refused
        assert any("(from LATENT_MEMORY_LIMIT)" in line for line in refused["traceback"]), refused
        assert run(kc, "print 1")["stdout"] == "1\n"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
