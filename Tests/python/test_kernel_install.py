"""`latent install` puts a kernelspec where Jupyter finds it, with this binary's absolute path,
interrupt by message, CurveZMQ declared and the logos; `--uninstall` takes it away."""
from __future__ import annotations

import json
import os
import subprocess

from latent_kernel_support import VENV_BIN, latent_binary


def run_latent(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(latent_binary()), *args], env=env, capture_output=True, text=True, check=True)


def listed_kernels(jupyter_path) -> dict:
    env = dict(os.environ, JUPYTER_PATH=str(jupyter_path), JUPYTER_DATA_DIR=str(jupyter_path))
    out = subprocess.run([str(VENV_BIN / "jupyter"), "kernelspec", "list", "--json"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["kernelspecs"]


def test_prefix_install_is_found_by_jupyter_and_uninstalls(tmp_path):
    run_latent("install", "--prefix", str(tmp_path))
    jupyter_dir = tmp_path / "share" / "jupyter"
    spec_dir = jupyter_dir / "kernels" / "latent"
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["argv"] == [str(latent_binary()), "kernel", "--connection-file", "{connection_file}"]
    assert spec["interrupt_mode"] == "message"
    assert spec["language"] == "latent"
    assert spec["metadata"]["supported_encryption"] == ["curve"]
    for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
        assert (spec_dir / logo).is_file(), logo
    kernels = listed_kernels(jupyter_dir)
    assert kernels["latent"]["spec"]["display_name"] == "Latent"
    assert kernels["latent"]["resource_dir"] == str(spec_dir)

    run_latent("install", "--prefix", str(tmp_path), "--uninstall")
    assert not spec_dir.exists()
    # (Another Latent kernelspec, e.g. the one setup puts into .venv, may still be listed.)
    assert listed_kernels(jupyter_dir).get("latent", {}).get("resource_dir") != str(spec_dir)


def test_sys_prefix_follows_the_active_virtual_environment(tmp_path):
    env = dict(os.environ, VIRTUAL_ENV=str(tmp_path / "venv"))
    run_latent("install", "--sys-prefix", env=env)
    assert (tmp_path / "venv" / "share" / "jupyter" / "kernels" / "latent" / "kernel.json").is_file()
    run_latent("install", "--sys-prefix", "--uninstall", env=env)
    assert not (tmp_path / "venv" / "share" / "jupyter" / "kernels" / "latent").exists()


def test_user_install_goes_to_the_jupyter_data_dir(tmp_path):
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "data"), HOME=str(tmp_path))
    run_latent("install", "--user", env=env)
    assert (tmp_path / "data" / "kernels" / "latent" / "kernel.json").is_file()


def test_conflicting_destinations_are_refused(tmp_path):
    result = subprocess.run([str(latent_binary()), "install", "--user", "--prefix", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "choose one" in result.stderr


def test_kernel_without_a_connection_file_explains(tmp_path):
    result = subprocess.run([str(latent_binary()), "kernel"], capture_output=True, text=True)
    assert result.returncode != 0 and "connection file" in result.stderr
    result = subprocess.run([str(latent_binary()), "kernel", str(tmp_path / "missing.json")],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "cannot read connection file" in result.stderr
