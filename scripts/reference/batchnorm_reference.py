"""Reference values for Latent's batchnorm layer, computed by PyTorch's BatchNorm1d and BatchNorm2d.

Run once (from the repository root) with the project's venv:
    .venv/bin/python scripts/reference/batchnorm_reference.py
It writes Tests/NeuralTests/Reference/batchnorm.json.

Latent normalises the last axis of a sample: a dense layer's features (batch, features), as
BatchNorm1d, or an image's channels (batch, height, width, channels), as BatchNorm2d on PyTorch's
(batch, channels, height, width); images are permuted on the way in and out, and the JSON holds
Latent's layout. The inputs are drawn in float32 and the layer runs in float64, so the values
are PyTorch's to well below float32's rounding.

For each case the JSON holds: the input x, γ, β and the running mean and variance before the
step, an upstream gradient g; in training mode the output y and the gradients of sum(y * g)
with respect to x, γ and β, and the running statistics after that step; then in evaluation
mode (those running statistics) the output for a second input x2 and the gradient of
sum(y2 * g2) with respect to x2.
"""

import json
import os

import torch

torch.manual_seed(20261206)
OUT_PATH = os.path.join(
    os.path.dirname(__file__), "..", "..", "Tests", "NeuralTests", "Reference", "batchnorm.json")


def flat(t):
    return [float(v) for v in t.detach().contiguous().reshape(-1).tolist()]


def draw(*shape, scale=1.0, shift=0.0):
    """float32 values (so that Latent's float32 inputs are these exactly), as float64."""
    return (torch.randn(*shape, dtype=torch.float32) * scale + shift).to(torch.float64)


def case(name, sample_shape, batch, momentum=0.1, eps=1e-5):
    channels = sample_shape[-1]
    image = len(sample_shape) == 3
    layer_type = torch.nn.BatchNorm2d if image else torch.nn.BatchNorm1d
    layer = layer_type(channels, momentum=momentum, eps=eps, dtype=torch.float64)
    gamma, beta = draw(channels, scale=0.5, shift=1.0), draw(channels, scale=0.3)
    running_mean, running_var = draw(channels, scale=0.2), draw(channels).abs() + 0.5
    with torch.no_grad():
        layer.weight.copy_(gamma)
        layer.bias.copy_(beta)
        layer.running_mean.copy_(running_mean)
        layer.running_var.copy_(running_var)

    def to_torch(x):  # Latent's (B, H, W, C) to PyTorch's (B, C, H, W)
        return x.permute(0, 3, 1, 2) if image else x

    def to_latent(y):
        return y.permute(0, 2, 3, 1) if image else y

    # Channel means away from 0 and spreads away from 1, so that normalising does something.
    x = draw(batch, *sample_shape, scale=2.0, shift=0.7).requires_grad_(True)
    layer.train()
    y = to_latent(layer(to_torch(x)))
    g = draw(*y.shape)
    (y * g).sum().backward()
    gamma_grad, beta_grad = layer.weight.grad.clone(), layer.bias.grad.clone()
    running_mean_after, running_var_after = layer.running_mean.clone(), layer.running_var.clone()

    layer.eval()
    x2 = draw(batch, *sample_shape, scale=2.0, shift=0.7).requires_grad_(True)
    y2 = to_latent(layer(to_torch(x2)))
    g2 = draw(*y2.shape)
    (y2 * g2).sum().backward()

    return dict(
        name=name, momentum=momentum, eps=eps, input_shape=list(x.shape),
        input=flat(x), gamma=flat(gamma), beta=flat(beta),
        running_mean=flat(running_mean), running_var=flat(running_var),
        upstream=flat(g), output=flat(y), input_grad=flat(x.grad),
        gamma_grad=flat(gamma_grad), beta_grad=flat(beta_grad),
        running_mean_after=flat(running_mean_after), running_var_after=flat(running_var_after),
        eval_input=flat(x2), eval_upstream=flat(g2), eval_output=flat(y2), eval_input_grad=flat(x2.grad))


def main():
    cases = [
        case("BatchNorm1d, 8 samples of 5 features", [5], 8),
        case("BatchNorm1d, 2 samples of 3 features (M = 2)", [3], 2),
        case("BatchNorm2d, 3 images 4x5 of 3 channels", [4, 5, 3], 3),
        case("BatchNorm2d, 2 images 6x6 of 4 channels", [6, 6, 4], 2),
        case("BatchNorm1d, momentum 0.3, eps 1e-3", [4], 6, momentum=0.3, eps=1e-3),
    ]
    with open(OUT_PATH, "w") as f:
        json.dump(dict(generator="scripts/reference/batchnorm_reference.py", torch=torch.__version__,
                       cases=cases), f)
    print(f"wrote {os.path.normpath(OUT_PATH)}: {len(cases)} cases")


if __name__ == "__main__":
    main()
