"""PyTorch side of bench/engine-conv/run.sh: the seed-002 conv model on MNIST, batch 200.

  conv_torch.py layers BATCHES   the spatial layers only, as NeuralBench conv-layers times them
                                 (encoder conv/pool stack on images, decoder upsample/conv stack
                                 on a random (200, 16, 7, 7) code; forward, backward, SGD step)
  conv_torch.py train  BATCHES   the whole model, MSE, Adam 1e-3, Glorot-uniform, zero biases,
                                 as NeuralBench conv-train times it
Prints `name value` lines: seconds per batch in ms and the epoch (300 batches) extrapolation.
Two threads, as the machine has two cores.
"""

import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn

import os

# Two threads, as the machine has two cores (CONV_TORCH_THREADS=1 for single-core work figures).
torch.set_num_threads(int(os.environ.get("CONV_TORCH_THREADS", "2")))
torch.manual_seed(2)


def mnist_images():
    import gzip
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "Data", "mnist", "train-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return torch.from_numpy(raw.astype(np.float32) / 255).reshape(-1, 1, 28, 28)


def glorot(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def encoder_layers():
    return [nn.Conv2d(1, 4, 5, padding="same"), nn.MaxPool2d(2), nn.Conv2d(4, 8, 5, padding="same"), nn.MaxPool2d(2)]


def decoder_layers():
    return [nn.Upsample(scale_factor=2), nn.Conv2d(16, 8, 5, padding="same"), nn.Upsample(scale_factor=2),
            nn.Conv2d(8, 4, 6, padding="same"), nn.Conv2d(4, 1, 7, padding="same")]


def full_model():
    encoder = nn.Sequential(
        nn.Conv2d(1, 4, 5, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 5, padding="same"), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(392, 150), nn.ReLU(), nn.Linear(150, 16), nn.Tanh())
    decoder = nn.Sequential(
        nn.Linear(16, 120), nn.ReLU(), nn.Linear(120, 320), nn.ReLU(), nn.Linear(320, 784), nn.ReLU(),
        nn.Unflatten(1, (7, 7, 16)), Permute(0, 3, 1, 2), nn.Upsample(scale_factor=2),
        nn.Conv2d(16, 8, 5, padding="same"), nn.ReLU(), nn.Upsample(scale_factor=2),
        nn.Conv2d(8, 4, 6, padding="same"), nn.ReLU(), nn.Conv2d(4, 1, 7, padding="same"), nn.Sigmoid())
    return nn.Sequential(encoder, decoder)


class Permute(nn.Module):
    """Keras's Reshape(7, 7, 16) is channels-last; PyTorch's convolutions want channels first."""

    def __init__(self, *dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return x.permute(*self.dims)


def report(prefix, seconds, batches):
    print(f"{prefix}-per-batch-ms {seconds / batches * 1000:.3f}")
    print(f"{prefix}-epoch-seconds {seconds / batches * 300:.3f}")


def time_layers(batches, images):
    encoder, decoder = nn.Sequential(*encoder_layers()), nn.Sequential(*decoder_layers())
    glorot(encoder)
    glorot(decoder)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.SGD(params, lr=1e-6)
    code = torch.rand(200, 16, 7, 7)
    start = time.perf_counter()
    for b in range(batches):
        low = (b * 200) % (images.shape[0] - 199)
        x = images[low:low + 200]
        optimizer.zero_grad()
        y = encoder(x)
        y.backward(y.detach())
        z = decoder(code)
        z.backward(z.detach())
        optimizer.step()
    report("conv-layers", time.perf_counter() - start, batches)


def time_training(batches, images):
    model = full_model()
    glorot(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    order = torch.randperm(images.shape[0])
    # One warm-up step, not timed, as on Latent's side.
    optimizer.zero_grad()
    loss_fn(model(images[:200]), images[:200]).backward()
    optimizer.step()
    start = time.perf_counter()
    cpu_start = time.process_time()
    for b in range(batches):
        idx = order[(b * 200) % 60000:(b * 200) % 60000 + 200]
        x = images[idx]
        optimizer.zero_grad()
        loss = loss_fn(model(x), x)
        loss.backward()
        optimizer.step()
    report("conv-train", time.perf_counter() - start, batches)
    print(f"conv-train-cpu-per-batch-ms {(time.process_time() - cpu_start) / batches * 1000:.3f}")
    print(f"conv-train-last-loss {loss.item():.5f}")
    print(f"conv-train-peak-rss-mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}")


if __name__ == "__main__":
    mode, batches = sys.argv[1], int(sys.argv[2])
    images = mnist_images()
    (time_layers if mode == "layers" else time_training)(batches, images)
