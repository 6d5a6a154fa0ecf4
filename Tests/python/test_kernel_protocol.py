"""`latent kernel` through jupyter_client and raw ZeroMQ: interrupts, heartbeat during training,
hostile input, restart, several clients, stop_on_error, CurveZMQ and the ipc transport."""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import time

import pytest
import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

from latent_kernel_support import collect_until_idle, execute, kernel, latent_env, stdout_of  # noqa: F401

SETUP = """
small = mnist train 2000 test 200
model ae:
    dense 64 relu
    latent 8 tanh
    dense 784 sigmoid
"""
LONG_TRAINING = "train ae on small epochs 10000 batch 50"


def result_text(kc, code: str) -> str:
    reply, messages = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    assert results, [m["msg_type"] for m in messages]
    return results[0]["content"]["data"]["text/plain"]


def start_training(kc) -> str:
    """Starts the long training; returns its msg_id once its first progress display is out."""
    msg_id = kc.execute(LONG_TRAINING)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] in ("display_data", "update_display_data"):
            return msg_id
    raise AssertionError("training showed no progress")


def finish(kc, msg_id: str) -> tuple[dict, list[dict]]:
    reply = kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id
    return reply, collect_until_idle(kc, msg_id)


def epochs_of(kc) -> float:
    return float(result_text(kc, "ae.epochs"))


@pytest.mark.parametrize("how", ["interrupt_request", "SIGINT"])
def test_interrupt_stops_training_keeps_progress_and_the_kernel_lives(kernel, how):
    km, kc = kernel
    execute(kc, SETUP)
    execute(kc, "train ae on small epochs 1 batch 100")
    assert epochs_of(kc) == 1
    msg_id = start_training(kc)
    time.sleep(0.5)
    if how == "interrupt_request":
        km.interrupt_kernel()  # kernelspec interrupt_mode "message": interrupt_request on control
    else:
        km.signal_kernel(signal.SIGINT)
    reply, messages = finish(kc, msg_id)
    assert reply["content"]["status"] in ("ok", "error")
    assert "stopped" in stdout_of(messages)
    assert km.is_alive()
    # The progress display ends honest: the share of the asked-for batches that ran, not 100%.
    updates = [m for m in messages if m["msg_type"] == "update_display_data"]
    assert updates, "the progress display was never updated"
    final = updates[-1]["content"]["data"]["text/plain"]
    assert "interrupted at epoch" in final, final
    percent = int(re.search(r"\] (\d+)% ", final).group(1))
    assert percent < 100, final
    # The model kept what it learned before the interrupt: more than the first epoch, far
    # fewer than were asked for.
    assert 1 < epochs_of(kc) < 10000
    second, messages = execute(kc, 'print "still here"')
    assert second["content"]["status"] == "ok"
    assert "still here" in stdout_of(messages)
    # Training goes on from where it stopped.
    third, _ = execute(kc, "train ae epochs 1 batch 100")
    assert third["content"]["status"] == "ok"


@pytest.mark.parametrize(
    "code", ["embed data.train pca", "embed data.train[0:5000] kernelpca", "evaluate conv on data.train"]
)
def test_interrupt_stops_long_pictures_and_evaluation_and_changes_nothing(kernel, code):
    """Not only training: a projection of 60,000 images, KernelPCA of 5,000 and an evaluation
    of 60,000 stop at an interrupt as a KeyboardInterrupt, soon, and the names stay as they were."""
    km, kc = kernel
    execute(kc, "data = mnist\nmodel conv:\n    conv 16 kernel 3 stride 2 relu\n    flatten\n    latent 16\n"
                "    dense 3136 relu\n    reshape 14 14 16\n    deconv 1 kernel 3 stride 2 sigmoid")
    before = result_text(kc, "data")
    # Not stop_on_error: a request sent the moment the error's idle arrives could be aborted as
    # queued behind it (as in ipykernel), and the point here is the interrupt.
    msg_id = kc.execute(code, stop_on_error=False)
    time.sleep(0.4)
    started = time.monotonic()
    km.interrupt_kernel()
    reply, _ = finish(kc, msg_id)
    stopped_after = time.monotonic() - started
    assert reply["content"]["status"] == "error", reply["content"]
    assert reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    assert "changed nothing" in reply["content"]["evalue"]
    assert stopped_after < 2.0, f"{code} took {stopped_after:.2f} s to stop"
    assert result_text(kc, "data") == before
    assert km.is_alive()


def test_heartbeat_answers_quickly_while_training(kernel):
    km, kc = kernel
    execute(kc, SETUP)
    msg_id = start_training(kc)
    context = zmq.Context.instance()
    ping = context.socket(zmq.REQ)
    ping.linger = 0
    ping.connect(f"tcp://{km.ip}:{km.hb_port}")
    try:
        worst = 0.0
        for i in range(20):
            started = time.monotonic()
            ping.send(b"ping %d" % i)
            assert ping.poll(1000), "no heartbeat within a second"
            assert ping.recv() == b"ping %d" % i
            worst = max(worst, time.monotonic() - started)
            time.sleep(0.02)
        # A heartbeat blocked by the training would take seconds; jupyter_client calls a kernel
        # dead after 3 s. On a shared, loaded machine a free one has been seen at 100 ms.
        assert worst < 0.5, f"slowest heartbeat {worst * 1000:.1f} ms"
    finally:
        ping.close()
        km.interrupt_kernel()
        finish(kc, msg_id)


