"""Helpers for the tests that push the real kernel hard (test_kernel_hostile.py, test_kernel_soak.py):
its resident memory, a kernel whose log goes to a file, and raw ZeroMQ sockets on its ports.

`python Tests/python/hostile_support.py flood [COUNT] [MEGABYTES]` runs the stdin flood against
$LATENT_BIN (or the release build) and prints the kernel's memory before and after, so the same
measurement can be made on any build."""
from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from pathlib import Path

import zmq
from jupyter_client.session import Session

LOG_LINE = re.compile(r"^\[latent kernel\] ")
REFUSAL = re.compile(r"^\[latent kernel\] (dropped|ignored) ")


def rss_kb(pid: int) -> int:
    """Resident memory of `pid` in KiB, from /proc/PID/status (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def kernel_pid(km) -> int:
    return km.provisioner.process.pid


def settled_rss_kb(pid: int, seconds: float = 1.0) -> int:
    """RSS once the kernel has had `seconds` to finish what is queued (the lowest of a few reads)."""
    readings = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        readings.append(rss_kb(pid))
        time.sleep(0.1)
    readings.append(rss_kb(pid))
    return min(readings[-3:])


@contextlib.contextmanager
def logged_kernel(log_path: Path, **manager_options):
    """A started kernel (KernelManager, ready BlockingKernelClient) whose stderr goes to `log_path`."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="latent", **manager_options)
    with open(log_path, "w") as log:
        km.start_kernel(stderr=log)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def log_lines(log_path: Path) -> list[str]:
    return [line for line in log_path.read_text(errors="replace").splitlines() if LOG_LINE.match(line)]


def socket_to(km, port: int, kind: int = zmq.DEALER, **options) -> zmq.Socket:
    socket = zmq.Context.instance().socket(kind)
    socket.linger = 0
    for name, value in options.items():
        socket.setsockopt(getattr(zmq, name.upper()), value)
    socket.connect(f"{km.transport}://{km.ip}:{port}")
    return socket


def signed(session: Session, msg_type: str, content: dict, header: dict | None = None) -> list[bytes]:
    """The frames of a correctly signed message (delimiter onwards)."""
    msg = session.msg(msg_type, content)
    if header:
        msg["header"].update(header)
    parts = [session.pack(msg["header"]), session.pack(msg["parent_header"]), session.pack(msg["metadata"]),
             session.pack(msg["content"])]
    return [b"<IDS|MSG>", session.sign(parts)] + parts


def flood(km, port: int, frames: list[bytes], count: int, stall: float = 5.0) -> int:
    """Sends `frames` `count` times to `port` as fast as ZeroMQ takes them. Returns how many
    left this socket: a kernel that stops reading makes the sender wait, and after `stall`
    seconds of waiting the flood stops there."""
    sender = socket_to(km, port, sndhwm=10)
    sent = 0
    try:
        for _ in range(count):
            if not sender.poll(int(stall * 1000), zmq.POLLOUT):
                break
            sender.send_multipart(frames, flags=zmq.NOBLOCK, copy=False)
            sent += 1
        # Let the last ones leave the socket before it closes.
        sender.linger = int(stall * 1000)
    finally:
        sender.close()
    return sent


def stdin_flood(km, count: int = 1500, megabytes: float = 1.0, stall: float = 5.0) -> int:
    """`count` signed input_reply messages of `megabytes` each on the stdin socket (the
    measurement in issue 15); returns how many the kernel took."""
    session = Session(key=km.session.key)
    value = "x" * int(megabytes * (1 << 20))
    sender = socket_to(km, km.stdin_port, sndhwm=10)
    sent = 0
    try:
        for i in range(count):
            if not sender.poll(int(stall * 1000), zmq.POLLOUT):
                break
            sender.send_multipart(signed(session, "input_reply", {"value": value, "n": i}), flags=zmq.NOBLOCK)
            sent += 1
        sender.linger = int(stall * 1000)
    finally:
        sender.close()
    return sent


def measure_flood(count: int, megabytes: float) -> None:
    import tempfile

    from latent_kernel_support import install_kernelspec, isolate_jupyter

    scratch = Path(tempfile.mkdtemp(prefix="latent-flood-"))
    os.environ.update(isolate_jupyter(install_kernelspec(scratch), scratch / "history.jsonl"))
    with logged_kernel(scratch / "kernel.log") as (km, kc):
        pid = kernel_pid(km)
        before = settled_rss_kb(pid)
        started = time.monotonic()
        delivered = stdin_flood(km, count, megabytes)
        sent = time.monotonic() - started
        after = settled_rss_kb(pid, 3.0)
        alive = km.is_alive()
        reply = kc.execute_interactive('print "after the flood"', timeout=30)["content"]["status"] if alive else "-"
        print(f"stdin flood {delivered} of {count} x {megabytes} MB sent in {sent:.1f} s: RSS {before / 1024:.0f} MB before, "
              f"{after / 1024:.0f} MB after; alive {alive}; execute afterwards {reply}; "
              f"{len(log_lines(scratch / 'kernel.log'))} log lines")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "flood":
        measure_flood(int(sys.argv[2]) if len(sys.argv) > 2 else 1500,
                      float(sys.argv[3]) if len(sys.argv) > 3 else 1.0)
    else:
        print(__doc__)
        sys.exit(2)
