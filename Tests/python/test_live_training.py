"""`train`'s live display through real clients: one display_data with a display_id, then
update_display_data messages with the same id (at most 4 a second) whose HTML holds the loss
chart, the digit strip and a 2-D code's map; nbclient keeps the final state in the notebook;
`jupyter console` prints the text line only; `live off` keeps the compact bar."""
from __future__ import annotations

import re
import sys
from datetime import datetime

import nbformat
import pexpect
from nbclient import NotebookClient

from latent_kernel_support import VENV_BIN, execute, kernel, latent_env  # noqa: F401

SETUP = """
small = mnist train 6000 test 1000
seed 1
model flat:
    dense 64 relu
    latent 2
    dense 784 sigmoid
"""
# Some 3 s (epochs of 0.2 s on 2 cores): enough updates to count.
TRAIN = "train flat on small epochs 12 batch 20"


def display_messages(messages):
    return [m for m in messages if m["msg_type"] in ("display_data", "update_display_data")
            and m["content"].get("transient", {}).get("display_id", "").startswith("latent-train")]


def sent_at(message) -> float:
    """The kernel's send time (jupyter_client reads the header's date into a datetime)."""
    date = message["header"]["date"]
    if isinstance(date, str):
        date = datetime.fromisoformat(date.replace("Z", "+00:00"))
    return date.timestamp()


def test_train_sends_one_display_then_updates_of_it_at_most_four_a_second(kernel):
    km, kc = kernel
    execute(kc, SETUP)
    reply, messages = execute(kc, TRAIN, timeout=180)
    assert reply["content"]["status"] == "ok"
    shown = display_messages(messages)
    assert [m["msg_type"] for m in shown[:1]] == ["display_data"]
    assert all(m["msg_type"] == "update_display_data" for m in shown[1:])
    display_id = shown[0]["content"]["transient"]["display_id"]
    assert all(m["content"]["transient"]["display_id"] == display_id for m in shown)
    assert len(shown) >= 3, f"{len(shown)} messages: the run was too short to see it grow"
    # At most 4 a second: each message of the display a quarter second or more after the one
    # before it (the kernel's own send times, which have microseconds), so no second holds 5.
    times = [sent_at(m) for m in shown]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.249, gaps
    for t in times:
        assert sum(1 for u in times if t <= u < t + 1) <= 4
    # The chart grows: its lines (the train loss's, thinned to at most 400 points, and the test
    # loss's, a point an epoch) have more points in each later update.
    def line_points(html: str) -> int:
        return sum(len(points.split()) for points in re.findall(r'<polyline points="([^"]*)"', html))

    points = [line_points(m["content"]["data"]["text/html"]) for m in shown[1:]]
    assert points == sorted(points) and points[-1] > points[0], points
    final = shown[-1]["content"]["data"]
    html = final["text/html"]
    assert "loss of flat as it trains" in html and "test, each epoch" in html
    assert "8 test digits (top)" in html and 'src="data:image/png;base64,' in html
    assert "codes of 500 test digits" in html and html.count("<circle") >= 500
    assert final["text/plain"].startswith("[####################] 100% training flat on small: done")
    assert set(final) == {"text/plain", "text/html"}


def test_live_off_keeps_the_compact_bar(kernel):
    km, kc = kernel
    execute(kc, SETUP)
    reply, messages = execute(kc, "live off")
    assert reply["content"]["status"] == "ok"
    reply, messages = execute(kc, "train flat on small epochs 1")
    assert reply["content"]["status"] == "ok"
    final = display_messages(messages)[-1]["content"]["data"]
    assert "done" in final["text/plain"]
    assert "latent-progress" in final["text/html"] and "<svg" not in final["text/html"]


def test_the_saved_notebook_keeps_the_final_state(latent_env, tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(SETUP.strip()), nbformat.v4.new_code_cell("train flat on small epochs 2")],
        metadata={"kernelspec": {"name": "latent", "display_name": "Latent", "language": "latent"}},
    )
    NotebookClient(notebook, kernel_name="latent", timeout=180,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    path = tmp_path / "live.ipynb"
    nbformat.write(notebook, path)
    saved = nbformat.read(path, as_version=4)
    displays = [o for o in saved.cells[1].outputs if o.output_type == "display_data"]
    # One output for the whole run (updated in place), then the epoch table.
    live = [o for o in displays if "training flat" in o.data["text/plain"]]
    assert len(live) == 1, [o.data["text/plain"][:60] for o in displays]
    data = live[0].data
    assert "training flat on small: done" in data["text/plain"]
    assert "loss of flat as it trains" in data["text/html"]
    assert "codes of 500 test digits" in data["text/html"]
    assert 'src="data:image/png;base64,' in data["text/html"]
    nbformat.validate(saved)


def test_jupyter_console_prints_the_text_line_only(latent_env):
    console = pexpect.spawn(str(VENV_BIN / "jupyter"), ["console", "--kernel", "latent"],
                            encoding="utf-8", timeout=120, dimensions=(40, 200))
    console.logfile_read = sys.stdout
    try:
        console.expect(r"In \[")
        console.send("small = mnist train 2000 test 500\r")
        console.expect("2,000 train")
        console.send("model flat:\r")
        for layer in ("dense 32 relu", "latent 2", "dense 784 sigmoid"):
            console.expect(r"\.\.\.:")
            console.send(layer + "\r")
        console.expect(r"\.\.\.:")
        console.send("\r")
        console.expect("model flat: 3 layers")
        console.expect(r"In \[")
        console.send("train flat on small epochs 2\r")
        console.expect("training flat on small: starting")
        console.expect(r"In \[")
        printed = console.before  # from the progress line to the next prompt
        assert "test loss" in printed, printed
        assert "<svg" not in printed and "<div" not in printed and "base64" not in printed
    finally:
        console.close(force=True)
