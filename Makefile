# Latent's everyday commands. Each one sets up what it needs (scripts/setup.sh is idempotent).
.PHONY: all setup build lab classroom test bench bench-compare compare-outputs lessons format clean

all: build

setup:
	scripts/setup.sh

build:
	swift build -c release

# JupyterLab with the Latent kernel on your working copy of Lessons/ (~/latent-lessons; prints the URL).
lab:
	scripts/lab.sh

# A JupyterHub for a class, on this machine's loopback, with learner accounts and Latent's kernel
# (scripts/classroom.sh; runs as root, through sudo when not); prints the URL and the password.
# How to run Latent for a real class: docs/classroom.md.
classroom:
	scripts/setup.sh
	scripts/classroom.sh

# Every test: Swift tests, then real Jupyter clients against the real kernel.
test:
	scripts/test.sh

# Benchmarks against PyTorch, scikit-learn and ipykernel, side by side, as ratios.
bench:
	scripts/bench.sh

# Before and after a change, in one run: the engine benchmarks with Latent built at BASE and at
# HEAD (default HEAD) beside PyTorch, alternating, best of each, with both ratios and HEAD/BASE.
HEAD ?= HEAD
bench-compare:
	@test -n "$(BASE)" || { echo "usage: make bench-compare BASE=REV [HEAD=REV]" >&2; exit 2; }
	scripts/setup.sh --bench
	scripts/bench-compare.sh $(BASE) $(HEAD)

# Does a change keep behaviour? Every golden script and lesson through the kernels built at BASE
# and HEAD, every output compared byte for byte (pictures included).
compare-outputs:
	@test -n "$(BASE)" || { echo "usage: make compare-outputs BASE=REV [HEAD=REV]" >&2; exit 2; }
	scripts/setup.sh
	scripts/compare-outputs.sh $(BASE) $(HEAD)

# Executed copies of the lessons, with outputs and as HTML, in build/lessons/.
lessons:
	scripts/setup.sh
	scripts/lessons/run_lessons.sh

format:
	swift format -i -r Package.swift Sources Tests bench

clean:
	rm -rf .build build
