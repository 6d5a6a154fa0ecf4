"""Hostile protocol input against the real kernel through raw pyzmq and jupyter_client: a fuzz run
of random and mutated multipart messages on shell, control, stdin and the heartbeat, and a flood
of 1,500 one-megabyte messages on stdin. The kernel stays up, answers a good request afterwards,
logs one line for every message it refuses, and its memory stays flat (issue 15).

The fuzz run is bounded in time: $LATENT_FUZZ_SECONDS (default 40) after a warm-up that sends
every kind of message twice and then fuzzes for half that time."""
from __future__ import annotations

import json
import os
import queue
import random
import time
from collections import Counter, deque
from pathlib import Path

import pytest
import zmq
from jupyter_client.session import Session

from hostile_support import (REFUSAL, flood, kernel_pid, log_lines, logged_kernel, rss_kb, settled_rss_kb,
                             signed, socket_to, stdin_flood)
from latent_kernel_support import execute, latent_env, stdout_of  # noqa: F401

FUZZ_SECONDS = float(os.environ.get("LATENT_FUZZ_SECONDS", "40"))
MIB = 1 << 20
REQUEST_LIMIT = 64 * MIB  # the kernel's ZMQ_MAXMSGSIZE and whole-message limit on shell, control, stdin
REQUEST_FRAMES = 256
HEARTBEAT_LIMIT = 64 << 10
HEARTBEAT_FRAMES = 16

# What the kernel answers on each channel (never shutdown_request: that one would end the run).
SHELL_REQUESTS = ["kernel_info_request", "execute_request", "complete_request", "inspect_request",
                  "is_complete_request", "history_request", "comm_info_request", "interrupt_request"]
CONTROL_REQUESTS = ["kernel_info_request", "interrupt_request", "comm_info_request"]

# The spec's types for the fields the kernel reads (the test's own copy of them).
HEADER_FIELDS = {name: "string" for name in ["msg_id", "msg_type", "session", "username", "date", "version"]}
CONTENT_FIELDS = {
    "execute_request": {"code": "string", "silent": "boolean", "store_history": "boolean",
                        "user_expressions": "object", "allow_stdin": "boolean", "stop_on_error": "boolean"},
    "complete_request": {"code": "string", "cursor_pos": "integer"},
    "inspect_request": {"code": "string", "cursor_pos": "integer", "detail_level": "integer"},
    "is_complete_request": {"code": "string"},
    "history_request": {"output": "boolean", "raw": "boolean", "hist_access_type": "string", "session": "integer",
                        "start": "integer", "stop": "integer", "n": "integer", "pattern": "string",
                        "unique": "boolean"},
    "comm_info_request": {"target_name": "string"},
    "comm_open": {"comm_id": "string", "target_name": "string", "data": "object"},
    "comm_msg": {"comm_id": "string", "data": "object"},
    "comm_close": {"comm_id": "string", "data": "object"},
}
WRONG_VALUES = {
    "string": [1, 2.5, True, [], {}, ["code"], {"a": "b"}],
    "boolean": [0, 1, "true", "", [], {}, 2.5],
    "integer": ["3", 1.5, True, False, [], {}, "", 1e300],
    "object": [[], "x", 1, True, [{"a": 1}]],
}
CODE_SAMPLES = ['print "fuzz"', "1 +", "nosuchname", "help", "", "    ", "model:", "data = mnsit",
                "who", 'print "é ü 漢字 🙂"', "show", "train", "\x00\x01\x02", "#" * 2000, "x = \n" * 50,
                "check 1 < 2", "seed 7", "values", "train ae epochs", "λ = 3"]


def random_text(rng: random.Random, length: int) -> str:
    alphabet = "abcxyz019 _-:.,[](){}\"'\\\n\t\x00\x7f é漢🙂\u202e"
    return "".join(rng.choice(alphabet) for _ in range(length))


