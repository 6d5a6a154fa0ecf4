"""Slider to picture, Latent's `explore` against the anchor: ipykernel running ipywidgets'
`interact` that decodes with the same PyTorch decoder (same layers) and draws with matplotlib.
Both are driven the same way through jupyter_client: the client sends a slider's `update`
comm_msg and waits for the new picture (Latent: the image model's `update` with its PNG buffer;
the anchor: the display_data with image/png that interact's output shows).

- kernel side: from the kernel's busy status for that comm_msg to the message carrying the
  picture, both stamped by the kernel's own clock (header `date`, microseconds);
- whole path: from the client's send to the client's receipt of the picture.

Each side runs ROUNDS times, alternating, UPDATES slider moves a round (one at a time, each
waiting for its picture); the best round's median is compared. Goals (issue 14): kernel side
<= 5 ms dense, <= 15 ms conv; whole path <= 0.1x the anchor.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime

from jupyter_client.manager import KernelManager

from kernel_bench import use_latent_kernelspec

DATA = "small = mnist train 2000 test 200\nseed 1\n"
LATENT_MODELS = {
    "dense": "model m:\n    dense 256 relu\n    latent 8\n    dense 256 relu\n    dense 784 sigmoid\n",
    "conv": ("model m:\n    conv 4 kernel 5 relu\n    pool max 2\n    conv 8 kernel 5 relu\n    pool max 2\n"
             "    flatten\n    dense 150 relu\n    latent 16 tanh\n    dense 120 relu\n    dense 320 relu\n"
             "    dense 784 relu\n    reshape 7 7 16\n    upsample 2\n    conv 8 kernel 5 relu\n    upsample 2\n"
             "    conv 4 kernel 6 relu\n    conv 1 kernel 7 sigmoid\n"),
}
LATENT_TRAIN = "train m on small epochs 1 batch 100\n"

# The anchor's decoders: the same layers as the decoder halves above.
TORCH_DECODERS = {
    "dense": "nn.Sequential(nn.Linear(8, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())",
    "conv": ("nn.Sequential(nn.Linear(16, 120), nn.ReLU(), nn.Linear(120, 320), nn.ReLU(), nn.Linear(320, 784), "
             "nn.ReLU(), nn.Unflatten(1, (16, 7, 7)), nn.Upsample(scale_factor=2), nn.Conv2d(16, 8, 5, padding='same'), "
             "nn.ReLU(), nn.Upsample(scale_factor=2), nn.Conv2d(8, 4, 6, padding='same'), nn.ReLU(), "
             "nn.Conv2d(4, 1, 7, padding='same'), nn.Sigmoid())"),
}
ANCHOR = """
import torch, ipywidgets as widgets, matplotlib
from torch import nn
import matplotlib.pyplot as plt
torch.manual_seed(0)
torch.set_num_threads(1)
decoder = {decoder}.eval()
K = {k}
def draw(**z):
    code = torch.tensor([[z[f"z{{i}}"] for i in range(K)]], dtype=torch.float32)
    with torch.no_grad():
        image = decoder(code).reshape(28, 28).numpy()
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    ax.axis("off")
    plt.show()
panel = widgets.interactive(draw, **{{f"z{{i}}": widgets.FloatSlider(min=-3, max=3, step=0.03, value=0)
                                    for i in range(min(K, 8))}}, **{{f"z{{i}}": widgets.fixed(0.0) for i in range(8, K)}})
