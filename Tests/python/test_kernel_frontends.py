"""Real frontends on `latent kernel`: a multi-cell notebook through nbclient, and a model block
typed over several lines into `jupyter console` (prompt_toolkit asks is_complete after each line)."""
from __future__ import annotations

import os
import sys

import nbformat
import pexpect
from nbclient import NotebookClient

from latent_kernel_support import VENV_BIN, latent_env  # noqa: F401


def test_notebook_runs_cell_after_cell(latent_env, tmp_path):
    cells = [
        "tiny = mnist train 200 test 50",
        "model ae:\n    dense 32 relu\n    latent 4 tanh\n    dense 784 sigmoid",
        "train ae on tiny epochs 1 batch 50",
        'print "epochs" ae.epochs',
        "tiny.count",
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={"kernelspec": {"name": "latent", "display_name": "Latent", "language": "latent"}},
    )
    NotebookClient(notebook, kernel_name="latent", timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    counts = [cell.execution_count for cell in notebook.cells]
    assert counts == [1, 2, 3, 4, 5]
    printed = "".join(o.get("text", "") for o in notebook.cells[3].outputs if o.output_type == "stream")
    assert printed.strip() == "epochs 1"
    result = [o for o in notebook.cells[4].outputs if o.output_type == "execute_result"]
    assert result and result[0].data["text/plain"] == "250"
    # nbformat accepts what the kernel produced.
    nbformat.validate(notebook)


def prompt(n):
    """The console's `In [n]:`, its colours between the characters."""
    colour = r"(?:\x1b\[[0-9;]*m)*"
    return rf"In \[{colour}{n}{colour}\]"


def test_console_takes_a_model_block_over_several_lines(latent_env):
    # The full prompt_toolkit console: on Enter it asks is_complete, and while the answer is
    # "incomplete" it opens a new line with the kernel's indent instead of running the cell.
    console = pexpect.spawn(
        str(VENV_BIN / "jupyter"), ["console", "--kernel", "latent"],
        env=dict(os.environ, TERM="xterm"), encoding="utf-8", timeout=60, dimensions=(50, 200))
    console.logfile_read = sys.stdout
    try:
        console.expect(r"In \[.*1.*\]")
        console.send("model ae:\r")
        for layer in ("dense 32 relu", "latent 4 tanh", "dense 784 sigmoid"):
            console.expect(r"\.\.\.:")
            console.send(layer + "\r")  # the console has already indented the line
        # As in IPython: one Enter on the empty (auto-indented) continuation line runs the block.
        console.expect(r"\.\.\.:")
        console.send("\r")
        console.expect("model ae: 3 layers")  # the block ran, not a fifth continuation line
        console.expect(prompt(2))
        console.send("summary ae\r")
        console.expect(prompt(3))
        assert "latent" in console.before and "not a statement" not in console.before
        console.send('print "bye"\r')
        console.expect("bye")
        console.expect(prompt(4))
    finally:
        console.close(force=True)