def bad_messages(session: Session, good_parts: list[bytes]) -> list[list[bytes]]:
    """100 frame lists the kernel must drop: wrong and missing signatures, truncated frame
    lists, no delimiter, broken JSON and non-object JSON correctly signed, unknown types."""
    bad = []
    sign = session.sign
    for i in range(100):
        kind = i % 8
        header, parent, metadata, content = good_parts
        if kind == 0:
            bad.append([b"<IDS|MSG>", b"0" * 64, header, parent, metadata, content])
        elif kind == 1:
            bad.append([b"<IDS|MSG>", b"", header, parent, metadata, content])
        elif kind == 2:
            bad.append([b"<IDS|MSG>", sign(good_parts)] + good_parts[: i % 4])
        elif kind == 3:
            bad.append([header, parent, metadata, content])
        elif kind == 4:
            parts = [b'{"msg_type": "execute_request", "msg_id": ', parent, metadata, content]
            bad.append([b"<IDS|MSG>", sign(parts)] + parts)
        elif kind == 5:
            parts = [b"[1, 2, 3]", parent, metadata, content]
            bad.append([b"<IDS|MSG>", sign(parts)] + parts)
        elif kind == 6:
            unknown = json.dumps({"msg_id": f"u{i}", "msg_type": "frobnicate_request", "session": "s",
                                  "username": "u", "date": "", "version": "5.4"}).encode()
            parts = [unknown, parent, metadata, content]
            bad.append([b"<IDS|MSG>", sign(parts)] + parts)
        else:
            tampered = content.replace(b"nobody", b"hacked")
            bad.append([b"<IDS|MSG>", sign(good_parts), header, parent, metadata, tampered])
    return bad


def test_bad_messages_are_dropped_and_good_ones_still_work(kernel):
    km, kc = kernel
    session = Session(key=km.session.key)
    msg = session.msg("execute_request", {"code": 'print "nobody"', "silent": False})
    parts = [session.pack(msg["header"]), session.pack(msg["parent_header"]), session.pack(msg["metadata"]),
             session.pack(msg["content"])]
    attacker = zmq.Context.instance().socket(zmq.DEALER)
    attacker.linger = 0
    attacker.connect(f"tcp://{km.ip}:{km.shell_port}")
    try:
        for frames in bad_messages(session, parts):
            attacker.send_multipart(frames)
        # The same signed message twice: the second is a replay.
        attacker.send_multipart([b"<IDS|MSG>", session.sign(parts)] + parts)
        attacker.send_multipart([b"<IDS|MSG>", session.sign(parts)] + parts)
        reply, messages = execute(kc, 'print "good"')
        assert reply["content"]["status"] == "ok"
        assert stdout_of(messages) == "good\n"
        # Exactly one answer reached the attacker's socket: the first, genuine copy.
        answers = []
        while attacker.poll(1000):
            answers.append(session.deserialize(session.feed_identities(attacker.recv_multipart())[1]))
        assert [a["msg_type"] for a in answers] == ["execute_reply"]
        assert km.is_alive()
    finally:
        attacker.close()


def test_stop_on_error_aborts_the_queued_cells(kernel):
    km, kc = kernel
    execute(kc, SETUP)
    # The failure comes after some work, so the next request is surely queued behind it.
    failing = kc.execute("train ae on small epochs 1 batch 50\nnosuchname")
    queued = kc.execute('print "never"')
    replies = {}
    while len(replies) < 2:
        reply = kc.get_shell_msg(timeout=30)
        replies[reply["parent_header"]["msg_id"]] = reply["content"]
    assert replies[failing]["status"] == "error"
    assert replies[queued]["status"] == "aborted"
    reply, messages = execute(kc, 'print "runs again"')
    assert stdout_of(messages) == "runs again\n"


def test_error_shows_the_caret_text(kernel):
    km, kc = kernel
    reply, messages = execute(kc, "dens 250 relu")
    errors = [m for m in messages if m["msg_type"] == "error"]
    assert len(errors) == 1
    traceback = "\n".join(errors[0]["content"]["traceback"])
    assert "dens 250 relu" in traceback and "^^^^" in traceback
    assert reply["content"]["traceback"] == errors[0]["content"]["traceback"]


def test_execution_counts_silent_and_store_history(kernel):
    km, kc = kernel
    first, _ = execute(kc, 'print "one"')
    silent, messages = execute(kc, 'print "quiet"', silent=True)
    assert [m["msg_type"] for m in messages] == ["status", "status"]
    unstored, _ = execute(kc, 'print "unstored"', store_history=False)
    second, _ = execute(kc, 'print "two"')
    count = first["content"]["execution_count"]
    assert silent["content"]["execution_count"] == count
    assert unstored["content"]["execution_count"] == count
    assert second["content"]["execution_count"] == count + 1


