"""A class's kernels on one machine: MNIST unpacked once to a cache file that every kernel maps
(one copy in the page cache), and history read at start-up only as far as the session number,
the rest on a history_request. Through jupyter_client, as a notebook server starts kernels."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from latent_kernel_support import execute, latent_env, stdout_of  # noqa: F401

LESSON = """
small = mnist train 2000 test 200
model ae:
    dense 64 relu
    latent 8 tanh
    dense 784 sigmoid
train ae on small epochs 1 batch 100
evaluate ae on small.test
"""


def start(env: dict[str, str]):
    km, kc = start_new_kernel(kernel_name="latent", startup_timeout=30, env={**os.environ, **env})
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def results(kc, code: str) -> str:
    reply, messages = execute(kc, code, timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    texts = [m["content"]["data"].get("text/plain", "") for m in messages
             if m["msg_type"] in ("execute_result", "display_data") and "text/plain" in m["content"]["data"]]
    return stdout_of(messages) + "".join(texts)


def mapped_paths(km) -> set[str]:
    maps = Path(f"/proc/{km.provisioner.process.pid}/maps").read_text().splitlines()
    return {line.split(maxsplit=5)[5] for line in maps if len(line.split(maxsplit=5)) == 6}


def without_timing(text: str) -> str:
    """Output lines that do not report seconds (training prints how long it took)."""
    return "\n".join(line for line in text.splitlines() if " s" not in line and "second" not in line)


def test_two_kernels_map_one_cache_file_and_get_the_same_results(latent_env, tmp_path):
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache)}
    first = start(env)
    second = start(env)
    try:
        out_first = results(first[1], "data = mnist\ndata")
        out_second = results(second[1], "data = mnist\ndata")
        assert out_first == out_second
        assert "pixel values from 0 to 1" in out_first, out_first
        train_file = cache / "latent" / "mnist-train.images"
        test_file = cache / "latent" / "mnist-test.images"
        # 60,000 and 10,000 images of 784 bytes, their labels and a 4 KB header each.
        assert train_file.stat().st_size == 4096 + 60_000 * 785
        assert test_file.stat().st_size == 4096 + 10_000 * 785
        for km, _ in (first, second):
            assert {str(train_file), str(test_file)} <= mapped_paths(km)
        lesson_first = results(first[1], LESSON)
        lesson_second = results(second[1], LESSON)
        assert without_timing(lesson_first) == without_timing(lesson_second)
        assert "mse" in lesson_first, lesson_first
    finally:
        stop(*first)
        stop(*second)

    # A folder no one can write: the kernel reads the files into its own memory, says so and
    # gives the same results.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    km, kc = start({"LATENT_DATA_CACHE": str(blocker / "cache")})
    try:
        out = results(kc, "data = mnist\ndata")
        assert "note: the data cache folder" in out and "cannot be written" in out, out
        assert [line for line in out.splitlines() if not line.startswith("note:")] == out_first.splitlines()
        assert not any(p.endswith(".images") for p in mapped_paths(km))
        assert without_timing(results(kc, LESSON)) == without_timing(lesson_first)
    finally:
        stop(km, kc)


def write_history(path: Path, sessions: int, per_session: int) -> None:
    with path.open("w") as f:
        for s in range(1, sessions + 1):
            for line in range(1, per_session + 1):
                f.write(json.dumps({"session": s, "line": line, "input": f"print {s * 1000 + line}"}) + "\n")


def test_history_answers_tail_range_and_search_after_restarts(latent_env, tmp_path):
    history = tmp_path / "history.jsonl"
    write_history(history, sessions=100, per_session=100)
    env = {"LATENT_HISTORY_FILE": str(history)}
    km, kc = start(env)
    try:
        execute(kc, "print 1")
        execute(kc, "print 2")
        tail = kc.history(hist_access_type="tail", n=3, reply=True)["content"]["history"]
        assert tail == [[100, 100, "print 100100"], [101, 1, "print 1"], [101, 2, "print 2"]]
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=30)
        execute(kc, "print 3")
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=30)
        execute(kc, "print 4", timeout=30)
        tail = kc.history(hist_access_type="tail", n=4, reply=True)["content"]["history"]
        assert tail == [[101, 1, "print 1"], [101, 2, "print 2"], [102, 1, "print 3"], [103, 1, "print 4"]]
        current = kc.history(hist_access_type="range", session=0, start=0, stop=None, reply=True, output=False)
        assert current["content"]["history"] == [[103, 1, "print 4"]]
        before = kc.history(hist_access_type="range", session=-2, start=2, stop=3, reply=True)
        assert before["content"]["history"] == [[101, 2, "print 2"]]
        old = kc.history(hist_access_type="range", session=37, start=5, stop=8, reply=True)
        assert old["content"]["history"] == [[37, 5, "print 37005"], [37, 6, "print 37006"], [37, 7, "print 37007"]]
        found = kc.history(hist_access_type="search", pattern="print 5???", n=2, unique=True, reply=True)
        assert found["content"]["history"] == [[5, 99, "print 5099"], [5, 100, "print 5100"]]
        # 10,000 old entries and 4 new: the oldest 4 have fallen out of what a query sees.
        everything = kc.history(hist_access_type="tail", n=20_000, reply=True)["content"]["history"]
        assert len(everything) == 10_000 and everything[0] == [1, 5, "print 1005"]
    finally:
        stop(km, kc)
