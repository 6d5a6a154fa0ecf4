# Latent's everyday commands. Each one sets up what it needs (scripts/setup.sh is idempotent).
.PHONY: all setup build lab test bench lessons format clean

all: build

setup:
	scripts/setup.sh

build:
	swift build -c release

# JupyterLab with the Latent kernel on your working copy of Lessons/ (~/latent-lessons; prints the URL).
lab:
	scripts/lab.sh

# Every test: Swift tests, then real Jupyter clients against the real kernel.
test:
	scripts/test.sh

# Benchmarks against PyTorch, scikit-learn and ipykernel, side by side, as ratios.
bench:
	scripts/bench.sh

# Executed copies of the lessons, with outputs and as HTML, in build/lessons/.
lessons:
	scripts/setup.sh
	scripts/lessons/run_lessons.sh

format:
	swift format -i -r Package.swift Sources Tests bench

clean:
	rm -rf .build build
