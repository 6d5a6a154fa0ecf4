"""The reference side of bench/pictures/run.sh, and the side-by-side table.

Reads Latent's lines ("case wall=S cpu=S ...") on stdin, runs the same cases with scikit-learn
(t-SNE, KernelPCA) and with numpy + zlib (the 10x10 grid: the same layout encoded as PNG with
one filter, what a NumPy notebook would do without an imaging library), and prints each case
with both wall-clock times and their ratio (Latent / reference), plus CPU seconds, which are
steadier on a shared machine.
"""
import gzip
import pathlib
import resource
import struct
import sys
import time
import zlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


def mnist_test(n):
    with gzip.open(ROOT / "Data/mnist/t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n]
    with gzip.open(ROOT / "Data/mnist/t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    return images.astype(np.float32) / 255, labels


def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def timed(fn):
    c, t = cpu(), time.perf_counter()
    out = fn()
    return time.perf_counter() - t, cpu() - c, out


def tsne(n):
    from sklearn.manifold import TSNE

    x, y = mnist_test(n)
    wall, used, e = timed(lambda: TSNE(n_components=2, perplexity=30, max_iter=1000, init="pca", random_state=0).fit_transform(x))
    d = ((e[:, None, :] - e[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    agreement = float((y[d.argmin(1)] == y).mean())
    return wall, used, f"agreement={agreement:.3f}"


def kpca(n):
    from sklearn.decomposition import KernelPCA

    x, _ = mnist_test(n)
    wall, used, _ = timed(lambda: KernelPCA(n_components=2, kernel="rbf").fit_transform(x))
    return wall, used, ""


def png(image):
    h, w = image.shape
    raw = b"".join(b"\x00" + image[r].tobytes() for r in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def grid():
    x, _ = mnist_test(100)
    digits = (np.clip(x, 0, 1) * 255).round().astype(np.uint8).reshape(100, 28, 28)

    def draw():
        canvas = np.full((10 * 58 + 2, 10 * 58 + 2), 48, np.uint8)
        for k in range(100):
            r, c = divmod(k, 10)
            canvas[2 + r * 58: 2 + r * 58 + 56, 2 + c * 58: 2 + c * 58 + 56] = np.kron(digits[k], np.ones((2, 2), np.uint8))
        return png(canvas)

    draw()
    repeats = 50
    wall, used, _ = timed(lambda: [draw() for _ in range(repeats)])
    return wall / repeats, used / repeats, "(numpy + zlib, no labels)"


def main():
    rows = []
    for line in sys.stdin:
        parts = line.split()
        if not parts or "=" not in line:
            continue
        name, fields = parts[0], dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        kind, _, size = name.partition("-")
        if kind == "tsne":
            ref = tsne(int(size))
        elif kind == "kpca":
            ref = kpca(int(size))
        elif kind == "grid":
            ref = grid()
        else:
            continue
        ours_wall, ours_cpu = float(fields["wall"]), float(fields["cpu"])
        extra = " ".join(f"{k}={v}" for k, v in fields.items() if k not in ("wall", "cpu"))
        rows.append((name, ours_wall, ref[0], ours_wall / ref[0], ours_cpu, ref[1], extra, ref[2]))
    print(f"{'case':<12} {'latent s':>10} {'reference s':>12} {'ratio':>7} {'latent cpu':>11} {'ref cpu':>9}")
    for name, ow, rw, ratio, oc, rc, extra, rextra in rows:
        print(f"{name:<12} {ow:>10.4f} {rw:>12.4f} {ratio:>7.3f} {oc:>11.4f} {rc:>9.4f}   latent: {extra}  reference: {rextra}")


if __name__ == "__main__":
    main()
