"""Reference values for Latent's spatial layers, computed by PyTorch.

Run once (from the repository root) with the project's venv:
    .venv/bin/python scripts/reference/conv_reference.py
It writes Tests/NeuralTests/Reference/conv_{conv2d,deconv,pool,upsample}.json.

Latent stores images channels-last (batch, height, width, channels) and kernels as Keras does:
Conv2D (k, k, in, out), Conv2DTranspose (k, k, out, in). PyTorch is channels-first, so every
tensor is permuted on the way in and out, and the JSON holds Latent's layouts. Keras's "same"
padding (odd totals put the extra row/column at the bottom/right) is made explicit with F.pad
for the convolution, and by cropping the full transposed convolution as TensorFlow defines it.

For each case the JSON holds the input, the weights and bias used, an upstream gradient g, the
output y, and the gradients of sum(y * g) with respect to the input, the kernel and the bias.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261123)
OUT_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "NeuralTests", "Reference")


def flat(t):
    return [float(v) for v in t.detach().contiguous().reshape(-1).tolist()]


def nchw(x):
    return x.permute(0, 3, 1, 2)


def nhwc(x):
    return x.permute(0, 2, 3, 1)


def same_pads(size, k, s):
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def conv_case(name, n, h, w, cin, filters, k, stride, padding):
    x = torch.randn(n, h, w, cin, requires_grad=True)
    kernel = (torch.rand(k, k, cin, filters) * 2 - 1) * 0.5
    kernel.requires_grad_(True)
    bias = (torch.randn(filters) * 0.1).requires_grad_(True)
    xt = nchw(x)
    if padding == "same":
        top, bottom = same_pads(h, k, stride)
        left, right = same_pads(w, k, stride)
        xt = F.pad(xt, (left, right, top, bottom))
    y = nhwc(F.conv2d(xt, kernel.permute(3, 2, 0, 1), bias, stride=stride))
    g = torch.randn_like(y)
    (y * g).sum().backward()
    return dict(
        name=name, filters=filters, kernel=k, stride=stride, padding=padding,
        input_shape=list(x.shape), input=flat(x), weight_shape=list(kernel.shape), weight=flat(kernel),
        bias=flat(bias), output_shape=list(y.shape), output=flat(y), upstream=flat(g),
        input_grad=flat(x.grad), weight_grad=flat(kernel.grad), bias_grad=flat(bias.grad))


def deconv_case(name, n, h, w, cin, filters, k, stride, padding):
    x = torch.randn(n, h, w, cin, requires_grad=True)
    kernel = (torch.rand(k, k, filters, cin) * 2 - 1) * 0.5
    kernel.requires_grad_(True)
    bias = (torch.randn(filters) * 0.1).requires_grad_(True)
    full = F.conv_transpose2d(nchw(x), kernel.permute(3, 2, 0, 1), None, stride=stride)
    if padding == "same":
        oh, ow = h * stride, w * stride
        top, left = max(k - stride, 0) // 2, max(k - stride, 0) // 2
        full = full[:, :, top:top + oh, left:left + ow]
        # A kernel smaller than the stride leaves the last rows/columns uncovered: zeros there.
        full = F.pad(full, (0, ow - full.shape[3], 0, oh - full.shape[2]))
    y = nhwc(full) + bias
    g = torch.randn_like(y)
    (y * g).sum().backward()
    return dict(
        name=name, filters=filters, kernel=k, stride=stride, padding=padding,
        input_shape=list(x.shape), input=flat(x), weight_shape=list(kernel.shape), weight=flat(kernel),
        bias=flat(bias), output_shape=list(y.shape), output=flat(y), upstream=flat(g),
        input_grad=flat(x.grad), weight_grad=flat(kernel.grad), bias_grad=flat(bias.grad))


def pool_case(name, n, h, w, c, kind, size):
    x = torch.randn(n, h, w, c, requires_grad=True)
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d
    y = nhwc(pool(nchw(x), size, size))
    g = torch.randn_like(y)
    (y * g).sum().backward()
    return dict(
        name=name, kind=kind, size=size, input_shape=list(x.shape), input=flat(x),
        output_shape=list(y.shape), output=flat(y), upstream=flat(g), input_grad=flat(x.grad))


def upsample_case(name, n, h, w, c, factor):
    x = torch.randn(n, h, w, c, requires_grad=True)
    y = nhwc(F.interpolate(nchw(x), scale_factor=factor, mode="nearest"))
    g = torch.randn_like(y)
    (y * g).sum().backward()
    return dict(
        name=name, factor=factor, input_shape=list(x.shape), input=flat(x),
        output_shape=list(y.shape), output=flat(y), upstream=flat(g), input_grad=flat(x.grad))


def write(kind, cases):
    path = os.path.join(OUT_DIR, f"conv_{kind}.json")
    with open(path, "w") as f:
        json.dump(dict(generator="scripts/reference/conv_reference.py", torch=torch.__version__,
                       cases=cases), f)
    print(f"wrote {path}: {len(cases)} cases")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    write("conv2d", [
        conv_case("k3 s1 same, 3->4 channels", 2, 7, 7, 3, 4, 3, 1, "same"),
        conv_case("k5 s1 same, 4->5 channels", 2, 6, 6, 4, 5, 5, 1, "same"),
        conv_case("k3 s2 same, even size (padding only bottom/right)", 2, 8, 8, 2, 3, 3, 2, "same"),
        conv_case("k3 s2 valid, 9x9", 2, 9, 9, 2, 3, 3, 2, "valid"),
        conv_case("k6 s1 same (pads 2 top/left, 3 bottom/right)", 2, 10, 9, 3, 2, 6, 1, "same"),
        conv_case("k4 s1 valid, non-square", 3, 7, 5, 2, 3, 4, 1, "valid"),
        conv_case("k7 s1 same, 4->1 channel (the seed's last layer)", 1, 12, 12, 4, 1, 7, 1, "same"),
    ])
    write("deconv", [
        deconv_case("k3 s2 same", 2, 4, 4, 3, 2, 3, 2, "same"),
        deconv_case("k3 s2 valid", 2, 4, 3, 3, 2, 3, 2, "valid"),
        deconv_case("k4 s2 same", 2, 3, 4, 2, 3, 4, 2, "same"),
        deconv_case("k2 s3 same (kernel smaller than stride)", 2, 3, 3, 2, 2, 2, 3, "same"),
        deconv_case("k5 s1 same", 2, 5, 5, 3, 4, 5, 1, "same"),
    ])
    write("pool", [
        pool_case("max 2 on 6x6", 2, 6, 6, 3, "max", 2),
        pool_case("max 2 on 5x7 (trailing row and column dropped)", 2, 5, 7, 2, "max", 2),
        pool_case("avg 2 on 6x4", 2, 6, 4, 3, "avg", 2),
        pool_case("avg 3 on 7x7", 2, 7, 7, 2, "avg", 3),
        pool_case("max 3 on 9x6", 1, 9, 6, 4, "max", 3),
    ])
    write("upsample", [
        upsample_case("nearest 2", 2, 3, 4, 2, 2),
        upsample_case("nearest 3", 1, 2, 3, 3, 3),
    ])


if __name__ == "__main__":
    main()
