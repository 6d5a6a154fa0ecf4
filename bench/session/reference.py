"""References for bench/session/run.sh, measured in the same run as Latent's figures.

  reference.py cell   -> median microseconds of ast.parse and of compile() for a 20-line Python cell
  reference.py mnist  -> seconds to load the four MNIST gzip files with gzip + numpy as float32 in [0, 1]
"""
import ast
import gzip
import json
import os
import statistics
import sys
import time

CELL = '''# a typical notebook cell
digits = small_test[0:16]
threes = small_train[labels == 3][0:8]
model = Sequential([
    Dense(250, activation="relu"),
    Dense(16, activation="tanh"),
    Dense(320, activation="relu"),
    Dense(784, activation="sigmoid"),
])
deep = Sequential([
    Dense(512, activation="relu"), Dropout(0.2),
    Dense(11),
    Dense(784),
])
torch.manual_seed(7)
print("ready:", len(digits), len(threes))
len(small)
whos()
del threes
help(seed)
'''


def cell(iterations):
    assert len(CELL.splitlines()) == 20
    parse_times, compile_times = [], []
    for _ in range(iterations):
        start = time.perf_counter()
        ast.parse(CELL)
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        compile(CELL, "<cell>", "exec")
        compile_times.append(time.perf_counter() - start)
    print(json.dumps({
        "python_ast_parse_us": statistics.median(parse_times) * 1e6,
        "python_compile_us": statistics.median(compile_times) * 1e6,
    }))


def mnist(directory):
    import numpy as np

    start = time.perf_counter()
    arrays = {}
    for name, offset in [("train-images-idx3-ubyte.gz", 16), ("train-labels-idx1-ubyte.gz", 8),
                         ("t10k-images-idx3-ubyte.gz", 16), ("t10k-labels-idx1-ubyte.gz", 8)]:
        with gzip.open(os.path.join(directory, name), "rb") as f:
            raw = np.frombuffer(f.read(), dtype=np.uint8, offset=offset)
        arrays[name] = raw.astype(np.float32) / 255.0 if offset == 16 else raw
    seconds = time.perf_counter() - start
    assert arrays["train-images-idx3-ubyte.gz"].size == 60000 * 784
    print(json.dumps({"numpy_mnist_load_seconds": seconds}))


if __name__ == "__main__":
    if sys.argv[1] == "cell":
        cell(int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
    else:
        mnist(sys.argv[2])
