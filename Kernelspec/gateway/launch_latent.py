#!/usr/bin/env python3
"""Starts `latent kernel` for Jupyter Enterprise Gateway on the host the gateway chose.

Enterprise Gateway (3.2) runs this launcher, through ssh for its DistributedProcessProxy, with
the arguments its kernelspec's argv names (`--RemoteProcessProxy.kernel-id {kernel_id}`,
`.response-address`, `.public-key`, `.port-range`). The launcher does the four things the
gateway's launcher protocol asks (docs/source/contributors/system-architecture.md, "Kernel
Launchers"):

1. picks five ports for the kernel and one for itself (the "communication port"), within the
   port range, and a signing key, and writes the connection file in a private folder;
2. starts `latent kernel --connection-file FILE` as its child;
3. sends the connection information, with its pid, process group and communication port, to
   the response address: AES-128-ECB under a fresh key, the key encrypted to the gateway's RSA
   public key (PKCS#1 v1.5), all of it as base64 JSON (`version` 1);
4. answers the gateway on the communication port: `{"signum": N}` sends signal N to the kernel
   (0 only asks whether it lives, SIGINT is an interrupt), `{"shutdown": 1}` stops it.

It lives as long as the kernel: when the kernel exits (a shutdown request, a crash), it closes
its port, so the gateway's next poll finds the kernel gone. The gateway sends its shutdown
request to the kernel and, at the same moment, SIGTERM and `shutdown` to the launcher; so
SIGTERM from the gateway (or to the launcher itself) is taken as "stop": the launcher closes its
port at once, gives the kernel STOP_GRACE seconds to finish by itself (it writes its last
autosave, docs/recovery.md), then sends SIGTERM, then SIGKILL. Either way it removes its folder
and the connection file before it exits. Only the standard library and
pycryptodomex (the package Enterprise Gateway's own launchers use) are needed on the host.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

from Cryptodome.Cipher import AES, PKCS1_v1_5
from Cryptodome.PublicKey import RSA
from Cryptodome.Random import get_random_bytes
from Cryptodome.Util.Padding import pad

PAYLOAD_VERSION = 1  # the payload Enterprise Gateway 3.x decodes (key + conn_info)
KERNEL_PORTS = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")
REQUEST_TIMEOUT = 5.0  # seconds a gateway connection may take to send its request
STOP_GRACE = 6.0  # seconds a stopping kernel has, twice; it flushes its autosave in up to 5
DRAIN_WAIT = 0.3  # seconds to wait for the gateway's next request before closing the port
BIND_RETRIES = int(os.environ.get("EG_MAX_PORT_RANGE_RETRIES", "5"))


def log(message: str) -> None:
    """One line to stderr, which the gateway sends to the kernel's log on the host."""
    print(f"[latent launcher {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def port_range(text: str | None) -> tuple[int, int]:
    """`LOWER..UPPER` as the gateway passes it; `0..0` (or nothing) lets the system choose."""
    if not text:
        return 0, 0
    try:
        lower, upper = (int(part) for part in text.split(".."))
    except ValueError:
        raise SystemExit(f"launch_latent: port range {text!r} is not LOWER..UPPER") from None
    if lower > upper or lower < 0 or upper > 65535:
        raise SystemExit(f"launch_latent: port range {text!r} is empty or out of bounds")
    return lower, upper


def bound_socket(ports: tuple[int, int]) -> socket.socket:
    """A TCP socket bound on every address to a free port within `ports`."""
    lower, upper = ports
    for _ in range(BIND_RETRIES + 1):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("0.0.0.0", random.randint(lower, upper) if upper else 0))
            return sock
        except OSError:
            sock.close()
    raise SystemExit(f"launch_latent: no free port in {lower}..{upper} after {BIND_RETRIES + 1} tries")


def free_ports(count: int, ports: tuple[int, int]) -> list[int]:
    """`count` distinct free ports; they are released for the kernel to bind, as the gateway's
    own launchers do."""
    sockets = [bound_socket(ports) for _ in range(count)]
    numbers = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return numbers


def encrypted_payload(connection: dict, public_key: str) -> bytes:
    """The version-1 payload: the JSON under a fresh AES key, that key under the gateway's RSA key."""
    aes_key = get_random_bytes(16)
    body = AES.new(aes_key, AES.MODE_ECB).encrypt(pad(json.dumps(connection).encode(), 16))
    rsa = RSA.import_key(base64.b64decode(public_key))
    payload = {
        "version": PAYLOAD_VERSION,
        "key": base64.b64encode(PKCS1_v1_5.new(rsa).encrypt(aes_key)).decode(),
        "conn_info": base64.b64encode(body).decode(),
    }
    return base64.b64encode(json.dumps(payload).encode())


def send_to_gateway(address: str, payload: bytes) -> None:
    host, _, port = address.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)  # the gateway reads until the end of the stream


def read_request(listener: socket.socket) -> dict | None:
    """One request from the gateway: JSON sent whole, then the connection closed. Anything
    else (a half-sent request, not JSON, not an object) is logged and answers nothing."""
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(REQUEST_TIMEOUT)
        data = b""
        try:
            while len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError as error:
            log(f"request dropped: {error}")
            return None
    try:
        request = json.loads(data)
    except ValueError:
        log(f"request dropped: not JSON: {data[:80]!r}")
        return None
    if not isinstance(request, dict):
        log(f"request dropped: not a JSON object: {data[:80]!r}")
        return None
    return request