class Fuzzer:
    """Makes one message at a time for a channel, with what the kernel must do with it:
    "answered" (a good request: no log line), "refused" (exactly one log line: dropped or
    ignored), "cut" (a frame over ZMQ_MAXMSGSIZE: libzmq drops the connection, the kernel sees
    nothing), "silent" (ZeroMQ itself discards it) or "either" (a mutation that may be good)."""

    def __init__(self, session: Session, seed: int):
        self.session = session
        self.rng = random.Random(seed)
        # Recent messages that reached the kernel through each socket, for replays on the same
        # one (so that the copy surely comes second): recent enough that the kernel still
        # remembers their signatures (it keeps the last 4,096).
        self.reached: dict[str, deque[list[bytes]]] = {}

    # --- good requests -------------------------------------------------------------------
    def content_for(self, msg_type: str) -> dict:
        rng = self.rng
        code = rng.choice(CODE_SAMPLES) if rng.random() < 0.8 else random_text(rng, rng.randint(0, 200))
        if msg_type == "execute_request":
            return {"code": code, "silent": rng.random() < 0.2, "store_history": rng.random() < 0.8,
                    "user_expressions": {}, "allow_stdin": rng.random() < 0.5, "stop_on_error": rng.random() < 0.5}
        if msg_type == "complete_request":
            return {"code": code, "cursor_pos": rng.choice([0, len(code), -5, 10**9, len(code) // 2])}
        if msg_type == "inspect_request":
            return {"code": code, "cursor_pos": rng.randint(-3, len(code) + 3), "detail_level": rng.choice([0, 1, 7])}
        if msg_type == "is_complete_request":
            return {"code": code}
        if msg_type == "history_request":
            return rng.choice([
                {"hist_access_type": "tail", "n": rng.choice([0, 1, 10, 10**12, -4]), "output": True, "raw": True},
                {"hist_access_type": "range", "session": rng.choice([0, -1, 1, -(2**62)]),
                 "start": rng.randint(-5, 5), "stop": rng.choice([None, 0, 3, 2**62])},
                {"hist_access_type": "search", "pattern": rng.choice(["*", "?*", "[a-", "print*", random_text(rng, 20)]),
                 "n": rng.choice([None, 0, 5]), "unique": rng.random() < 0.5},
                {"hist_access_type": random_text(rng, 5)},
            ])
        if msg_type == "comm_info_request":
            return rng.choice([{}, {"target_name": "jupyter.widget"}, {"target_name": random_text(rng, 10)}])
        return {}

    def good(self, channel: str) -> list[bytes]:
        msg_type = self.rng.choice(CONTROL_REQUESTS if channel == "control" else SHELL_REQUESTS)
        return signed(self.session, msg_type, self.content_for(msg_type))

    # --- the kinds of bad input ------------------------------------------------------------
    def kinds(self, channel: str) -> list[str]:
        if channel == "heartbeat":
            return ["hb_ping", "hb_many_frames", "hb_too_large", "hb_no_envelope", "hb_oversize_frame"]
        kinds = ["good", "bad_signature", "mutated", "truncated", "no_delimiter", "random_frames", "wrong_type",
                 "unknown_type", "comm", "bad_json", "too_many_frames", "replay", "buffers", "too_large",
                 "oversize_frame"]
        return kinds

    def make(self, channel: str, kind: str) -> tuple[list[bytes], str]:
        rng, session = self.rng, self.session
        handled = channel != "stdin"  # every message that reaches stdin is refused
        good_outcome = "answered" if handled else "refused"
        if kind == "good":
            return self.good(channel), good_outcome
        if kind == "buffers":  # a good request with binary buffers after it
            return self.good(channel) + [os.urandom(rng.randint(0, 64)) for _ in range(rng.randint(1, 20))], good_outcome
        if kind == "bad_signature":
            frames = self.good(channel)
            frames[1] = rng.choice([b"", b"0" * 64, os.urandom(32).hex().encode(), frames[1][:-2],
                                    frames[1] + b"00", b"zz" * 32, os.urandom(64),
                                    Session(key=b"another-key").sign(frames[2:6])])
            return frames, "refused"
        if kind == "mutated":  # one byte of the signed part changed after signing
            frames = self.good(channel)
            index = rng.randint(2, 5)
            data = bytearray(frames[index])
            position = rng.randrange(len(data))
            data[position] = (data[position] + rng.randint(1, 255)) % 256
            frames[index] = bytes(data)
            return frames, "refused"
        if kind == "truncated":
            return self.good(channel)[: rng.randint(1, 5)], "refused"
        if kind == "no_delimiter":
            return self.good(channel)[1:], "refused"
        if kind == "random_frames":
            return [os.urandom(rng.randint(0, 300)) for _ in range(rng.randint(1, 12))], "refused"
        if kind == "wrong_type":
            return self.wrong_type(channel)
        if kind == "unknown_type":
            msg_type = rng.choice(["frobnicate_request", "execute_reply", "status", "", "x" * 5000,
                                   "kernel_info_request\n[latent kernel] forged line", "input_reply",
                                   "debug_request", "usage_request", "apply_request", random_text(rng, 30)]
                                  + (["execute_request", "complete_request", "comm_open"] if channel == "control" else []))
            return signed(session, msg_type, {"code": 'print "never"'}), "refused"
        if kind == "comm":
            comm_id = rng.choice(["no-such-comm", random_text(rng, 40), "", "x" * 3000])
            msg_type = rng.choice(["comm_open", "comm_msg", "comm_close", "comm_info_request"])
            content = {"comm_id": comm_id, "data": {"method": "update", "state": {"value": rng.random()}}}
            if msg_type == "comm_open":
                content["target_name"] = rng.choice(["jupyter.widget", "latent", random_text(rng, 12)])
            if msg_type == "comm_info_request":
                content = {"target_name": "jupyter.widget"}
                return signed(session, msg_type, content), good_outcome
            return signed(session, msg_type, content), "refused"  # comms are shell messages: control refuses them too
        if kind == "bad_json":
            header = rng.choice([
                b'{"msg_type": "kernel_info_request", "msg_id": ', b"[1, 2, 3]", b"null", b'"kernel_info_request"',
                b"[" * 100_000 + b"]" * 100_000, b'{"msg_type": "kernel_info_request", "x": NaN}', b"",
                b'{"msg_type": "kernel_\xff\xfe_request"}', b'{"msg_type": 12}', b"\x00" * 10,
                json.dumps({"msg_type": "kernel_info_request", "deep": json.loads("[" * 400 + "]" * 400)}).encode(),
            ])
            parts = [header, b"{}", b"{}", b"{}"]
            if rng.random() < 0.3:  # or a good header and broken content
                parts = [session.pack(session.msg_header("kernel_info_request")), b"{}", b"{}", rng.choice([b"{", b"[]", b"\xff"])]
            deep_ok = header.startswith(b'{"msg_type": "kernel_info_request", "deep"')
            return [b"<IDS|MSG>", session.sign(parts)] + parts, ("either" if deep_ok else "refused")
        if kind == "too_many_frames":
            count = rng.choice([REQUEST_FRAMES + 1, 1000, 5000])
            return self.good(channel) + [b"b"] * (count - 6), "refused"
        if kind == "too_large":  # each frame under the frame limit, their sum over the message limit
            return self.good(channel) + [b"x" * (REQUEST_LIMIT // 2 + 1), b"y" * (REQUEST_LIMIT // 2 + 1)], "refused"
        if kind == "oversize_frame":
            return self.good(channel) + [b"z" * (REQUEST_LIMIT + 1)], "cut"
        if kind == "replay":
            if not self.reached.get(channel):
                return self.good(channel), good_outcome
            return list(rng.choice(self.reached[channel])), "refused"
        # the heartbeat, through a DEALER: REP wants an empty delimiter frame before the ping
        if kind == "hb_ping":
            return [b"", os.urandom(rng.randint(0, 200))] + [b"p"] * rng.randint(0, 5), "answered"
        if kind == "hb_many_frames":
            return [b""] + [b"p"] * rng.choice([HEARTBEAT_FRAMES + 1, 500]), "refused"
        if kind == "hb_too_large":
            return [b"", b"x" * (HEARTBEAT_LIMIT // 2 + 1), b"y" * (HEARTBEAT_LIMIT // 2 + 1)], "refused"
        if kind == "hb_no_envelope":
            return [os.urandom(10)], "silent"
        if kind == "hb_oversize_frame":
            return [b"", b"z" * (HEARTBEAT_LIMIT + 1)], "cut"
        raise ValueError(kind)

    def wrong_type(self, channel: str) -> tuple[list[bytes], str]:
        rng, session = self.rng, self.session
        msg_type = rng.choice(CONTROL_REQUESTS if channel == "control" else list(CONTENT_FIELDS))
        content = self.content_for(msg_type) if msg_type in SHELL_REQUESTS else {"comm_id": "c", "target_name": "t"}
        msg = session.msg(msg_type, content)
        fields = CONTENT_FIELDS.get(msg_type, {})
        if rng.random() < 0.4 or not fields:
            name = rng.choice(list(HEADER_FIELDS))
            msg["header"][name] = rng.choice(WRONG_VALUES["string"])
        else:
            name = rng.choice(list(fields))
            kind = fields[name]
            value = rng.choice(WRONG_VALUES[kind])
            if kind == "integer" and isinstance(value, float) and value == int(value) and abs(value) < 9e15:
                value = 1.5
            msg["content"][name] = value
        parts = [session.pack(msg["header"]), session.pack(msg["parent_header"]), session.pack(msg["metadata"]),
                 session.pack(msg["content"])]
        return [b"<IDS|MSG>", session.sign(parts)] + parts, "refused"


class Target:
    """One DEALER on one of the kernel's sockets, sending without ever blocking for long."""

    def __init__(self, km, channel: str):
        self.km, self.channel = km, channel
        self.port = {"shell": km.shell_port, "control": km.control_port, "stdin": km.stdin_port,
                     "heartbeat": km.hb_port}[channel]
        self.socket = socket_to(km, self.port, sndhwm=100, rcvhwm=100_000)
        self.replies: Counter = Counter()
        self.comm_info_replies: list[dict] = []
        self.session = Session(key=km.session.key)

    def send(self, frames: list[bytes], outcome: str) -> None:
        if outcome == "cut":
            # A connection of its own, which libzmq drops when the frame header announces too much.
            throwaway = socket_to(self.km, self.port)
            throwaway.send_multipart(frames)
            throwaway.linger = 2000
            throwaway.close()
            return
        if not self.socket.poll(10_000, zmq.POLLOUT):
            raise AssertionError(f"the kernel stopped reading {self.channel} for 10 s")
        self.socket.send_multipart(frames, flags=zmq.NOBLOCK, copy=len(frames) < 50)

    def drain(self) -> None:
        while self.socket.poll(0):
            frames = self.socket.recv_multipart()
            if self.channel == "heartbeat":
                self.replies["echo"] += 1
                continue
            try:
                _, rest = self.session.feed_identities(frames)
                message = self.session.deserialize(rest)
            except Exception:
                self.replies["undecodable"] += 1
                continue
            self.replies[message["msg_type"]] += 1
            if message["msg_type"] == "comm_info_reply":
                self.comm_info_replies.append(message["content"])

    def close(self) -> None:
        self.socket.close()


def wait_until_idle(kc, timeout: float = 60.0) -> None:
    """A kernel_info round trip on shell: everything sent before it has been handled."""
    reply = kc.kernel_info(reply=True, timeout=timeout)
    assert reply["content"]["status"] == "ok"


def drain_iopub(kc, seen: Counter) -> None:
    # Not iopub_channel.get_msgs(): in jupyter_client 8.10 it waits forever for one more.
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=0)
        except queue.Empty:
            return
        seen[(msg["msg_type"], msg["parent_header"].get("msg_type"))] += 1


def test_fuzzed_messages_on_every_socket_leave_the_kernel_well_and_its_memory_flat(latent_env, tmp_path):
    log_path = tmp_path / "kernel.log"
    seed = int(os.environ.get("LATENT_FUZZ_SEED", "15"))
    with logged_kernel(log_path) as (km, kc):
        pid = kernel_pid(km)
        fuzzer = Fuzzer(Session(key=km.session.key), seed)
        targets = {channel: Target(km, channel) for channel in ["shell", "control", "stdin", "heartbeat"]}
        sent: Counter = Counter()
        kinds_sent: Counter = Counter()
        iopub_seen: Counter = Counter()
        rng = random.Random(seed)
        started_rss = rss_kb(pid)

        def send_one(channel: str, kind: str) -> None:
            frames, outcome = fuzzer.make(channel, kind)
            targets[channel].send(frames, outcome)
            sent[outcome] += 1
            kinds_sent[(channel, kind)] += 1
            if outcome in ("answered", "refused", "either") and channel != "heartbeat" and len(frames) < 20:
                fuzzer.reached.setdefault(channel, deque(maxlen=100)).append(frames)

        def round_trip() -> None:
            for target in targets.values():
                target.drain()
            drain_iopub(kc, iopub_seen)

        try:
            def fuzz_for(seconds: float) -> None:
                """Random kinds on random sockets, the big ones rarely, until the time is up."""
                deadline = time.monotonic() + seconds
                costly = {"too_large", "oversize_frame", "hb_oversize_frame"}
                while time.monotonic() < deadline:
                    for _ in range(50):
                        channel = rng.choice(list(targets))
                        kind = rng.choice(fuzzer.kinds(channel))
                        if kind in costly and rng.random() < 0.95:
                            kind = "good" if channel != "heartbeat" else "hb_ping"
                        send_one(channel, kind)
                    round_trip()
                wait_until_idle(kc, timeout=120)
                time.sleep(0.5)
                round_trip()

            # Warm-up: every kind on every socket twice, then half the run's time, so that the
            # kernel's caches (the 4,096 signatures it remembers, the history, each thread's
            # malloc arena) are nearly as full as they get: over six minutes of this fuzzing the
            # kernel grows by 1 MB a minute at first and by almost nothing after five.
            for _ in range(2):
                for channel, target in targets.items():
                    for kind in fuzzer.kinds(channel):
                        send_one(channel, kind)
                round_trip()
            fuzz_for(FUZZ_SECONDS / 2)
            # Read once the kernel is quiet: big messages leave freed memory that the allocator
            # gives back within a second or two.
            warm_rss = settled_rss_kb(pid, 3.0)
            warm_count = sum(sent.values())

            fuzz_for(FUZZ_SECONDS)

            # Still up, and a good request gets the right answer.
            assert km.is_alive()
            reply, messages = execute(kc, 'print "still here"')
            assert reply["content"]["status"] == "ok", reply["content"]
            assert stdout_of(messages) == "still here\n"
            end_rss = settled_rss_kb(pid, 3.0)
        finally:
            for target in targets.values():
                target.close()

        total = sum(sent.values())
        refusals = [line for line in log_lines(log_path) if REFUSAL.match(line)]
        others = [line for line in log_lines(log_path) if not REFUSAL.match(line)]
        print(f"\nfuzz: {total} messages ({dict(sent)}), {warm_count} of them in the warm-up; "
              f"{len(refusals)} refusal log lines; RSS {started_rss / 1024:.1f} MB at start, "
              f"{warm_rss / 1024:.1f} MB after the warm-up, {end_rss / 1024:.1f} MB at the end; "
              f"replies {dict(sum((t.replies for t in targets.values()), Counter()))}")
        assert total >= 2000, f"only {total} messages in {FUZZ_SECONDS} s"
        # One log line per refused message: no fewer (each is accounted for), no more than the
        # messages that may have been refused (no line is forged or doubled).
        assert sent["refused"] <= len(refusals) <= sent["refused"] + sent["either"], (
            len(refusals), dict(sent))
        assert not others, others[:5]
        # Good requests were answered, comm_info well-formed, unknown comm_opens closed.
        shell_replies = targets["shell"].replies
        assert shell_replies["kernel_info_reply"] and shell_replies["execute_reply"], dict(shell_replies)
        assert targets["control"].replies["kernel_info_reply"], dict(targets["control"].replies)
        assert targets["heartbeat"].replies["echo"] >= kinds_sent[("heartbeat", "hb_ping")]
        assert not targets["stdin"].replies, "stdin answered a message"
        comm_infos = targets["shell"].comm_info_replies + targets["control"].comm_info_replies
        assert comm_infos and all(c == {"status": "ok", "comms": {}} for c in comm_infos), comm_infos[:3]
        assert iopub_seen[("comm_close", "comm_open")] > 0, "no comm_close answered a comm_open"
        assert abs(end_rss - warm_rss) <= 0.10 * warm_rss, (
            f"RSS {warm_rss} KiB after the warm-up, {end_rss} KiB at the end")


def test_a_flood_on_stdin_is_read_and_dropped_with_flat_memory(latent_env, tmp_path):
    log_path = tmp_path / "kernel.log"
    with logged_kernel(log_path) as (km, kc):
        pid = kernel_pid(km)
        started = settled_rss_kb(pid)
        assert stdin_flood(km, count=300) == 300  # warm-up
        warm = settled_rss_kb(pid, 2.0)
        began = time.monotonic()
        delivered = stdin_flood(km, count=1500, megabytes=1.0)
        took = time.monotonic() - began
        end = settled_rss_kb(pid, 2.0)
        assert delivered == 1500, f"the kernel stopped reading stdin after {delivered} messages"
        reply, messages = execute(kc, 'print "after the flood"')
        assert stdout_of(messages) == "after the flood\n"
        # Every message was read: one log line each.
        deadline = time.monotonic() + 10
        while len(log_lines(log_path)) < 1800 and time.monotonic() < deadline:
            time.sleep(0.2)
        lines = log_lines(log_path)
        print(f"\nstdin flood: 1500 x 1 MB in {took:.1f} s; RSS {started / 1024:.1f} MB at start, "
              f"{warm / 1024:.1f} MB after 300 MB, {end / 1024:.1f} MB after 1.5 GB more; {len(lines)} log lines")
        assert len(lines) == 1800 and all('dropped "input_reply" on stdin' in line for line in lines), lines[-3:]
        assert abs(end - warm) <= 0.10 * warm, f"RSS {warm} KiB after the warm-up, {end} KiB after the flood"


def test_a_flood_on_shell_while_a_cell_trains_is_dropped_as_it_arrives(latent_env, tmp_path):
    """The shell thread is busy for as long as a cell runs; the shell socket is read all the
    same, and unsigned messages are dropped as they come instead of piling up for the cell's end."""
    log_path = tmp_path / "kernel.log"
    with logged_kernel(log_path) as (km, kc):
        pid = kernel_pid(km)
        reply, _ = execute(kc, "small = mnist train 500 test 100\n"
                               "model ae:\n    dense 64 relu\n    latent 8\n    dense 784 sigmoid")
        assert reply["content"]["status"] == "ok"
        training = kc.execute("train ae on small epochs 100000 batch 50")
        junk = [b"<IDS|MSG>", b"0" * 64, b"{}", b"{}", b"{}", b"x" * MIB]
        assert flood(km, km.shell_port, junk, 100) == 100  # warm-up
        warm = settled_rss_kb(pid, 2.0)
        delivered = flood(km, km.shell_port, junk, 1500)
        end = settled_rss_kb(pid, 2.0)
        assert delivered == 1500, f"the kernel stopped reading shell after {delivered} messages"
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=60)
        assert reply["parent_header"]["msg_id"] == training
        reply, messages = execute(kc, 'print "after the flood"')
        assert stdout_of(messages) == "after the flood\n"
        refusals = [line for line in log_lines(log_path) if "dropped message on shell: signature" in line]
        print(f"\nshell flood during training: 1500 x 1 MB; RSS {warm / 1024:.1f} MB after 100 MB, "
              f"{end / 1024:.1f} MB after 1.5 GB; {len(refusals)} refusals logged")
        assert len(refusals) == 1600
        assert abs(end - warm) <= 0.10 * warm, f"RSS {warm} KiB after the warm-up, {end} KiB after the flood"
