"""Latent kernels spread over hosts by Jupyter Enterprise Gateway (docs/classroom.md, "More than one server").

The test makes two hosts: Linux network namespaces joined by veth links, each running Debian's
sshd on its own address with keys made for the test. It starts the gateway (PyPI
jupyter_enterprise_gateway, from .venv-gateway) with EG_REMOTE_HOSTS naming them, and a
jupyter_server that uses it (--gateway-url). Through that server's REST API and websocket, as
JupyterLab does, it starts 10 kernels of the `latent_distributed` kernelspec
(Kernelspec/gateway), which the gateway's DistributedProcessProxy starts over ssh with the
Latent launcher; runs a lesson's cells on each; interrupts one in the middle of training
(gateway -> launcher's communication port -> SIGINT); restarts one; shuts all down; and checks
that no process and no file of theirs is left on any host. It prints how many kernels ran on
which host, and how long a kernel took to start over ssh against one started on the gateway's
own machine (through the launcher, and as a plain local kernel): a figure, not an assertion.

Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) for the namespaces; without them it is skipped,
and says why.
"""
from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import time
from pathlib import Path

import pytest
import requests

from gateway_support import (GATEWAY_VENV, ROOT, SSHD, Hosts, KernelChannels, Servers, result_of,
                             stdout_of, why_no_namespaces)
from latent_kernel_support import latent_binary

HOST_COUNT = 2
KERNEL_COUNT = 10
LOCAL_COUNT = 2  # of each local kind, for the start-up comparison
LESSON = """data = mnist train 2000 test 200
model ae:
    dense 64 relu
    latent 8
    dense 784 sigmoid
train ae on data steps 20 batch 50"""
LONG_TRAINING = "train ae on data epochs 10000 batch 50"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = why_no_namespaces()
    if reason:
        pytest.skip(f"the gateway test makes its hosts as network namespaces, and cannot here: {reason}")
    for needed, how in ((GATEWAY_VENV / "bin" / "jupyter", "scripts/setup-gateway.sh makes .venv-gateway"),
                        (SSHD, "scripts/setup-gateway.sh installs openssh-server")):
        assert needed.exists(), f"{needed} is missing: {how} (make test runs it)"
    workdir = tmp_path_factory.mktemp("gateway")
    os.chmod(workdir, 0o755)
    launcher_tmp = workdir / "launcher-tmp"  # TMPDIR of every launcher, on every host
    launcher_tmp.mkdir()
    kernelspecs = workdir / "share" / "jupyter"
    environment = [f"LATENT_MNIST_DIR={ROOT / 'Data' / 'mnist'}", f"TMPDIR={launcher_tmp}",
                   f"XDG_DATA_HOME={workdir / 'kernel-data'}", f"LATENT_HISTORY_FILE={workdir / 'history.jsonl'}"]
    python = str(GATEWAY_VENV / "bin" / "python")
    install = [python, str(ROOT / "Kernelspec" / "gateway" / "install.py"), "--prefix", str(workdir),
               "--latent", str(latent_binary()), "--python", python] + [f"--env={e}" for e in environment]
    subprocess.run(install, check=True, capture_output=True)
    # The same launcher on the gateway's own machine (no ssh), for the start-up comparison.
    subprocess.run(install + ["--name", "latent_here", "--remote-hosts", "127.0.0.1"], check=True, capture_output=True)
    # And the plain kernelspec, which the gateway starts as a local process.
    subprocess.run([str(latent_binary()), "install", "--prefix", str(workdir)], check=True, capture_output=True)

    hosts = Hosts(workdir, HOST_COUNT)
    servers = None
    try:
        hosts.start()
        servers = Servers(workdir, hosts)
        servers.start(kernelspecs)
        yield hosts, servers, launcher_tmp
    finally:
        if servers is not None:
            servers.stop()
        hosts.stop()


def start_kernel(servers: Servers, name: str, notebook: str) -> tuple[str, KernelChannels, float]:
    """Starts a kernel through the jupyter_server for a notebook's session, as JupyterLab does;
    returns its id, its channels and the seconds from the request to its first
    kernel_info_reply."""
    started = time.monotonic()
    kernel_id = servers.rest("POST", "/api/sessions", {
        "path": notebook, "type": "notebook", "name": notebook, "kernel": {"name": name}})["kernel"]["id"]
    channels = KernelChannels(servers, kernel_id)
    info = channels.kernel_info()
    assert info["implementation"] == "latent", info
    return kernel_id, channels, time.monotonic() - started


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"{what} within {timeout:.0f} s")


def kernels_in(hosts: Hosts, kernel_ids: list[str]) -> dict[str, dict[int, str]]:
    """For each host, its processes that belong to one of these kernels (launcher or kernel)."""
    return {h["address"]: {pid: line for pid, line in hosts.processes(h["netns"]).items()
                           if any(k in line for k in kernel_ids)}
            for h in hosts.hosts}