display(panel)
"""
LATENT_K = {"dense": 8, "conv": 16}


def stamp(msg) -> float:
    date = msg["header"]["date"]
    return (date if isinstance(date, datetime) else datetime.fromisoformat(str(date))).timestamp()


class Driver:
    """One kernel with a panel open; moves its first slider and times each picture."""

    def __init__(self, kernel: str, setup: str, picture):
        self.km = KernelManager(kernel_name=kernel)
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.picture = picture
        msg_id = self.kc.execute(setup)
        opens = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=600)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "comm_open":
                opens.append(msg)
            if msg["msg_type"] == "error":
                raise RuntimeError(f"{kernel}: {msg['content']['evalue']}")
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        self.kc.get_shell_msg(timeout=60)
        sliders = [m for m in opens if m["content"]["data"]["state"].get("_model_name") == "FloatSliderModel"]
        if not sliders:
            raise RuntimeError(f"{kernel}: the setup opened no slider")
        self.slider = sliders[0]["content"]["comm_id"]
        state = sliders[0]["content"]["data"]["state"]
        self.low, self.high = state["min"], state["max"]
        self.moves = 0

    def move(self) -> tuple[float, float]:
        """(kernel side, whole path) in seconds for one slider move."""
        self.moves += 1
        value = self.low + (self.high - self.low) * ((self.moves * 37) % 100) / 100
        msg = self.kc.session.msg("comm_msg", {"comm_id": self.slider,
                                               "data": {"method": "update", "state": {"value": value},
                                                        "buffer_paths": []}})
        msg_id = msg["header"]["msg_id"]
        started = time.perf_counter()
        self.kc.shell_channel.send(msg)
        busy = None
        while True:
            reply = self.kc.get_iopub_msg(timeout=30)
            if reply["parent_header"].get("msg_id") != msg_id:
                continue
            if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "busy":
                busy = stamp(reply)
            elif self.picture(reply):
                whole = time.perf_counter() - started
                kernel = stamp(reply) - busy
                break
        while True:  # its idle, so that the next move starts on a quiet kernel
            reply = self.kc.get_iopub_msg(timeout=30)
            if (reply["parent_header"].get("msg_id") == msg_id and reply["msg_type"] == "status"
                    and reply["content"]["execution_state"] == "idle"):
                return kernel, whole

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def latent_picture(msg) -> bool:
    return (msg["msg_type"] == "comm_msg" and msg["content"]["data"].get("method") == "update"
            and msg["content"]["data"].get("buffer_paths") == [["value"]] and bool(msg["buffers"]))


def anchor_picture(msg) -> bool:
    return msg["msg_type"] == "display_data" and "image/png" in msg["content"]["data"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latent", required=True, help="the latent binary")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--updates", type=int, default=40)
    args = parser.parse_args()

    use_latent_kernelspec(args.latent)
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

    print(f"{'slider to picture (median ms)':<34}{'latent':>10}{'anchor':>10}{'ratio':>8}")
    for kind in ("dense", "conv"):
        latent = Driver("latent", DATA + LATENT_MODELS[kind] + LATENT_TRAIN + "explore m", latent_picture)
        anchor = Driver("python3", ANCHOR.format(decoder=TORCH_DECODERS[kind], k=LATENT_K[kind]), anchor_picture)
        best = {"latent": (1e9, 1e9), "anchor": (1e9, 1e9)}
        try:
            for _ in range(args.rounds):
                for name, driver in (("latent", latent), ("anchor", anchor)):
                    for _ in range(3):  # warm-up
                        driver.move()
                    times = [driver.move() for _ in range(args.updates)]
                    medians = (statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))
                    best[name] = (min(best[name][0], medians[0]), min(best[name][1], medians[1]))
        finally:
            latent.close()
            anchor.close()
        for label, i in (("kernel side", 0), ("whole path", 1)):
            ours, theirs = best["latent"][i] * 1000, best["anchor"][i] * 1000
            print(f"{kind + ', ' + label:<34}{ours:>10.2f}{theirs:>10.2f}{ours / theirs:>7.2f}x")
    print(f"(best of {args.rounds} alternating rounds, each the median of {args.updates} moves; goals: kernel side "
          "<= 5 ms dense, <= 15 ms conv; whole path <= 0.1x the anchor)")


if __name__ == "__main__":
    sys.exit(main())