def test_training_shows_one_progress_display_updated_in_place(kernel):
    km, kc = kernel
    execute(kc, SETUP)
    reply, messages = execute(kc, "train ae on small epochs 2 batch 100")
    assert reply["content"]["status"] == "ok"
    displays = [m for m in messages if m["msg_type"] == "display_data" and m["content"].get("transient", {}).get("display_id")]
    assert displays, [m["msg_type"] for m in messages]
    display_id = displays[0]["content"]["transient"]["display_id"]
    updates = [m for m in messages if m["msg_type"] == "update_display_data"]
    assert all(u["content"]["transient"]["display_id"] == display_id for u in updates)


def test_restart_keeps_history_and_restarts_the_count(kernel):
    km, kc = kernel
    before, _ = execute(kc, 'print "before restart"')
    old_session = kc.history(hist_access_type="tail", n=1, reply=True)["content"]["history"][-1][0]
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    after, messages = execute(kc, 'print "after restart"')
    assert stdout_of(messages) == "after restart\n"
    assert after["content"]["execution_count"] == 1
    history = kc.history(hist_access_type="tail", n=2, reply=True)["content"]["history"]
    assert [h[2] for h in history] == ['print "before restart"', 'print "after restart"']
    assert history[1][0] == old_session + 1


def test_shutdown_echoes_the_restart_flag(latent_env):
    km = KernelManager(kernel_name="latent")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        msg_id = kc.shutdown(restart=True)
        reply = kc.get_control_msg(timeout=10) if hasattr(kc, "get_control_msg") else kc.control_channel.get_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"] == {"status": "ok", "restart": True}
        deadline = time.monotonic() + 10
        while km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not km.is_alive(), "the kernel did not exit after shutdown_request"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_two_clients_both_see_iopub(kernel):
    km, kc = kernel
    # A second frontend has its own session (and so its own ROUTER identity).
    other = km.client(session=Session(key=km.session.key))
    other.start_channels()
    try:
        other.wait_for_ready(timeout=30)
        msg_id = kc.execute('print "for everyone"')
        kc.get_shell_msg(timeout=30)
        for client in (kc, other):
            assert stdout_of(collect_until_idle(client, msg_id)) == "for everyone\n"
    finally:
        other.stop_channels()


def run_one_cell(km: KernelManager, code: str) -> str:
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        reply, messages = execute(kc, code)
        assert reply["content"]["status"] == "ok"
        return stdout_of(messages)
    finally:
        kc.stop_channels()


def test_curve_encryption_when_required(latent_env):
    km = KernelManager(kernel_name="latent", transport_encryption="required")
    km.start_kernel()
    try:
        info = json.loads(open(km.connection_file).read())
        assert len(info["curve_publickey"]) == 40 and len(info["curve_secretkey"]) == 40
        assert run_one_cell(km, 'print "encrypted"') == "encrypted\n"
        # A client without the server's key gets nothing back.
        plain = zmq.Context.instance().socket(zmq.DEALER)
        plain.linger = 0
        plain.connect(f"tcp://{km.ip}:{km.shell_port}")
        session = Session(key=km.session.key)
        session.send(plain, "kernel_info_request", {})
        assert not plain.poll(1500), "a client without CurveZMQ keys was answered"
        plain.close()
        assert km.is_alive()
    finally:
        km.shutdown_kernel(now=False)


def test_ipc_transport(latent_env, tmp_path):
    km = KernelManager(kernel_name="latent", transport="ipc", ip=str(tmp_path / "latent-ipc"))
    km.start_kernel()
    try:
        assert run_one_cell(km, 'print "over ipc"') == "over ipc\n"
    finally:
        km.shutdown_kernel(now=False)


def test_kernel_exits_when_its_launcher_dies(latent_env, tmp_path):
    from jupyter_client.connect import write_connection_file

    from latent_kernel_support import latent_binary

    connection, _ = write_connection_file(str(tmp_path / "orphan.json"))
    # A launcher that starts the kernel, reports its pid, and dies at once.
    launcher = subprocess.run(
        ["sh", "-c", f'"{latent_binary()}" kernel "{connection}" >/dev/null 2>&1 & echo $!; sleep 1'],
        capture_output=True, text=True, check=True)
    pid = int(launcher.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("an orphaned kernel kept running")


def test_kernel_info_links_to_the_lessons_and_the_reference(kernel):
    km, kc = kernel
    info = kc.kernel_info(reply=True)["content"]
    assert info["protocol_version"] == "5.4"
    assert info["language_info"]["mimetype"] == "text/x-latent"
    texts = [link["text"] for link in info["help_links"]]
    assert texts == ["Latent lessons", "Latent language reference"]
    assert info["help_links"][1]["url"].endswith("docs/language.md")
