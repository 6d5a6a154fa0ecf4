"""A class on one machine: Latent kernels against ipykernels doing the same work in PyTorch,
side by side in one run, through jupyter_client as a notebook server drives them.

1. memory: N Latent kernels and N ipykernels each do lesson 2's work (load MNIST, build the
   dense autoencoder, train it one epoch, reconstruct ten test digits); then every kernel's PSS
   from /proc/PID/smaps_rollup, split into anonymous memory (its own) and file pages (Latent's
   share of the one mapped MNIST cache, the libraries), and the ratio Latent / ipykernel;
2. concurrent training: the same N kernels of each kind train one more epoch, one after another
   and then all at once; the ratio of the two wall times, Latent and PyTorch;
3. a class: CLASS Latent kernels that did the same work, their total PSS;
4. idle: the CPU those CLASS kernels use, idle, over IDLE seconds.

Usage: classroom_bench.py --latent BIN [--kernels 8] [--class-size 40] [--idle 60]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parents[2]
MNIST = ROOT / "Data" / "mnist"

LATENT_LESSON = """data = mnist
seed 2
model ae:
    dense 250 relu
    latent 16 tanh
    dense 320 relu
    dense 784 sigmoid
train ae on data epochs 1 batch 200 loss mse optimizer adam lr 0.001
reconstruct ae data.test[0:10]"""
LATENT_EPOCH = "train ae on data epochs 1 batch 200"

TORCH_LESSON = f"""import gzip, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
def images(name):
    data = gzip.open("{MNIST}/" + name, "rb").read()
    n, r, c = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return torch.from_numpy(np.frombuffer(data, np.uint8, offset=16).reshape(n, r * c).astype(np.float32) / 255)
train, test = images("train-images-idx3-ubyte.gz"), images("t10k-images-idx3-ubyte.gz")
torch.manual_seed(2)
ae = nn.Sequential(nn.Linear(784, 250), nn.ReLU(), nn.Linear(250, 16), nn.Tanh(),
                   nn.Linear(16, 320), nn.ReLU(), nn.Linear(320, 784), nn.Sigmoid())
opt = torch.optim.Adam(ae.parameters(), lr=1e-3)
def epoch():
    for idx in torch.randperm(len(train)).split(200):
        x = train[idx]
        loss = F.mse_loss(ae(x), x)
        opt.zero_grad(); loss.backward(); opt.step()
    return loss.item()
epoch()
with torch.no_grad():
    reconstructed = ae(test[:10])"""
TORCH_EPOCH = "epoch()"


class SkipComparison(Exception):
    pass


class Kernel:
    def __init__(self, name: str):
        self.name = name
        self.km = KernelManager(kernel_name=name)
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    @property
    def pid(self) -> int:
        return self.km.provisioner.process.pid

    def send(self, code: str) -> str:
        return self.kc.execute(code)

    def wait(self, msg_id: str, timeout: float = 1800) -> None:
        """Until the cell is idle; an error is fatal to the benchmark."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "error":
                raise RuntimeError(f"{self.name}: {msg['content']['ename']}: {msg['content']['evalue']}")
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return

    def run(self, code: str) -> None:
        self.wait(self.send(code))

    def memory(self) -> dict[str, int]:
        """smaps_rollup's fields, in kB."""
        fields = {}
        for line in Path(f"/proc/{self.pid}/smaps_rollup").read_text().splitlines()[1:]:
            key, value = line.split(":", 1)
            fields[key] = int(value.split()[0])
        return fields

    def cpu_seconds(self) -> float:
        stat = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def mb(kb: float) -> float:
    return kb / 1024


def memory_table(kernels: list[Kernel]) -> dict[str, float]:
    rows = [k.memory() for k in kernels]
    n = len(rows)
    return {key: sum(r.get(key, 0) for r in rows) / n for key in ("Pss", "Pss_Anon", "Pss_File", "Rss")}


