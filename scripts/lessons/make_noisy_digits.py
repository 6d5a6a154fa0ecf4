"""Writes Lessons/data/: the first 50 MNIST test digits spoiled two ways, as IDX files, for
lesson 6 to clean up. Run once, by hand; the files are committed.

    .venv/bin/python scripts/lessons/make_noisy_digits.py     # from the repository root

- noisy-digits-*: each pixel plus Gaussian noise of spread 0.5, clipped to [0, 1] (the same
  corruption as `train ... noise gaussian 0.5`);
- masked-digits-*: 30% of the pixels, chosen at random, set to 0 (as `noise mask 0.3`).
Pixels are stored as bytes (0-255), as IDX images are.
"""

import gzip
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
COUNT = 50


def read_idx(name):
    raw = gzip.open(ROOT / "Data/mnist" / name).read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    # mtime=0 keeps the bytes the same from one run to the next.
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as out:
        out.write(header + array.astype(np.uint8).tobytes())


def main():
    images = read_idx("t10k-images-idx3-ubyte.gz")[:COUNT].astype(np.float64) / 255
    labels = read_idx("t10k-labels-idx1-ubyte.gz")[:COUNT]
    rng = np.random.default_rng(6)
    noisy = np.clip(images + 0.5 * rng.standard_normal(images.shape), 0, 1)
    masked = images * (rng.random(images.shape) >= 0.3)
    out = ROOT / "Lessons/data"
    out.mkdir(parents=True, exist_ok=True)
    for name, spoiled in (("noisy", noisy), ("masked", masked)):
        write_idx(out / f"{name}-digits-images.gz", np.rint(spoiled * 255))
        write_idx(out / f"{name}-digits-labels.gz", labels)
        print(f"wrote Lessons/data/{name}-digits-*.gz ({COUNT} digits)")


if __name__ == "__main__":
    main()
