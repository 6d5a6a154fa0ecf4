"""`explore` through real Jupyter clients: jupyter_client speaks the widget protocol (ipywidgets
2.1) to the kernel, and nbclient saves the widgets' state into the notebook it executes."""
from __future__ import annotations

import base64
import time
import uuid

import nbformat
import pytest
from nbclient import NotebookClient

from latent_kernel_support import collect_until_idle, execute, kernel, latent_env  # noqa: F401

SETUP = """
small = mnist train 2000 test 200
model ae:
    dense 64 relu
    latent 4
    dense 784 sigmoid
train ae on small epochs 1 batch 50
"""
PNG = b"\x89PNG\r\n\x1a\n"
VIEW = "application/vnd.jupyter.widget-view+json"


def explore(kc, code: str = "explore ae") -> tuple[dict, dict[str, dict]]:
    """Runs `code`; returns its display_data and its comm_opens by comm id."""
    reply, messages = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    opens = {m["content"]["comm_id"]: m for m in messages if m["msg_type"] == "comm_open"}
    displays = [m for m in messages if m["msg_type"] == "display_data"]
    assert len(displays) == 1, [m["msg_type"] for m in messages]
    return displays[0], opens


def of_model(opens: dict[str, dict], name: str) -> list[dict]:
    return [m for m in opens.values() if m["content"]["data"]["state"]["_model_name"] == name]


def comm_msg(kc, comm_id: str, data: dict, buffers: list[bytes] | None = None) -> str:
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
    kc.shell_channel.send(msg) if not buffers else kc.session.send(
        kc.shell_channel.socket, msg, buffers=buffers)
    return msg["header"]["msg_id"]


def comm_msgs(kc, msg_id: str) -> list[dict]:
    return [m for m in collect_until_idle(kc, msg_id) if m["msg_type"] == "comm_msg"]


