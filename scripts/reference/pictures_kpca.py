"""Reference values for Pictures' PCA and KernelPCA: scikit-learn on fixed inputs.

Run once from the repository root: .venv/bin/python scripts/reference/pictures_kpca.py; writes
Tests/PicturesTests/Reference/kpca.json, which the Swift tests read (no Python needed there).
The inputs are made by a formula, stored in the JSON too, so both sides see the same numbers.
"""
import json
import math
import pathlib

import numpy as np
import sklearn
from sklearn.decomposition import PCA, KernelPCA


def points(n, d, shift):
    # Smooth but irregular values with a few clusters: enough structure for distinct eigenvalues.
    rows = []
    for i in range(n):
        cluster = i % 3
        rows.append([math.sin(0.37 * (i + 1) * (j + 1) + shift) * 0.6 + cluster * (0.5 if j % 2 else -0.3) + 0.05 * j
                     for j in range(d)])
    return np.array(rows, dtype=np.float64)


def kpca_case(name, x, **options):
    model = KernelPCA(n_components=2, **options)
    projected = model.fit_transform(x)
    return {
        "name": name,
        "input": x.tolist(),
        "kernel": options["kernel"],
        "gamma": options.get("gamma"),
        "projected": projected.tolist(),
        "eigenvalues": model.eigenvalues_.tolist(),
    }


def main():
    small = points(60, 5, 0.0)
    large = points(500, 8, 0.7)  # above 400 points Latent uses Lanczos instead of dense LAPACK
    cases = [
        kpca_case("rbf default gamma", small, kernel="rbf"),
        kpca_case("rbf gamma 0.5", small, kernel="rbf", gamma=0.5),
        kpca_case("poly default", small, kernel="poly"),
        kpca_case("rbf default gamma, 500 points", large, kernel="rbf"),
    ]
    pca = PCA(n_components=2, svd_solver="full").fit(small)
    out = {
        "generator": "scripts/reference/pictures_kpca.py",
        "sklearn": sklearn.__version__,
        "kernelpca": cases,
        "pca": {
            "input": small.tolist(),
            "projected": pca.transform(small).tolist(),
            "components": pca.components_.tolist(),
            "explained_variance": pca.explained_variance_.tolist(),
        },
    }
    path = pathlib.Path(__file__).resolve().parents[2] / "Tests/PicturesTests/Reference/kpca.json"
    path.write_text(json.dumps(out))
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
