"""Helpers for the Enterprise Gateway test: hosts made of Linux network namespaces, each with
its own sshd; the gateway and a jupyter_server that uses it; and a kernel client that speaks to
the jupyter_server over REST and websocket, as JupyterLab does."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import requests
import websocket

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_VENV = ROOT / ".venv-gateway"
SSHD = Path("/usr/sbin/sshd")
SSH_PORT = 2222  # each host's sshd; its own network namespace, so no clash with a system sshd


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=check, capture_output=True, text=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, grace: float) -> None:
    """SIGTERM, then SIGKILL if it is still there after `grace` seconds."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_port(host: str, port: int, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not listen on {host}:{port} within {timeout:.0f} s\n{tail}")


def why_no_namespaces() -> str | None:
    """None when this process may make network namespaces and veth links, else why not."""
    if os.geteuid() != 0:
        return "making network namespaces needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN); this runs as a user"
    if shutil.which("ip") is None:
        return "no `ip` command (Debian's iproute2; scripts/setup-gateway.sh installs it)"
    probe = f"latent-probe-{os.getpid()}"
    made = run("ip", "netns", "add", probe, check=False)
    if made.returncode != 0:
        return f"`ip netns add` is not permitted here: {made.stderr.strip()}"
    try:
        linked = run("ip", "link", "add", f"lgwp{os.getpid() % 100000}", "type", "veth",
                     "peer", "name", "eth0", "netns", probe, check=False)
        if linked.returncode != 0:
            return f"a veth link into a namespace is not permitted here: {linked.stderr.strip()}"
        run("ip", "link", "del", f"lgwp{os.getpid() % 100000}", check=False)
    finally:
        run("ip", "netns", "del", probe, check=False)
    return None


class Hosts:
    """`count` hosts: network namespaces joined to this one by veth pairs (10.213.N.1 here,
    10.213.N.2 there), each running Debian's sshd on its own address and port, with host keys,
    an authorized key and a config made for the test in `workdir`. The hosts share this
    machine's filesystem, so paths are the same on each, as on hosts that share a home."""

    def __init__(self, workdir: Path, count: int):
        self.workdir = workdir / "hosts"
        self.workdir.mkdir()
        tag = os.getpid() % 100000
        # The third octet from the pid, checked against the addresses in use, so that parallel
        # runs and the machine's own networks do not collide.
        used = run("ip", "-4", "addr").stdout
        base = next(b for b in range(tag % 240, tag % 240 + 240 * 4, 4)
                    if not any(f"10.213.{(b + i) % 250}." in used for i in range(count)))
        self.hosts = [
            {"netns": f"latent-gw{tag}-{i}", "veth": f"lgw{tag}v{i}",
             "address": f"10.213.{(base + i) % 250}.2", "gateway_side": f"10.213.{(base + i) % 250}.1"}
            for i in range(count)]
        self.sshd: dict[str, subprocess.Popen] = {}
        self.client_home = workdir / "gateway-home"  # the gateway's HOME: paramiko reads ~/.ssh

    @property
    def addresses(self) -> list[str]:
        return [h["address"] for h in self.hosts]

    def start(self) -> None:
        keys = self.workdir / "keys"
        keys.mkdir()
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "host_key"))
        dot_ssh = self.client_home / ".ssh"
        dot_ssh.mkdir(parents=True, mode=0o700)
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(dot_ssh / "id_ed25519"))
        shutil.copyfile(dot_ssh / "id_ed25519.pub", keys / "authorized_keys")
        host_public = (keys / "host_key.pub").read_text().split()[:2]
        (dot_ssh / "known_hosts").write_text("".join(
            f"[{h['address']}]:{SSH_PORT} {' '.join(host_public)}\n" for h in self.hosts))
        # sshd's privilege-separation folder; Debian's service makes it at boot, which a
        # container never has.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        for h in self.hosts:
            ns, veth = h["netns"], h["veth"]
            run("ip", "netns", "add", ns)
            run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
            run("ip", "addr", "add", f"{h['gateway_side']}/24", "dev", veth)
            run("ip", "link", "set", veth, "up")
            run("ip", "-n", ns, "addr", "add", f"{h['address']}/24", "dev", "eth0")
            run("ip", "-n", ns, "link", "set", "eth0", "up")
            run("ip", "-n", ns, "link", "set", "lo", "up")
            # The gateway's response address is one of this machine's own addresses.
            run("ip", "-n", ns, "route", "add", "default", "via", h["gateway_side"])
            config = self.workdir / f"sshd-{ns}.conf"
            config.write_text("\n".join([
                f"ListenAddress {h['address']}:{SSH_PORT}",
                f"HostKey {keys / 'host_key'}",
                f"PidFile {self.workdir / f'sshd-{ns}.pid'}",
                f"AuthorizedKeysFile {keys / 'authorized_keys'}",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",  # the keys live under /tmp, which is world-writable
                "MaxStartups 100",  # the gateway opens an ssh session per launch and per signal
                "MaxSessions 100",
                "",
            ]))
            log = self.workdir / f"sshd-{ns}.log"
            self.sshd[ns] = subprocess.Popen(
                ["ip", "netns", "exec", ns, str(SSHD), "-D", "-e", "-f", str(config)],
                stdout=log.open("w"), stderr=subprocess.STDOUT)
        for h in self.hosts:
            wait_for_port(h["address"], SSH_PORT, 20, f"sshd in {h['netns']}",
                          self.workdir / f"sshd-{h['netns']}.log")

    def processes(self, netns: str) -> dict[int, str]:
        """Every process in the namespace but its sshd listener: pid -> command line."""
        listed = run("ip", "netns", "pids", netns, check=False).stdout.split()
        found = {}
        for pid in map(int, listed):
            if pid == self.sshd[netns].pid:
                continue
            try:
                found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                continue  # ended meanwhile
        return found

    def stop(self) -> None:
        for h in self.hosts:
            ns = h["netns"]
            sshd = self.sshd.pop(ns, None)
            if sshd is not None:
                stop_process(sshd, 10)
            # Nothing should be left (the test checks); whatever is, goes with the namespace.
            for pid in run("ip", "netns", "pids", ns, check=False).stdout.split():
                try:
                    os.kill(int(pid), 9)
                except OSError:
                    pass
            run("ip", "link", "del", h["veth"], check=False)
            run("ip", "netns", "del", ns, check=False)