class Launcher:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.folder = tempfile.mkdtemp(prefix=f"latent-gateway-{args.kernel_id}-")
        # Named after the kernel id, which a restart keeps, so the kernel's autosave finds the
        # same session again after a restart (docs/recovery.md).
        self.connection_file = os.path.join(self.folder, f"kernel-{args.kernel_id}.json")
        self.kernel: subprocess.Popen | None = None
        self.listener: socket.socket | None = None
        self.stopping = False

    def run(self) -> int:
        try:
            ports = port_range(self.args.port_range)
            connection = self.write_connection_file(ports)
            self.listener = bound_socket(ports)
            self.listener.listen(8)
            self.kernel = subprocess.Popen(
                [self.args.latent, "kernel", "--connection-file", self.connection_file])
            log(f"kernel {self.args.kernel_id} started: pid {self.kernel.pid}, "
                f"communication port {self.listener.getsockname()[1]}")
            connection.update(kernel_id=self.args.kernel_id, pid=os.getpid(), pgid=os.getpgid(0),
                              comm_port=self.listener.getsockname()[1])
            try:
                send_to_gateway(self.args.response_address,
                                encrypted_payload(connection, self.args.public_key))
            except OSError as error:
                log(f"cannot send the connection to the gateway at {self.args.response_address}: {error}")
                return 1
            self.serve()
        finally:
            if self.listener is not None:
                self.drain()
                self.listener.close()  # the gateway's next poll finds the kernel gone
            # Only a kernel the gateway asked to stop is given time to end by itself.
            self.stop_kernel(grace=self.stopping)
            shutil.rmtree(self.folder, ignore_errors=True)
            log(f"kernel {self.args.kernel_id} gone; removed {self.folder}")
        return 0 if self.kernel.returncode == 0 else 1

    def write_connection_file(self, ports: tuple[int, int]) -> dict:
        numbers = free_ports(len(KERNEL_PORTS), ports)
        connection = dict(zip(KERNEL_PORTS, numbers), ip="0.0.0.0", transport="tcp",
                          signature_scheme="hmac-sha256", key=uuid.uuid4().hex, kernel_name="latent")
        descriptor = os.open(self.connection_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(connection, file)
        return connection

    def serve(self) -> None:
        """Answers the gateway until it says shutdown, the kernel exits, or SIGTERM arrives."""
        while not self.stopping and self.kernel.poll() is None:
            ready, _, _ = select.select([self.listener], [], [], 0.25)
            if not ready:
                continue
            request = read_request(self.listener)
            if request is None:
                continue
            signum = request.get("signum")
            if signum == signal.SIGTERM or request.get("shutdown"):
                log(f"{'SIGTERM' if signum else 'shutdown'} from the gateway: stopping the kernel")
                self.stopping = True
            elif isinstance(signum, int) and not isinstance(signum, bool) and signum > 0:
                log(f"signal {signum} from the gateway, sent to kernel pid {self.kernel.pid}")
                try:
                    self.kernel.send_signal(signum)
                except (ValueError, OSError) as error:
                    log(f"signal {signum} not sent: {error}")
            elif signum != 0:
                log(f"request dropped: neither a signal number nor shutdown: {str(request)[:80]}")

    def drain(self) -> None:
        """Reads what the gateway already sent (its `shutdown` follows its SIGTERM at once), so
        that closing the port does not reset those connections."""
        while select.select([self.listener], [], [], DRAIN_WAIT)[0]:
            read_request(self.listener)

    def stop_kernel(self, grace: bool) -> None:
        """Waits for the kernel to end by itself (with `grace`), then SIGTERM, then SIGKILL."""
        if self.kernel is None:
            return
        if grace:
            try:
                self.kernel.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                log(f"kernel pid {self.kernel.pid} still running after {STOP_GRACE:.0f} s")
        for name, nudge in (("SIGTERM", self.kernel.terminate), ("SIGKILL", self.kernel.kill)):
            if self.kernel.poll() is not None:
                break
            log(f"stopping kernel pid {self.kernel.pid}: {name}")
            nudge()
            try:
                self.kernel.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                pass
        self.kernel.wait()
        log(f"kernel exited with status {self.kernel.returncode}")

    def on_sigterm(self, signum, frame) -> None:
        self.stopping = True


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--RemoteProcessProxy.kernel-id", dest="kernel_id", required=True)
    parser.add_argument("--RemoteProcessProxy.response-address", dest="response_address", required=True,
                        metavar="IP:PORT")
    parser.add_argument("--RemoteProcessProxy.public-key", dest="public_key", required=True)
    parser.add_argument("--RemoteProcessProxy.port-range", dest="port_range", metavar="LOWER..UPPER")
    parser.add_argument("--latent", default="latent", help="the latent executable on this host")
    # Options the gateway passes to other launchers (spark-context-initialization-mode,
    # cluster-type) mean nothing here.
    args, ignored = parser.parse_known_args(argv)
    if ignored:
        log(f"ignored arguments: {' '.join(ignored)}")
    if not all(c.isalnum() or c == "-" for c in args.kernel_id):
        parser.error(f"kernel id {args.kernel_id!r} is not a UUID")
    return args


def main(argv: list[str]) -> int:
    launcher = Launcher(parse_arguments(argv))
    signal.signal(signal.SIGTERM, launcher.on_sigterm)
    # An interrupt is for the kernel; the gateway sends it through the communication port, or to
    # the whole process group, which the kernel shares. A handler (not SIG_IGN, which the kernel
    # would inherit) keeps it from stopping the launcher.
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    return launcher.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
