"""The README's main command brings up JupyterLab whose kernel list shows Latent.

Starts JupyterLab exactly as `make lab` does (scripts/lab.sh, with set-up skipped since the test
command has just done it), then asks the server's REST API for its kernelspecs.
"""
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lab_lists_the_latent_kernel(tmp_path):
    port, token = free_port(), "latent-test-token"
    env = dict(os.environ, LATENT_SKIP_SETUP="1", JUPYTER_RUNTIME_DIR=str(tmp_path))
    lab = subprocess.Popen(
        [str(ROOT / "scripts" / "lab.sh"), f"--port={port}", f"--IdentityProvider.token={token}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/kernelspecs?token={token}"
        deadline, specs = time.monotonic() + 60, None
        while time.monotonic() < deadline and specs is None:
            assert lab.poll() is None, "jupyter lab exited early:\n" + lab.stdout.read()
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    specs = json.load(response)
            except OSError:
                time.sleep(0.3)
        assert specs is not None, "jupyter lab did not answer within 60 s"
        assert "latent" in specs["kernelspecs"], sorted(specs["kernelspecs"])
        spec = specs["kernelspecs"]["latent"]["spec"]
        assert spec["language"] == "latent"
        assert spec["display_name"].startswith("Latent")
        assert Path(spec["argv"][0]).is_absolute() and os.access(spec["argv"][0], os.X_OK)
        # The lab serves the lessons folder.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=5) as r:
            names = {item["name"] for item in json.load(r)["content"]}
        assert any(name.endswith(".ipynb") for name in names), names
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=10)
        except subprocess.TimeoutExpired:
            lab.kill()