class Servers:
    """Jupyter Enterprise Gateway (from .venv-gateway) spreading kernels over `hosts`, and a
    jupyter_server (this interpreter's) started with --gateway-url pointing at it."""

    def __init__(self, workdir: Path, hosts: Hosts):
        self.workdir = workdir
        self.hosts = hosts
        self.kernel_logs = workdir / "kernel-logs"  # EG_KERNEL_LOG_DIR: the gateway's, per kernel
        self.kernel_logs.mkdir()
        self.token = uuid.uuid4().hex
        self.gateway_port = free_port()
        self.server_port = free_port()
        self.processes: list[subprocess.Popen] = []
        self.gateway_log = workdir / "gateway.log"
        self.server_log = workdir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def start(self, kernelspecs: Path) -> None:
        config = self.workdir / "gateway_config.py"
        # The test runs as root, which the gateway refuses to start kernels for by default.
        config.write_text("c.EnterpriseGatewayApp.unauthorized_users = set()\n")
        runtime = self.workdir / "runtime"
        gateway_env = dict(
            os.environ,
            HOME=str(self.hosts.client_home),
            JUPYTER_PATH=str(kernelspecs), JUPYTER_DATA_DIR=str(kernelspecs),
            JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_CONFIG_DIR=str(self.workdir / "gateway-config"),
            EG_REMOTE_HOSTS=",".join(self.hosts.addresses), EG_SSH_PORT=str(SSH_PORT),
            EG_KERNEL_LOG_DIR=str(self.kernel_logs), EG_RESPONSE_PORT=str(free_port()),
            EG_KERNEL_LAUNCH_TIMEOUT="90", EG_LOG_LEVEL="DEBUG",
            # The notebook's name, which the kernel's autosave files its sessions under.
            EG_CLIENT_ENVS="JPY_SESSION_NAME",
        )
        self.processes.append(subprocess.Popen(
            [str(GATEWAY_VENV / "bin" / "jupyter"), "enterprisegateway", f"--config={config}",
             "--ip=127.0.0.1", f"--port={self.gateway_port}", "--debug"],
            env=gateway_env, stdout=self.gateway_log.open("w"), stderr=subprocess.STDOUT, cwd=self.workdir))
        wait_for_port("127.0.0.1", self.gateway_port, 60, "jupyter enterprisegateway", self.gateway_log)
        notebooks = self.workdir / "notebooks"
        notebooks.mkdir()
        server_env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(self.workdir / "server-config"), JUPYTER_RUNTIME_DIR=str(runtime),
            JUPYTER_DATA_DIR=str(self.workdir / "server-data"),
            KERNEL_LAUNCH_TIMEOUT="90",  # KERNEL_* flows through to the gateway
        )
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={self.server_port}", "--ServerApp.port_retries=0", "--no-browser",
             "--allow-root", f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={notebooks}",
             f"--gateway-url=http://127.0.0.1:{self.gateway_port}",
             "--GatewayClient.request_timeout=120", "--GatewayClient.connect_timeout=60",
             "--GatewayClient.allowed_envs=JPY_SESSION_NAME"],
            env=server_env, stdout=self.server_log.open("w"), stderr=subprocess.STDOUT, cwd=self.workdir))
        wait_for_port("127.0.0.1", self.server_port, 60, "jupyter_server", self.server_log)

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop_process(process, 20)

    def rest(self, method: str, path: str, body: dict | None = None, timeout: float = 150) -> Any:
        response = requests.request(method, self.url + path, json=body, timeout=timeout,
                                    headers={"Authorization": f"token {self.token}"})
        if response.status_code >= 400:
            raise AssertionError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def launch_log(self, kernel_id: str) -> str:
        """What the launcher (and the kernel) wrote on the host, through the gateway's nohup."""
        path = self.kernel_logs / f"kernel-{kernel_id}.log"
        return path.read_text() if path.exists() else ""

    def launched_on(self) -> dict[str, str]:
        """kernel id -> host address, from the gateway's log ("Kernel launched on 'HOST' ...")."""
        found = {}
        for line in self.gateway_log.read_text().splitlines():
            match = re.search(r"Kernel launched on '([^']+)', pid: \d+, ID: ([0-9a-f-]+)", line)
            if match:
                found[match.group(2)] = match.group(1)
        return found


