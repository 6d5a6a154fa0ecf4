"""Bad widget input against the real kernel (issue 14): comm messages for comms that are not
open, a wrong type in every state field of every model, huge buffers, and a flood of updates.
Each is refused or ignored with a log line; the kernel and the session survive, and the
widgets still answer."""
from __future__ import annotations

import contextlib
import time

from hostile_support import REFUSAL, kernel_pid, log_lines, logged_kernel, settled_rss_kb
from latent_kernel_support import collect_until_idle, execute, latent_env  # noqa: F401
from test_widgets import PNG, SETUP, comm_msg, comm_msgs, explore, of_model

MIB = 1 << 20
WRONG_VALUES = ["seven", None, True, [1, 2], {"a": 1}, ""]


@contextlib.contextmanager
def explored_kernel(log_path):
    """A kernel logging to `log_path` with a trained model explored: (km, kc, the comm_opens)."""
    with logged_kernel(log_path) as (km, kc):
        reply, _ = execute(kc, SETUP, timeout=120)
        assert reply["content"]["status"] == "ok"
        _, opens = explore(kc)
        yield km, kc, opens


def send_and_settle(kc, comm_id: str, data: dict, buffers=None) -> list[dict]:
    return comm_msgs(kc, comm_msg(kc, comm_id, data, buffers))


def test_bad_widget_messages_are_ignored_with_a_log_line_and_the_widgets_survive(latent_env, tmp_path):
    log_path = tmp_path / "kernel.log"
    with explored_kernel(log_path) as (km, kc, opens):
        image_id = of_model(opens, "ImageModel")[0]["content"]["comm_id"]
        slider = of_model(opens, "FloatSliderModel")[0]["content"]
        lines_before = len(log_lines(log_path))

        # Comms that are not open, and methods no one knows.
        assert send_and_settle(kc, "no-such-comm", {"method": "update", "state": {"value": 1}}) == []
        assert send_and_settle(kc, slider["comm_id"], {"method": "explode"}) == []
        assert send_and_settle(kc, slider["comm_id"], {"method": None}) == []
        msg = kc.session.msg("comm_close", {"comm_id": "no-such-comm", "data": {}})
        kc.shell_channel.send(msg)
        collect_until_idle(kc, msg["header"]["msg_id"])

        # A wrong type in every state field of every model the panel opened.
        sent = 0
        for model in opens.values():
            for key in model["content"]["data"]["state"]:
                for wrong in WRONG_VALUES:
                    answers = send_and_settle(kc, model["content"]["comm_id"],
                                              {"method": "update", "state": {key: wrong}})
                    sent += 1
                    assert answers == [], (key, wrong, answers)
        # Not a state at all; buffers where none belong, one of them huge.
        assert send_and_settle(kc, slider["comm_id"], {"method": "update", "state": [1, 2]}) == []
        big = send_and_settle(kc, image_id, {"method": "update", "state": {}, "buffer_paths": [["value"]]},
                              buffers=[b"\0" * (32 * MIB)])
        assert big == []
        refusals = [line for line in log_lines(log_path)[lines_before:] if REFUSAL.match(line)]
        assert len(refusals) >= sent + 5, f"one log line each: {len(refusals)} for {sent + 5} bad messages"

        # The widgets and the session still work: a good update redraws, the image kept its state.
        (state,) = send_and_settle(kc, image_id, {"method": "request_state"})
        assert state["buffers"][0].tobytes().startswith(PNG)
        assert state["content"]["data"]["state"]["format"] == "png"
        answers = send_and_settle(kc, slider["comm_id"], {"method": "update", "state": {"value": slider["data"]["state"]["max"]}})
        assert [m["content"]["data"]["method"] for m in answers] == ["echo_update", "update"]
        reply, _ = execute(kc, "ae.epochs")
        assert reply["content"]["status"] == "ok"


def test_a_flood_of_updates_neither_grows_the_kernel_nor_loses_the_last_value(latent_env, tmp_path):
    with explored_kernel(tmp_path / "kernel.log") as (km, kc, opens):
        sliders = of_model(opens, "FloatSliderModel")
        image_id = of_model(opens, "ImageModel")[0]["content"]["comm_id"]
        pid = kernel_pid(km)
        before = settled_rss_kb(pid)
        started = time.monotonic()
        # In bursts of 100 sent at once: the client reads iopub between them (a blocking client
        # reads nothing while it sends, and past 1000 unread messages its socket drops more).
        sent = pictures = 0
        last_drawn = True
        for burst in range(30):
            ids = []
            for i in range(burst * 100, burst * 100 + 100):
                slider = sliders[i % len(sliders)]["content"]
                low, high = slider["data"]["state"]["min"], slider["data"]["state"]["max"]
                ids.append(comm_msg(kc, slider["comm_id"], {"method": "update",
                                                            "state": {"value": low + (high - low) * (i % 97) / 96}}))
            drawn = [msg_id for msg_id in ids
                     if any(m["content"]["comm_id"] == image_id for m in comm_msgs(kc, msg_id))]
            sent += len(ids)
            pictures += len(drawn)
            last_drawn = last_drawn and drawn[-1:] == ids[-1:]
        seconds = time.monotonic() - started
        after = settled_rss_kb(pid)
        assert pictures < sent, "updates that queue up are drawn once"
        assert last_drawn, "the last update of every burst is drawn"
        assert after - before < 64 * 1024, f"the kernel grew by {(after - before) // 1024} MiB"
        reply, _ = execute(kc, "ae.epochs")
        assert reply["content"]["status"] == "ok"
        print(f"3000 updates answered in {seconds:.1f} s with {pictures} pictures")
