"""PyTorch's figures for the lessons' shortened runs, to set the thresholds the lessons state.

Each lesson trains fewer epochs than its seed, so the seed's own figure is not a fair bar. This
script trains the same models, on the same data, for the same number of epochs in PyTorch with
the initialisation Latent uses (Keras's: Glorot-uniform weights, zero biases; or PyTorch's own
where a lesson compares the two) and prints the test losses. Run it once, by hand, from the repository root:

    .venv/bin/python scripts/lessons/pytorch_figures.py [lesson ...]

It is a reference, not a test: the lessons' thresholds sit above these figures with a margin for
the difference between two frameworks' random streams.
"""

import gzip
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

torch.set_num_threads(2)
ROOT = Path(__file__).resolve().parents[2]


def idx(name):
    raw = gzip.open(ROOT / "Data/mnist" / name).read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mnist(train=None, test=None):
    xtr = torch.tensor(idx("train-images-idx3-ubyte.gz")[:train], dtype=torch.float32).reshape(-1, 784) / 255
    xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz")[:test], dtype=torch.float32).reshape(-1, 784) / 255
    return xtr, xte


def keras_init(model):
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def stack(sizes, acts, dropout=0.0, last=None):
    """A dense stack; acts[i] follows layer i; dropout after every hidden layer but the code."""
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if acts[i]:
            layers.append(acts[i]())
        if dropout and i not in (len(sizes) - 2, last):
            layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def fit(model, xtr, xte, epochs, loss, batch=200, lr=1e-3, noise=0.0, penalty=None, test_penalty=False, label=""):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(0)
    out = []
    for epoch in range(epochs):
        model.train()
        start = time.time()
        order = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr), batch):
            x = xtr[order[i : i + batch]]
            inp = (x + noise * torch.randn_like(x)).clamp(0, 1) if noise else x
            opt.zero_grad()
            l = loss(model(inp), x)
            if penalty:
                l = l + penalty(model, inp)
            l.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            inp = (xte + noise * torch.randn_like(xte)).clamp(0, 1) if noise else xte
            t = loss(model(inp), xte).item() + (penalty(model, inp).item() if test_penalty else 0.0)
        out.append(t)
        print(f"  {label} epoch {epoch + 1}: test {t:.4f} ({time.time() - start:.1f} s)", flush=True)
    return out


def lesson1():
    xtr, xte = mnist(6000, 1000)
    torch.manual_seed(1)
    m = keras_init(stack([784, 64, 8, 784], [nn.ReLU, None, nn.Sigmoid]))
    fit(m, xtr, xte, 6, F.mse_loss, batch=100, label="tiny on 6000")


def lesson3():
    xtr, xte = mnist()
    print(f"L1 of an all-black picture: {xte.mean().item():.4f}")
    print(f"L1 of the per-pixel median picture: {(xte - xtr.median(0).values).abs().mean().item():.4f}")
    sizes = [784, 512, 256, 128, 11, 128, 256, 512, 784]
    acts = [nn.ReLU] * 3 + [None] + [nn.ReLU] * 3 + [None]
    for init in ("keras", "pytorch"):
        for drop in (0.0, 0.2):
            torch.manual_seed(1)
            m = stack(sizes, acts, dropout=drop)
            if init == "keras":
                keras_init(m)
            fit(m, xtr, xte, 3, F.l1_loss, label=f"deep {init} dropout {drop}")


def lesson3cures():
    """Keras initialisation, with the cures the lesson language offers: leaky ReLU, MSE loss."""
    xtr, xte = mnist()
    sizes = [784, 512, 256, 128, 11, 128, 256, 512, 784]
    leaky = lambda: nn.LeakyReLU(0.2)
    for drop in (0.0, 0.2):
        torch.manual_seed(1)
        m = keras_init(stack(sizes, [leaky] * 3 + [None] + [leaky] * 3 + [None], dropout=drop))
        fit(m, xtr, xte, 3, F.l1_loss, label=f"deep keras leaky0.2 dropout {drop}")
    torch.manual_seed(1)
    m = keras_init(stack(sizes, [nn.ReLU] * 3 + [None] + [nn.ReLU] * 3 + [None]))
    fit(m, xtr, xte, 3, F.mse_loss, label="deep keras relu mse")
    with torch.no_grad():
        print(f"    its L1: {F.l1_loss(m(xte), xte).item():.4f}")


def lesson4():
    xtr, xte = mnist()
    for k in (2, 8, 32):
        torch.manual_seed(1)
        m = keras_init(stack([784, 256, k, 256, 784], [nn.ReLU, None, nn.ReLU, nn.Sigmoid]))
        fit(m, xtr, xte, 5, F.mse_loss, label=f"code {k}")


def lesson6():
    xtr, xte = mnist()
    sizes, acts = [784, 128, 64, 784], [nn.ReLU, nn.ReLU, nn.Sigmoid]
    for w in (0.0, 1e-5, 1e-4):
        torch.manual_seed(1)
        m = keras_init(stack(sizes, acts))
        code = lambda m, x: m[:4](x)
        pen = (lambda m, x, w=w: w * code(m, x).abs().sum(1).mean()) if w else None
        fit(m, xtr, xte, 5, F.mse_loss, penalty=pen, label=f"sparse {w}")
        with torch.no_grad():
            c = code(m, xte)
        print(f"    mean coding {c.mean():.3f}, fraction zero {(c == 0).float().mean():.2f}")
    torch.manual_seed(1)
    m = keras_init(stack(sizes, acts))
    fit(m, xtr, xte, 5, F.mse_loss, noise=0.5, label="denoise 0.5")


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc, self.mu, self.logvar = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        self.dec = nn.Sequential(nn.Linear(20, 400), nn.ReLU(), nn.Linear(400, 784), nn.Sigmoid())

    def forward(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        self.kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / len(x)
        return self.dec(z)


def lesson7():
    xtr, xte = mnist()
    torch.manual_seed(1)
    m = keras_init(VAE())
    # Per image: summed BCE plus KL, as the PyTorch example reports it.
    per_image = lambda y, x: F.binary_cross_entropy(y, x, reduction="sum") / len(x)
    fit(m, xtr, xte, 5, per_image, batch=128, penalty=lambda m, x: m.kl, test_penalty=True, label="vae")


if __name__ == "__main__":
    for name in sys.argv[1:] or ["1", "3", "4", "6", "7"]:
        print(f"lesson {name}", flush=True)
        globals()[f"lesson{name}"]()