class KernelChannels:
    """One kernel's channels, over the jupyter_server's websocket (the JSON messages
    JupyterLab sends and receives, each naming its channel)."""

    def __init__(self, servers: Servers, kernel_id: str):
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{servers.server_port}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            header=[f"Authorization: token {servers.token}"], timeout=120)

    def close(self) -> None:
        self.ws.close()

    def send(self, channel: str, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "learner",
                       "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}))
        return msg_id

    def receive(self, deadline: float) -> dict:
        self.ws.settimeout(max(0.1, deadline - time.monotonic()))
        return json.loads(self.ws.recv())

    def kernel_info(self, timeout: float = 120) -> dict:
        """Asks until the kernel answers (the first request may go before its sockets connect)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg_id = self.send("shell", "kernel_info_request", {})
            ask_again = time.monotonic() + 2
            while time.monotonic() < min(ask_again, deadline):
                try:
                    msg = self.receive(min(ask_again, deadline))
                except websocket.WebSocketTimeoutException:
                    break
                if msg["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == msg_id:
                    return msg["content"]
        raise AssertionError(f"no kernel_info_reply within {timeout} s")

    def start_execute(self, code: str) -> str:
        return self.send("shell", "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})

    def finish(self, msg_id: str, timeout: float = 120, until: str | None = None) -> tuple[dict | None, list[dict]]:
        """Messages for `msg_id` until its reply and idle status (or until one of type `until`)."""
        deadline = time.monotonic() + timeout
        reply, messages, idle = None, [], False
        while not (reply and idle):
            if time.monotonic() > deadline:
                raise AssertionError(f"no reply and idle within {timeout} s: {[m['msg_type'] for m in messages]}")
            msg = self.receive(deadline)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            messages.append(msg)
            if until and msg["msg_type"] == until:
                return None, messages
            if msg["channel"] == "shell":
                reply = msg
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        return reply, messages

    def execute(self, code: str, timeout: float = 120) -> tuple[dict, list[dict]]:
        return self.finish(self.start_execute(code), timeout)


def stdout_of(messages: list[dict]) -> str:
    return "".join(m["content"]["text"] for m in messages
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def result_of(messages: list[dict]) -> str:
    results = [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"]
    assert results, [m["msg_type"] for m in messages]
    return results[-1]
