"""Start-up and round-trip time of `latent kernel` against ipykernel, through the same client
library (jupyter_client) in the same run.

- start-up: from launching the process to receiving kernel_info_reply (the client's shell socket
  connects as soon as the process is launched and retries every 2 ms until the kernel binds);
- round trip: a trivial execute, from sending execute_request to its idle status on iopub,
  median over many runs after a warm-up;
- start-up with history: Latent's start-up with a full history file (10,000 entries, the
  lessons' cells over and over) against an empty one, alternating, best of each (goal: within 10%).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq
from jupyter_client.manager import KernelManager

TRIVIAL = {"latent": ("# nothing", 'print "x"'), "python3": ("pass", "print('x')")}


def startup_seconds(kernel_name: str) -> float:
    km = KernelManager(kernel_name=kernel_name)
    shell = zmq.Context.instance().socket(zmq.DEALER)
    shell.setsockopt(zmq.RECONNECT_IVL, 2)
    shell.linger = 0
    started = time.perf_counter()
    km.start_kernel()  # returns once the process is launched; ports are known by then
    shell.connect(f"tcp://{km.ip}:{km.shell_port}")
    km.session.send(shell, "kernel_info_request", {})
    try:
        if not shell.poll(30_000):
            raise RuntimeError(f"{kernel_name} gave no kernel_info_reply within 30 s")
        shell.recv_multipart()
        return time.perf_counter() - started
    finally:
        shell.close()
        km.shutdown_kernel(now=True)


def round_trips(kernel_name: str, code: str, runs: int) -> list[float]:
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        times = []
        for i in range(runs + 10):
            started = time.perf_counter()
            msg_id = kc.execute(code)
            while True:
                msg = kc.get_iopub_msg(timeout=30)
                if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                        and msg["content"]["execution_state"] == "idle"):
                    break
            elapsed = time.perf_counter() - started
            kc.get_shell_msg(timeout=30)
            if i >= 10:  # warm-up runs are not counted
                times.append(elapsed)
        return times
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def use_latent_kernelspec(latent: str) -> Path:
    """Installs `latent`'s kernelspec into a scratch folder that jupyter_client then finds (beside
    ipykernel's own python3), with the kernel's history kept there too."""
    scratch = Path(tempfile.mkdtemp(prefix="latent-bench-"))
    subprocess.run([latent, "install", "--prefix", str(scratch)], check=True, capture_output=True)
    os.environ["JUPYTER_PATH"] = str(scratch / "share" / "jupyter")
    os.environ["LATENT_HISTORY_FILE"] = str(scratch / "history.jsonl")
    return scratch


def full_history(path: Path, entries: int = 10_000) -> None:
    """A history file of `entries` cells taken from the lessons, 100 to a session."""
    lessons = Path(__file__).resolve().parents[2] / "Lessons"
    cells = ["".join(c["source"]) for notebook in sorted(lessons.glob("*.ipynb"))
             for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    with path.open("w") as f:
        for i in range(entries):
            entry = {"session": 1 + i // 100, "line": 1 + i % 100, "input": cells[i % len(cells)], "output": None}
            f.write(json.dumps(entry) + "\n")


def history_startups(scratch: Path, starts: int) -> None:
    full, empty = scratch / "full-history.jsonl", scratch / "empty-history.jsonl"
    full_history(full)
    times: dict[Path, list[float]] = {full: [], empty: []}
    for _ in range(starts):
        for path in (full, empty):
            empty.write_text("")  # each start appends nothing, but keep it empty regardless
            os.environ["LATENT_HISTORY_FILE"] = str(path)
            times[path].append(startup_seconds("latent"))
    best_full, best_empty = min(times[full]), min(times[empty])
    print(f"start-up with 10,000 history entries ({full.stat().st_size / 1e6:.1f} MB): {best_full:.4f} s; "
          f"with none: {best_empty:.4f} s; ratio {best_full / best_empty:.3f} "
          f"(best of {starts} each, alternating; goal <= 1.10)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latent", required=True, help="the latent binary")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--history-starts", type=int, default=15)
    parser.add_argument("--history-only", action="store_true", help="only the start-up with history")
    args = parser.parse_args()

    scratch = use_latent_kernelspec(args.latent)
    if args.history_only:
        history_startups(scratch, args.history_starts)
        return

    results = {}
    for name in ("latent", "python3"):
        starts = [startup_seconds(name) for _ in range(args.starts)]
        empty = round_trips(name, TRIVIAL[name][0], args.runs)
        printing = round_trips(name, TRIVIAL[name][1], args.runs)
        results[name] = (statistics.median(starts), statistics.median(empty), statistics.median(printing))

    latent, ipy = results["latent"], results["python3"]
    print(f"{'case':<34}{'latent':>12}{'ipykernel':>12}{'ratio':>8}")
    rows = [("start-up to kernel_info_reply (s)", 0, 1.0), ("round trip, empty cell (ms)", 1, 1000.0),
            ("round trip, print one line (ms)", 2, 1000.0)]
    for label, index, scale in rows:
        ours, theirs = latent[index] * scale, ipy[index] * scale
        print(f"{label:<34}{ours:>12.3f}{theirs:>12.3f}{ours / theirs:>7.2f}x")
    print(f"(medians: start-up over {args.starts} launches, round trips over {args.runs} runs; "
          "goals: start-up <= 0.10x, round trip <= 0.50x)")
    history_startups(scratch, args.history_starts)


if __name__ == "__main__":
    sys.exit(main())
