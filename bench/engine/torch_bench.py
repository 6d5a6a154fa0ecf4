"""PyTorch side of the engine benchmark: one training epoch of the 60,000 MNIST training
images for each model, on the CPU with 2 threads, printed in NeuralBench's line format.

Usage: torch_bench.py MNIST_DIR [dense002|deep000|vae|all] [THREADS (2)]
"""
import gzip
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
torch.manual_seed(1)


def load_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    count, rows, cols = (int.from_bytes(data[i : i + 4], "big") for i in (4, 8, 12))
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols)
    return torch.from_numpy(pixels.astype(np.float32) / 255.0)


def glorot(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def mirror(sizes, dropout, latent):
    layers, prev = [], 784
    for s in sizes:
        layers += [nn.Linear(prev, s), nn.ReLU()] + ([nn.Dropout(dropout)] if dropout else [])
        prev = s
    layers.append(nn.Linear(prev, latent))
    prev = latent
    for s in reversed(sizes):
        layers += [nn.Linear(prev, s), nn.ReLU()] + ([nn.Dropout(dropout)] if dropout else [])
        prev = s
    layers.append(nn.Linear(prev, 784))
    return layers


class Dense002(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(784, 250), nn.ReLU(), nn.Linear(250, 16), nn.Tanh(),
            nn.Linear(16, 320), nn.ReLU(), nn.Linear(320, 784), nn.Sigmoid())

    def loss(self, x):
        return F.mse_loss(self.net(x), x)


class Deep000(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(*mirror([512, 256, 128], 0.2, 11))

    def loss(self, x):
        return F.l1_loss(self.net(x), x)


class VAE(nn.Module):
    """PyTorch's examples/vae model and loss (summed BCE plus KL)."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        self.fc3, self.fc4 = nn.Linear(20, 400), nn.Linear(400, 784)

    def loss(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        recon = torch.sigmoid(self.fc4(F.relu(self.fc3(z))))
        bce = F.binary_cross_entropy(recon, x, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return (bce + kld) / x.shape[0]


MODELS = {"dense002": (Dense002, 200), "deep000": (Deep000, 200), "vae": (VAE, 128)}


def main():
    directory = sys.argv[1]
    which = sys.argv[2] if len(sys.argv) > 2 else "all"
    train = load_images(f"{directory}/train-images-idx3-ubyte.gz")
    for name, (cls, batch) in MODELS.items():
        if which not in ("all", name):
            continue
        model = glorot(cls())
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        start, cpu_start = time.perf_counter(), time.process_time()
        order = torch.randperm(train.shape[0])
        total, seen = 0.0, 0
        for i in range(0, train.shape[0], batch):
            x = train[order[i : i + batch]]
            optimizer.zero_grad()
            loss = model.loss(x)
            loss.backward()
            optimizer.step()
            total += loss.item() * x.shape[0]
            seen += x.shape[0]
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name} seconds_per_epoch={seconds:.3f} cpu_seconds={cpu:.3f} "
              f"samples_per_second={train.shape[0] / seconds:.0f} peak_mb={peak:.0f} train_loss={total / seen:.4f}")


if __name__ == "__main__":
    main()
