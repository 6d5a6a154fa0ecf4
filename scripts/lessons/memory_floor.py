"""Runs every lesson on the Latent kernel under a memory limit (LATENT_MEMORY_LIMIT, the limit the
kernel weighs its work against) and reports, per lesson, whether every cell ran and the kernel's
peak resident memory (VmHWM). Run it at a few limits to find the smallest under which every
lesson still runs:  .venv/bin/python scripts/lessons/memory_floor.py 600M 450M 400M"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("LATENT_BIN", ROOT / ".build" / "release" / "latent"))


def peak_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def run_lesson(path: Path, limit: str) -> tuple[bool, int, str]:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name="latent", timeout=600, resources={"metadata": {"path": str(path.parent)}})
    os.environ["LATENT_MEMORY_LIMIT"] = limit
    failure = ""
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        try:
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as e:
            lines = str(e).strip().splitlines()
            failure = next((l for l in lines if l.startswith("line ")), lines[-1])[:200]
        peak = peak_of(pid)
    return not failure, peak, failure


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([str(BIN), "install", "--prefix", scratch], check=True, capture_output=True)
        os.environ["JUPYTER_PATH"] = f"{scratch}/share/jupyter"
        worst = 0
        for limit in sys.argv[1:] or ["1G"]:
            every = True
            for lesson in sorted((ROOT / "Lessons").glob("[0-9][0-9]-*.ipynb")):
                ok, peak, failure = run_lesson(lesson, limit)
                every &= ok
                worst = max(worst, peak)
                print(f"{limit:>6}  {lesson.name:32} {'ok' if ok else 'FAILED'}  peak {peak / 1e6:6.0f} MB  {failure}",
                      flush=True)
            print(f"{limit:>6}  every lesson ran: {every}; highest peak {worst / 1e6:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