@pytest.fixture
def trained(kernel):
    km, kc = kernel
    reply, _ = execute(kc, SETUP, timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    return kc


def test_explore_opens_widgets_and_a_slider_redraws_the_digit(trained):
    kc = trained
    display, opens = explore(kc)
    data = display["content"]["data"]
    root = data[VIEW]["model_id"]
    assert data[VIEW]["version_major"] == 2
    assert root in opens
    assert base64.b64decode(data["image/png"]).startswith(PNG), "a still picture for frontends without widgets"
    assert "explore ae" in data["text/plain"]
    for m in opens.values():
        assert m["content"]["target_name"] == "jupyter.widget"
        assert m["metadata"]["version"] == "2.1.0"
    sliders = of_model(opens, "FloatSliderModel")
    assert len(sliders) == 4, "one per coordinate of the 4-d code"
    picker = of_model(opens, "IntSliderModel")[0]
    assert picker["content"]["data"]["state"]["max"] == 199, "the 200 test digits"
    (image,) = of_model(opens, "ImageModel")
    assert image["content"]["data"]["buffer_paths"] == [["value"]]
    first = image["buffers"][0].tobytes()
    assert first.startswith(PNG)

    slider = sliders[0]["content"]
    state = slider["data"]["state"]
    target = state["max"] - (state["max"] - state["min"]) / 10
    msg_id = comm_msg(kc, slider["comm_id"], {"method": "update", "state": {"value": target}, "buffer_paths": []})
    answers = comm_msgs(kc, msg_id)
    assert [m["content"]["data"]["method"] for m in answers] == ["echo_update", "update"]
    assert answers[0]["content"]["comm_id"] == slider["comm_id"]
    assert answers[0]["content"]["data"]["state"] == {"value": target}
    assert answers[1]["content"]["comm_id"] == image["content"]["comm_id"]
    assert answers[1]["content"]["data"]["buffer_paths"] == [["value"]]
    redrawn = answers[1]["buffers"][0].tobytes()
    assert redrawn.startswith(PNG) and redrawn != first

    # request_state answers with the whole state, the new picture as its buffer.
    msg_id = comm_msg(kc, image["content"]["comm_id"], {"method": "request_state"})
    (answer,) = comm_msgs(kc, msg_id)
    assert answer["content"]["data"]["method"] == "update"
    assert answer["content"]["data"]["state"]["_model_name"] == "ImageModel"
    assert answer["content"]["data"]["state"]["_model_module_version"] == "2.0.0"
    assert answer["buffers"][0].tobytes() == redrawn

    # The picker sets the sliders to a test digit's code, then draws it.
    msg_id = comm_msg(kc, picker["content"]["comm_id"], {"method": "update", "state": {"value": 5}})
    answers = comm_msgs(kc, msg_id)
    moved = {m["content"]["comm_id"] for m in answers if m["content"]["data"]["method"] == "update"}
    assert {s["content"]["comm_id"] for s in sliders} <= moved
    assert image["content"]["comm_id"] in moved


def test_comm_info_and_the_control_comm_give_the_widgets_back(trained):
    kc = trained
    _, opens = explore(kc)
    reply = kc.comm_info(target_name="jupyter.widget", reply=True)
    comms = reply["content"]["comms"]
    assert set(opens) <= set(comms)
    assert all(c["target_name"] == "jupyter.widget" for c in comms.values())
    assert kc.comm_info(target_name="no.such.target", reply=True)["content"]["comms"] == {}

    # As JupyterLab does on a page reload: open the control comm, ask for every state.
    control = uuid.uuid4().hex
    msg = kc.session.msg("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}})
    kc.shell_channel.send(msg)
    collect_until_idle(kc, msg["header"]["msg_id"])
    assert control in kc.comm_info(target_name="jupyter.widget.control", reply=True)["content"]["comms"]
    msg_id = comm_msg(kc, control, {"method": "request_states"})
    (answer,) = comm_msgs(kc, msg_id)
    data = answer["content"]["data"]
    assert data["method"] == "update_states"
    assert set(opens) <= set(data["states"])
    image_id = of_model(opens, "ImageModel")[0]["content"]["comm_id"]
    assert data["states"][image_id]["model_name"] == "ImageModel"
    assert [image_id, "state", "value"] in data["buffer_paths"]
    index = data["buffer_paths"].index([image_id, "state", "value"])
    assert answer["buffers"][index].tobytes().startswith(PNG)


def test_a_flood_of_slider_updates_is_coalesced_and_the_last_value_drawn(trained):
    kc = trained
    _, opens = explore(kc)
    slider = of_model(opens, "FloatSliderModel")[1]["content"]
    image_id = of_model(opens, "ImageModel")[0]["content"]["comm_id"]
    state = slider["data"]["state"]
    values = [state["min"] + (state["max"] - state["min"]) * i / 200 for i in range(200)]
    ids = [comm_msg(kc, slider["comm_id"], {"method": "update", "state": {"value": v}}) for v in values]
    pictures = []
    for msg_id in ids:
        pictures += [m for m in comm_msgs(kc, msg_id) if m["content"]["comm_id"] == image_id]
    assert 1 <= len(pictures) < len(ids), "a burst is drawn fewer times than it has updates"
    assert pictures[-1]["parent_header"]["msg_id"] == ids[-1], "the last value is always drawn"
    # The kernel and the session carry on.
    reply, _ = execute(kc, "ae.epochs")
    assert reply["content"]["status"] == "ok"


def test_vscode_probe_is_a_quiet_error_that_leaves_no_trace(kernel):
    km, kc = kernel
    reply, _ = execute(kc, "1")
    count = reply["content"]["execution_count"]
    msg_id = kc.execute("import ipywidgets", silent=True, store_history=False)
    reply = kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    probe = collect_until_idle(kc, msg_id)
    assert [m["msg_type"] for m in probe] == ["status", "status"], "nothing published"
    reply, _ = execute(kc, "1")
    assert reply["content"]["execution_count"] == count + 1
    history = kc.history(hist_access_type="tail", n=10, reply=True)["content"]["history"]
    assert not any("ipywidgets" in entry[2] for entry in history)


def test_nbclient_saves_the_widget_state_into_the_notebook(latent_env, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "latent", "display_name": "Latent", "language": "latent"}
    nb.cells = [nbformat.v4.new_code_cell(SETUP.strip()), nbformat.v4.new_code_cell("explore ae dims 1:3")]
    NotebookClient(nb, timeout=180, kernel_name="latent", resources={"metadata": {"path": str(tmp_path)}}).execute()
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    assert state["version_major"] == 2
    models = state["state"]
    outputs = nb.cells[1].outputs
    view = next(o for o in outputs if VIEW in o.get("data", {}))
    assert view["data"][VIEW]["model_id"] in models
    assert base64.b64decode(view["data"]["image/png"]).startswith(PNG)
    names = [m["model_name"] for m in models.values()]
    assert names.count("FloatSliderModel") == 2, "dims 1:3 gives coordinates 1 and 2"
    labels = sorted(m["state"]["description"] for m in models.values() if m["model_name"] == "FloatSliderModel")
    assert labels == ["code 1", "code 2"]
    (image,) = [m for m in models.values() if m["model_name"] == "ImageModel"]
    assert image["model_module"] == "@jupyter-widgets/controls" and image["model_module_version"] == "2.0.0"
    buffers = {tuple(b["path"]): b for b in image.get("buffers", [])}
    assert base64.b64decode(buffers[("value",)]["data"]).startswith(PNG)


def tsne_panel(kc, code: str) -> tuple[dict, dict, dict]:
    """Runs a t-SNE `code`; returns its display's data, its perplexity slider and its image's comm_open."""
    display, opens = explore(kc, code)
    (slider,) = of_model(opens, "FloatSliderModel")
    (image,) = of_model(opens, "ImageModel")
    return display["content"]["data"], slider["content"], image


def test_a_tsne_embedding_gets_a_perplexity_slider_that_runs_tsne_again(kernel):
    km, kc = kernel
    reply, _ = execute(kc, "data = mnist train 100 test 300", timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    data, slider, image = tsne_panel(kc, "embed data.test[0:300] tsne")
    assert data["image/svg+xml"].startswith("<svg"), "the still picture for frontends without widgets"
    assert "t-SNE (perplexity 30)" in data["text/plain"]
    state = slider["data"]["state"]
    assert (state["description"], state["min"], state["max"], state["value"]) == ("perplexity", 5, 50, 30)
    assert state["continuous_update"] is False, "t-SNE runs again when the slider is let go"
    assert image["content"]["data"]["state"]["format"] == "svg+xml"
    first = image["buffers"][0].tobytes()
    assert first.decode() == data["image/svg+xml"], "the panel shows the still picture"

    msg_id = comm_msg(kc, slider["comm_id"], {"method": "update", "state": {"value": 10}, "buffer_paths": []})
    answers = comm_msgs(kc, msg_id)
    assert [m["content"]["data"]["method"] for m in answers] == ["echo_update", "update"]
    assert answers[1]["content"]["comm_id"] == image["content"]["comm_id"]
    assert answers[1]["content"]["data"]["state"]["format"] == "svg+xml"
    redrawn = answers[1]["buffers"][0].tobytes()
    assert redrawn != first and b"t-SNE (perplexity 10)" in redrawn

    # Out of range is clamped to the slider's end; what is not a number changes nothing.
    msg_id = comm_msg(kc, slider["comm_id"], {"method": "update", "state": {"value": 500}})
    answers = comm_msgs(kc, msg_id)
    assert answers[0]["content"]["data"] == {"method": "echo_update", "state": {"value": 50}, "buffer_paths": []}
    assert b"t-SNE (perplexity 50)" in answers[1]["buffers"][0].tobytes()
    msg_id = comm_msg(kc, slider["comm_id"], {"method": "update", "state": {"value": "many"}})
    assert comm_msgs(kc, msg_id) == []


def test_an_interrupt_stops_the_tsne_a_slider_started(kernel):
    km, kc = kernel
    reply, _ = execute(kc, "data = mnist train 100 test 300", timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    # The statement itself is interrupted; the slider's t-SNE still runs (the flag is lowered
    # for it, as for a cell) until it is interrupted in turn.
    msg_id = kc.execute("embed data.test[0:300] tsne iterations 100000")
    time.sleep(1.5)
    km.interrupt_kernel()
    messages = collect_until_idle(kc, msg_id)
    assert kc.get_shell_msg(timeout=30)["content"]["status"] == "ok"
    (display,) = [m for m in messages if m["msg_type"] == "display_data"]
    assert ", interrupted" in display["content"]["data"]["text/plain"]
    opens = {m["content"]["comm_id"]: m for m in messages if m["msg_type"] == "comm_open"}
    (slider,) = of_model(opens, "FloatSliderModel")
    msg_id = comm_msg(kc, slider["content"]["comm_id"], {"method": "update", "state": {"value": 12}})
    time.sleep(1.5)
    started = time.monotonic()
    km.interrupt_kernel()
    answers = comm_msgs(kc, msg_id)
    assert time.monotonic() - started < 10, "100000 iterations were not run"
    assert [m["content"]["data"]["method"] for m in answers] == ["echo_update", "update"]
    assert b"t-SNE (perplexity 12)" in answers[1]["buffers"][0].tobytes()
    reply, _ = execute(kc, "data")
    assert reply["content"]["status"] == "ok"