def rss_megabytes(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def kernel_memory(hosts: Hosts, kernel_ids: list[str]) -> list[float]:
    """The resident memory of each of these kernels' `latent kernel` process, in MB."""
    memory = [rss_megabytes(pid) for procs in kernels_in(hosts, kernel_ids).values()
              for pid, line in procs.items() if " kernel --connection-file " in line]
    assert len(memory) == len(kernel_ids), memory  # one kernel process each
    return memory


def test_kernels_spread_over_hosts_run_lessons_interrupt_restart_and_leave_nothing(cluster, capsys):
    hosts, servers, launcher_tmp = cluster
    cluster_dir = servers.workdir
    # What JupyterLab's launcher shows: the gateway's kernelspecs, through the server, with logos.
    specs = servers.rest("GET", "/api/kernelspecs")["kernelspecs"]
    assert specs["latent_distributed"]["spec"]["display_name"] == "Latent (distributed)", specs
    logo = requests.get(f"{servers.url}/kernelspecs/latent_distributed/logo-64x64.png", timeout=60,
                        headers={"Authorization": f"token {servers.token}"})
    assert logo.status_code == 200 and logo.content.startswith(b"\x89PNG"), logo.status_code
    kernels: dict[str, KernelChannels] = {}
    remote_starts, local_starts, launcher_here_starts = [], [], []
    notebooks: dict[str, str] = {}  # kernel id -> its notebook
    for i in range(KERNEL_COUNT):
        kernel_id, channels, seconds = start_kernel(servers, "latent_distributed", f"learner{i}.ipynb")
        kernels[kernel_id] = channels
        notebooks[kernel_id] = f"learner{i}.ipynb"
        remote_starts.append(seconds)

    # Every kernel runs on one of the hosts, as a launcher with `latent kernel` its child, and
    # the gateway spread them (round robin): each host has some.
    launched = servers.launched_on()
    placement = {k: launched.get(k) for k in kernels}
    assert set(placement.values()) <= set(hosts.addresses), placement
    per_host = {a: sum(1 for h in placement.values() if h == a) for a in hosts.addresses}
    assert all(per_host.values()), per_host
    running = kernels_in(hosts, list(kernels))
    for kernel_id, address in placement.items():
        lines = [line for line in running[address].values() if kernel_id in line]
        assert any("launch_latent.py" in line for line in lines), (kernel_id, address, running)
        assert any(" kernel --connection-file " in line for line in lines), (kernel_id, address, running)
        # The notebook's name reached the kernel on its host (jupyter_server's allowed_envs,
        # the gateway's EG_CLIENT_ENVS, ssh, the launcher).
        pid = next(pid for pid, line in running[address].items()
                   if kernel_id in line and " kernel --connection-file " in line)
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        names = [e.split(b"=", 1)[1].decode() for e in environment if e.startswith(b"JPY_SESSION_NAME=")]
        assert names and names[0].endswith(notebooks[kernel_id]), (kernel_id, names)

    memory_at_start = kernel_memory(hosts, list(kernels))
    autosaved = cluster_dir / "kernel-data" / "latent" / "sessions"

    # A lesson's cells on each: data, a model, a little training, a picture.
    for kernel_id, channels in kernels.items():
        reply, messages = channels.execute(LESSON)
        assert reply["content"]["status"] == "ok", (kernel_id, reply["content"])
        shown = [m["content"]["data"].get("text/plain", "") for m in messages
                 if m["msg_type"] in ("display_data", "update_display_data")]
        assert shown and "20 batches" in shown[-1], shown
        reply, messages = channels.execute("reconstruct ae data.test[0:5]")
        assert reply["content"]["status"] == "ok", reply["content"]
        assert any("image/png" in m["content"].get("data", {}) for m in messages
                   if m["msg_type"] == "display_data"), [m["msg_type"] for m in messages]
        reply, messages = channels.execute("ae.loss")
        assert 0 < float(result_of(messages)) < 0.5, result_of(messages)
    # Each kernel autosaved its session under its notebook's name (docs/recovery.md).
    folders = [p.name for p in autosaved.iterdir()] if autosaved.exists() else []
    for notebook in notebooks.values():
        assert any(f"-{notebook}-" in name for name in folders), (notebook, folders)

    # What a kernel holds after those cells (for the docs' sizing, not an assertion).
    memory = kernel_memory(hosts, list(kernels))

    # An interrupt in the middle of training: jupyter_server -> gateway -> the launcher's
    # communication port -> SIGINT to the kernel (interrupt_mode "signal"), which stops at the
    # next batch and keeps the model and what it learned.
    interrupted, channels = next(iter(kernels.items()))
    channels.execute("train ae on data epochs 1 batch 100")
    msg_id = channels.start_execute(LONG_TRAINING)
    channels.finish(msg_id, until="display_data")  # its progress display: training is under way
    time.sleep(0.5)
    servers.rest("POST", f"/api/kernels/{interrupted}/interrupt")
    reply, messages = channels.finish(msg_id, timeout=60)
    assert reply["content"]["status"] in ("ok", "error"), reply["content"]
    assert "stopped" in stdout_of(messages), stdout_of(messages)
    assert "signal 2 from the gateway" in servers.launch_log(interrupted), servers.launch_log(interrupted)
    reply, messages = channels.execute("ae.epochs")
    assert 1 < float(result_of(messages)) < 10000, result_of(messages)
    reply, messages = channels.execute('print "still here"')
    assert "still here" in stdout_of(messages)

    # What is not a request on the communication port (not JSON, not an object, a signal that
    # is not a number, a connection that sends nothing) is dropped; the kernel goes on.
    address = placement[interrupted]
    port = int(re.search(r"communication port (\d+)", servers.launch_log(interrupted)).group(1))
    for junk in (b"not json", b"[2]", b'{"signum": "2"}', b'{"signum": true}', b'{"signum": -9}', b""):
        with socket.create_connection((address, port), timeout=10) as sock:
            sock.sendall(junk)
    reply, messages = channels.execute("ae.epochs")
    assert 1 < float(result_of(messages)) < 10000, result_of(messages)

    # A restart: a new kernel process under the same id (on whichever host the gateway picks
    # next), with a fresh session; the old launcher and kernel are gone.
    restarted, channels = list(kernels.items())[1]
    old = {pid for procs in kernels_in(hosts, [restarted]).values() for pid in procs}
    assert old
    channels.close()
    servers.rest("POST", f"/api/kernels/{restarted}/restart")
    channels = kernels[restarted] = KernelChannels(servers, restarted)
    channels.kernel_info()
    reply, _ = channels.execute("ae.epochs")
    assert reply["content"]["status"] == "error", reply["content"]  # a new session: no `ae`
    reply, messages = channels.execute('print "a fresh kernel"')
    assert "a fresh kernel" in stdout_of(messages)
    new = {pid for procs in kernels_in(hosts, [restarted]).values() for pid in procs}
    assert new and not (new & old), (old, new)
    assert servers.launch_log(restarted).count(" started: pid ") == 2, servers.launch_log(restarted)

    # The start-up comparison: the launcher on the gateway's machine, and a plain local kernel.
    for name, starts in (("latent_here", launcher_here_starts), ("latent", local_starts)):
        for i in range(LOCAL_COUNT):
            kernel_id, local_channels, seconds = start_kernel(servers, name, f"{name}{i}.ipynb")
            starts.append(seconds)
            reply, messages = local_channels.execute('print "here"')
            assert "here" in stdout_of(messages)
            local_channels.close()
            servers.rest("DELETE", f"/api/kernels/{kernel_id}")

    # Shut every kernel down; then nothing of theirs is left on any host: no process in any
    # namespace (sshd's own listener aside), no file in the launchers' temporary folder.
    for kernel_id, channels in kernels.items():
        channels.close()
        servers.rest("DELETE", f"/api/kernels/{kernel_id}")
    everything = list(kernels)
    wait_until(lambda: not any(kernels_in(hosts, everything).values()), 30,
               "the launchers and kernels did not all end")
    for h in hosts.hosts:  # sshd's sessions for the gateway's signals end too
        try:
            wait_until(lambda: not hosts.processes(h["netns"]), 15, "")
        except AssertionError:
            raise AssertionError(f"processes left in {h['netns']}: {hosts.processes(h['netns'])}") from None
    assert list(launcher_tmp.iterdir()) == [], list(launcher_tmp.iterdir())
    stray = [p for p in Path("/tmp").glob("latent-gateway-*") if any(k in p.name for k in everything)]
    assert stray == [], stray
    for kernel_id in everything:
        log = servers.launch_log(kernel_id)
        assert f"kernel {kernel_id} gone; removed" in log, log

    def figures(starts: list[float]) -> str:
        return f"median {statistics.median(starts):.2f} s, best {min(starts):.2f} s, worst {max(starts):.2f} s"

    report = "\n".join([
        "",
        f"Enterprise Gateway: {KERNEL_COUNT} kernels over {HOST_COUNT} hosts (network namespaces, sshd):",
        *(f"  {address}: {count} kernels" for address, count in per_host.items()),
        f"  restarted {restarted[:8]} on {servers.launched_on()[restarted]} (its first run was on {placement[restarted]})",
        "start-up, from POST /api/sessions to the first kernel_info_reply (shared 2-core machine: noisy):",
        f"  remote, launcher over ssh ({len(remote_starts)}): {figures(remote_starts)}",
        f"  local, launcher without ssh ({len(launcher_here_starts)}): {figures(launcher_here_starts)}",
        f"  local, plain kernelspec ({len(local_starts)}): {figures(local_starts)}",
        f"memory of a kernel (resident): median {statistics.median(memory_at_start):.0f} MB when started, "
        f"{statistics.median(memory):.0f} MB after the lesson cells (largest {max(memory):.0f} MB)",
        "",
    ])
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "gateway-report.txt").write_text(report)
    with capsys.disabled():
        print(report)
