"""Reference values for the engine core (Sources/Neural), computed with PyTorch on the CPU.

Writes Tests/NeuralTests/Reference/engine_reference.json: for each layer type and loss, the
fixed small inputs and weights it used, the forward outputs and the gradients of
L = sum(y * r) (+ the layer's own loss term), and one and two steps of Adam, SGD with
momentum and RMSprop. Weights are written in the engine's layout (inputs x units), so the
Swift tests load exactly these numbers. Run once, from the repository root:
    .venv/bin/python scripts/reference/engine_reference.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)  # reference in double; Swift runs in float32
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/NeuralTests/Reference/engine_reference.json"

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": F.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "elu": F.elu,
    "softplus": F.softplus,
}


def values(t):
    return [round(float(v), 10) for v in t.detach().flatten()]


def leaf(*shape, low=-1.0, high=1.0):
    return (torch.rand(*shape) * (high - low) + low).requires_grad_(True)


def dense_cases():
    cases = []
    for name, f in ACTIVATIONS.items():
        x, w, b = leaf(3, 5), leaf(5, 4, low=-0.8, high=0.8), leaf(4, low=-0.2, high=0.2)
        r = torch.randn(3, 4)
        y = f(x @ w + b)
        (y * r).sum().backward()
        cases.append({"activation": name, "x": values(x), "weight": values(w), "bias": values(b), "r": values(r),
                      "y": values(y), "dx": values(x.grad), "dweight": values(w.grad), "dbias": values(b.grad)})
    return cases


def activation_cases():
    cases = []
    for name, f in ACTIVATIONS.items():
        x = leaf(2, 6, low=-3, high=3)
        r = torch.randn(2, 6)
        y = f(x)
        (y * r).sum().backward()
        cases.append({"activation": name, "x": values(x), "r": values(r), "y": values(y), "dx": values(x.grad)})
    return cases


def gaussian_cases():
    cases = []
    for sampled in (True, False):
        x = leaf(3, 5)
        wm, bm = leaf(5, 2, low=-0.7, high=0.7), leaf(2, low=-0.2, high=0.2)
        wv, bv = leaf(5, 2, low=-0.7, high=0.7), leaf(2, low=-0.2, high=0.2)
        eps, r = torch.randn(3, 2), torch.randn(3, 2)
        mu, logvar = x @ wm + bm, x @ wv + bv
        z = mu + torch.exp(0.5 * logvar) * eps if sampled else mu
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / x.shape[0]
        ((z * r).sum() + kl).backward()
        cases.append({"sampled": sampled, "x": values(x), "meanWeight": values(wm), "meanBias": values(bm),
                      "logVarianceWeight": values(wv), "logVarianceBias": values(bv), "noise": values(eps),
                      "r": values(r), "z": values(z), "kl": float(kl.detach()), "dx": values(x.grad),
                      "dMeanWeight": values(wm.grad), "dMeanBias": values(bm.grad),
                      "dLogVarianceWeight": values(wv.grad), "dLogVarianceBias": values(bv.grad)})
    return cases


def sparsity_cases():
    cases = []
    a, r = leaf(4, 3), torch.randn(4, 3)
    penalty = 0.3 * a.abs().sum() / a.shape[0]
    ((a * r).sum() + penalty).backward()
    cases.append({"kind": "l1", "weight": 0.3, "rho": 0, "a": values(a), "r": values(r), "penalty": float(penalty.detach()),
                  "dx": values(a.grad)})
    a, r = leaf(4, 3, low=0.05, high=0.95), torch.randn(4, 3)
    rho, weight = 0.1, 0.5
    rate = a.mean(dim=0)
    penalty = weight * torch.sum(rho * torch.log(rho / rate) + (1 - rho) * torch.log((1 - rho) / (1 - rate)))
    ((a * r).sum() + penalty).backward()
    cases.append({"kind": "kl", "weight": weight, "rho": rho, "a": values(a), "r": values(r),
                  "penalty": float(penalty.detach()), "dx": values(a.grad)})
    return cases


def loss_cases():
    cases = []
    target = torch.rand(3, 8)
    target[0, :3] = torch.tensor([0.0, 1.0, 1.0])
    for kind in ("mse", "l1", "bce", "bce_logits"):
        for reduction in ("meanPerElement", "sumPerSample"):
            if kind == "bce_logits":
                y = leaf(3, 8, low=-6, high=6)
            elif kind == "bce":
                y = leaf(3, 8, low=0.01, high=0.99)
            else:
                y = leaf(3, 8, low=-1, high=2)
            if kind == "mse":
                elements = (y - target) ** 2
            elif kind == "l1":
                elements = (y - target).abs()
            elif kind == "bce":
                p = y.clamp(1e-7, 1 - 1e-7)
                elements = -(target * torch.log(p) + (1 - target) * torch.log(1 - p))
            else:
                elements = F.binary_cross_entropy_with_logits(y, target, reduction="none")
            loss = elements.mean() if reduction == "meanPerElement" else elements.sum() / y.shape[0]
            loss.backward()
            cases.append({"kind": kind, "reduction": reduction, "y": values(y), "target": values(target),
                          "loss": float(loss.detach()), "dy": values(y.grad)})
    return cases


def optimizer_cases():
    """Two steps of each optimizer on a dense 5->4 sigmoid layer under MSE."""
    x, target = torch.rand(6, 5), torch.rand(6, 4)
    w0, b0 = torch.rand(5, 4) * 1.2 - 0.6, torch.rand(4) * 0.2 - 0.1
    makers = {
        "adam": lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8),
        "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-7),
    }
    lrs = {"adam": 0.01, "sgd": 0.1, "rmsprop": 0.01}
    cases = []
    for name, make in makers.items():
        w, b = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
        optimizer = make([w, b])
        steps = []
        for _ in range(2):
            optimizer.zero_grad()
            F.mse_loss(torch.sigmoid(x @ w + b), target).backward()
            optimizer.step()
            steps.append({"weight": values(w), "bias": values(b)})
        cases.append({"optimizer": name, "learningRate": lrs[name], "x": values(x), "target": values(target),
                      "weight": values(w0), "bias": values(b0), "steps": steps})
    return cases


def main():
    reference = {
        "generator": "scripts/reference/engine_reference.py",
        "torch": torch.__version__,
        "dense": dense_cases(),
        "activation": activation_cases(),
        "gaussian": gaussian_cases(),
        "sparsity": sparsity_cases(),
        "loss": loss_cases(),
        "optimizer": optimizer_cases(),
    }
    OUT.write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
