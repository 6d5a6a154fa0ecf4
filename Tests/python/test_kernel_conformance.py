"""The Jupyter protocol's own conformance suite (jupyter_kernel_test) against `latent kernel`,
with every sample that applies to the lesson language filled in."""
from __future__ import annotations

import os
import tempfile
import unittest
from pathlib import Path

import jupyter_kernel_test

from latent_kernel_support import install_kernelspec, isolate_jupyter

_saved_environment: dict[str, str | None] = {}


def setUpModule() -> None:
    # Only the freshly built kernelspec is visible, and history goes to a throw-away file.
    scratch = Path(tempfile.mkdtemp(prefix="latent-conformance-"))
    changes = isolate_jupyter(install_kernelspec(scratch), scratch / "history.jsonl")
    for key, value in changes.items():
        _saved_environment[key] = os.environ.get(key)
        os.environ[key] = value


def tearDownModule() -> None:
    for key, value in _saved_environment.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


class LatentKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "latent"
    language_name = "latent"
    file_extension = ".latent"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # Names the samples below refer to.
        cls.kc.execute_interactive("tiny = mnist train 100 test 20", timeout=60)

    code_hello_world = 'print "hello, world"'

    completion_samples = [
        {"text": "trai", "matches": {"train"}},
        {"text": "print tin", "matches": {"tiny"}},
    ]

    # A model block with layers is closed by one empty or auto-indented last line (as a console
    # sends it on Enter); a header without layers and an open string wait for more.
    block = "model ae:\n    dense 32 relu\n    latent 4\n    dense 784 sigmoid\n"
    complete_code_samples = ["who", 'print "done"', block, block + "    ", block + "\n"]
    incomplete_code_samples = ["model ae:", "model ae:\n", "model ae:\n    ", "model ae:\n    dense 32 relu", 'print "no end']
    invalid_code_samples = ["print )", "dens 250 relu"]

    code_generate_error = "dens 250 relu"

    code_execute_result = [
        {"code": "tiny.count", "result": "120"},
        {"code": "tiny.train.count", "result": "100"},
    ]

    code_display_data = [
        {"code": "show tiny.test[0:4]", "mime": "image/png"},
    ]

    code_history_pattern = "tiny.train*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "train"


class LatentIopubWelcomeTests(jupyter_kernel_test.IopubWelcomeTests):
    kernel_name = "latent"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