def timed(kernels: list[Kernel], code: str, together: bool) -> tuple[float, float]:
    """Wall seconds and the kernels' CPU seconds for every kernel to run `code`."""
    cpu = sum(k.cpu_seconds() for k in kernels)
    started = time.perf_counter()
    if together:
        ids = [k.send(code) for k in kernels]
        for k, msg_id in zip(kernels, ids):
            k.wait(msg_id)
    else:
        for k in kernels:
            k.run(code)
    return time.perf_counter() - started, sum(k.cpu_seconds() for k in kernels) - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latent", required=True)
    parser.add_argument("--kernels", type=int, default=8)
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("--idle", type=float, default=60)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="latent-classroom-"))
    subprocess.run([args.latent, "install", "--prefix", str(scratch)], check=True, capture_output=True)
    os.environ["JUPYTER_PATH"] = str(scratch / "share" / "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    os.environ["LATENT_HISTORY_FILE"] = str(scratch / "history.jsonl")
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")  # autosaves go here, not the user's
    print(f"{args.kernels} Latent kernels and {args.kernels} ipykernels (PyTorch {torch_version()}), "
          "lesson 2's work each, one after another; every figure from one run on this machine")

    latent = [Kernel("latent") for _ in range(args.kernels)]
    torch_kernels = [Kernel("python3") for _ in range(args.kernels)]
    try:
        if not latent:  # --kernels 0: only the class and its idle CPU
            raise SkipComparison
        for k in latent:
            k.run(LATENT_LESSON)
        for k in torch_kernels:
            k.run(TORCH_LESSON)
        ours, theirs = memory_table(latent), memory_table(torch_kernels)
        print(f"\nmemory per kernel after lesson 2 (MB, mean of {args.kernels}; PSS from /proc/PID/smaps_rollup)")
        print(f"{'':<22}{'Latent':>10}{'ipykernel':>12}{'ratio':>8}")
        for key, label in (("Pss", "PSS"), ("Pss_Anon", "  own (anonymous)"), ("Pss_File", "  shared files' share"),
                           ("Rss", "RSS")):
            print(f"{label:<22}{mb(ours[key]):>10.1f}{mb(theirs[key]):>12.1f}{ours[key] / max(theirs[key], 1):>8.3f}")
        print("goals: Latent PSS < 1/10 of ipykernel's; a Latent kernel's own memory (anonymous) <= 64 MB")

        print(f"\nconcurrent training: {args.kernels} kernels each train one more epoch of dense002 (wall s)")
        print(f"{'':<10}{'one after another':>20}{'all at once':>14}{'ratio':>8}{'CPU s apart':>14}"
              f"{'CPU s at once':>15}{'CPU ratio':>11}")
        for label, kernels, code in (("Latent", latent, LATENT_EPOCH), ("PyTorch", torch_kernels, TORCH_EPOCH)):
            apart, apart_cpu = timed(kernels, code, together=False)
            together, together_cpu = timed(kernels, code, together=True)
            print(f"{label:<10}{apart:>20.2f}{together:>14.2f}{together / apart:>8.2f}{apart_cpu:>14.1f}"
                  f"{together_cpu:>15.1f}{together_cpu / apart_cpu:>11.2f}")
        print("goal: Latent's ratio <= 1.15 (PyTorch's beside it). On a machine others share, wall time")
        print("  favours the run with more threads (the scheduler shares the cores by thread); the CPU")
        print("  seconds spent show spinning whatever the neighbours do.")
    except SkipComparison:
        pass
    finally:
        for k in torch_kernels:
            k.stop()

    try:
        while len(latent) < args.class_size:
            k = Kernel("latent")
            latent.append(k)
            k.run(LATENT_LESSON)
        rows = [k.memory() for k in latent]
        total = {key: sum(r.get(key, 0) for r in rows) for key in ("Pss", "Pss_Anon", "Pss_File")}
        print(f"\na class of {len(latent)} Latent kernels after lesson 2: PSS {mb(total['Pss']) / 1024:.2f} GB in all "
              f"({mb(total['Pss_Anon']):.0f} MB own, {mb(total['Pss_File']):.0f} MB files), "
              f"{mb(total['Pss']) / len(latent):.1f} MB a kernel")

        before = [k.cpu_seconds() for k in latent]
        started = time.monotonic()
        time.sleep(args.idle)
        elapsed = time.monotonic() - started
        used = sum(k.cpu_seconds() for k in latent) - sum(before)
        print(f"idle: {len(latent)} idle Latent kernels used {used:.2f} CPU s in {elapsed:.0f} s: "
              f"{100 * used / elapsed:.2f}% of one core in all (goal < 1%)")
    finally:
        for k in latent:
            k.stop()


def torch_version() -> str:
    try:
        import torch
        return torch.__version__
    except ImportError:
        return "not importable here"


if __name__ == "__main__":
    sys.exit(main())
