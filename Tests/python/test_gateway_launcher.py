"""The Enterprise Gateway launcher (Kernelspec/gateway/launch_latent.py) alone, with this test
in the gateway's place: a response socket and an RSA key pair made with openssl, as the
gateway makes them. It checks the payload by decrypting it with openssl (not with the library
that encrypted it), connects jupyter_client to the kernel it names, and covers the ends of a
launcher's life that the whole-gateway test (test_gateway.py) does not reach: SIGTERM to the
launcher itself, a kernel that dies, and a gateway that cannot be reached. Each time no process
and no file may be left."""
from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from jupyter_client.blocking import BlockingKernelClient

from gateway_support import GATEWAY_VENV, ROOT, free_port
from latent_kernel_support import latent_binary

LAUNCHER = ROOT / "Kernelspec" / "gateway" / "launch_latent.py"
PYTHON = GATEWAY_VENV / "bin" / "python"  # has pycryptodomex, as a host would


@pytest.fixture
def gateway(tmp_path):
    if not PYTHON.exists():
        pytest.fail(f"{PYTHON} is missing: scripts/setup-gateway.sh makes .venv-gateway (make test runs it)")
    key = tmp_path / "gateway.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "1024"], check=True, capture_output=True)
    pem = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout"], check=True,
                         capture_output=True, text=True).stdout
    public_key = "".join(line for line in pem.splitlines() if "-----" not in line)  # as the gateway passes it
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(60)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    yield {"key": key, "public_key": public_key, "listener": listener, "tmp": tmp}
    listener.close()


def launch(gateway, kernel_id: str, response_address: str | None = None) -> subprocess.Popen:
    address = response_address or f"127.0.0.1:{gateway['listener'].getsockname()[1]}"
    return subprocess.Popen(
        [str(PYTHON), str(LAUNCHER), "--RemoteProcessProxy.kernel-id", kernel_id,
         "--RemoteProcessProxy.response-address", address,
         "--RemoteProcessProxy.public-key", gateway["public_key"],
         "--RemoteProcessProxy.port-range", "0..0", "--latent", str(latent_binary())],
        env=dict(os.environ, TMPDIR=str(gateway["tmp"]), LATENT_HISTORY_FILE="",
                 XDG_DATA_HOME=str(gateway["tmp"].parent / "data")),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def openssl_decrypt(gateway, payload: bytes) -> dict:
    outer = json.loads(base64.b64decode(payload))
    assert outer["version"] == 1, outer
    encrypted_key = gateway["key"].parent / "aes.enc"
    encrypted_key.write_bytes(base64.b64decode(outer["key"]))
    aes_key = subprocess.run(["openssl", "pkeyutl", "-decrypt", "-inkey", str(gateway["key"]),
                              "-in", str(encrypted_key), "-pkeyopt", "rsa_padding_mode:pkcs1"],
                             check=True, capture_output=True).stdout
    assert len(aes_key) == 16
    plain = subprocess.run(["openssl", "enc", "-d", "-aes-128-ecb", "-K", aes_key.hex()],
                           input=base64.b64decode(outer["conn_info"]), check=True, capture_output=True).stdout
    return json.loads(plain)


def receive_connection(gateway) -> dict:
    conn, _ = gateway["listener"].accept()
    with conn:
        conn.settimeout(60)
        data = b""
        while chunk := conn.recv(4096):
            data += chunk
    return openssl_decrypt(gateway, data)


def send_request(port: int, request: dict) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(json.dumps(request).encode())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie counts as gone.
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"


def kernel_pid(launcher: subprocess.Popen) -> int:
    children = Path(f"/proc/{launcher.pid}/task/{launcher.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def assert_all_gone(gateway, launcher: subprocess.Popen, kernel: int, port: int) -> str:
    output, _ = launcher.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(kernel), output
    assert list(gateway["tmp"].iterdir()) == [], output
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    return output


def test_payload_decrypts_the_kernel_answers_and_sigterm_to_the_launcher_leaves_nothing(gateway):
    kernel_id = "0b5d6c0e-7f0a-4c8e-9d53-2f1f5b7a9e01"
    launcher = launch(gateway, kernel_id)
    info = receive_connection(gateway)
    assert info["kernel_id"] == kernel_id
    assert info["pid"] == launcher.pid and info["pgid"] == os.getpgid(launcher.pid)
    assert info["signature_scheme"] == "hmac-sha256" and len(info["key"]) >= 32
    kernel = kernel_pid(launcher)
    files = list(gateway["tmp"].rglob("*.json"))
    assert [f.name for f in files] == [f"kernel-{kernel_id}.json"], files
    assert files[0].stat().st_mode & 0o077 == 0  # the key is readable by its owner only

    client = BlockingKernelClient()
    client.load_connection_info(dict(info, ip="127.0.0.1"))
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute('print "through the launcher"')
        reply = client.get_shell_msg(timeout=30)
        assert reply["content"]["status"] == "ok", reply["content"]
        send_request(info["comm_port"], {"signum": 0})  # the gateway's liveness poll
        assert alive(kernel)
    finally:
        client.stop_channels()

    launcher.send_signal(signal.SIGTERM)
    output = assert_all_gone(gateway, launcher, kernel, info["comm_port"])
    assert "stopping kernel pid" in output, output  # it was still running: the launcher stopped it
    assert f"kernel {kernel_id} gone; removed" in output, output


def test_a_kernel_that_dies_takes_its_launcher_and_files_with_it(gateway):
    launcher = launch(gateway, "5c1e0a47-9b6f-4f35-8a8e-1d2c3b4a5f60")
    info = receive_connection(gateway)
    kernel = kernel_pid(launcher)
    os.kill(kernel, signal.SIGKILL)
    output = assert_all_gone(gateway, launcher, kernel, info["comm_port"])
    assert "kernel exited with status -9" in output, output


def test_a_gateway_out_of_reach_leaves_no_kernel_and_no_file(gateway):
    launcher = launch(gateway, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", response_address=f"127.0.0.1:{free_port()}")
    output, _ = launcher.communicate(timeout=30)
    assert launcher.returncode == 1, output
    assert "cannot send the connection to the gateway" in output, output
    assert list(gateway["tmp"].iterdir()) == [], output
    pid = int(output.split("started: pid ")[1].split(",")[0])
    assert not alive(pid), output
