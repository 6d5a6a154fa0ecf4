#!/usr/bin/env python3
"""Installs the Latent kernelspec for Jupyter Enterprise Gateway's DistributedProcessProxy.

    python3 Kernelspec/gateway/install.py --prefix PREFIX --latent /path/to/latent \
        [--python /path/to/python3] [--name latent_distributed] [--remote-hosts h1,h2] \
        [--env KEY=VALUE ...]

writes PREFIX/share/jupyter/kernels/NAME/ with kernel.json, the logos and scripts/launch_latent.py.
The gateway reads kernel.json; each host runs the argv it names, so the Python (with
pycryptodomex), the launcher and latent must be at these paths on every host: run this with the
same arguments on each host, or install on a filesystem they share (docs/classroom.md, "More than one server").
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOGOS = HERE.parent / "latent"
PROXY = "enterprise_gateway.services.processproxies.distributed.DistributedProcessProxy"


def kernelspec(launcher: Path, args: argparse.Namespace) -> dict:
    proxy: dict = {"class_name": PROXY}
    if args.remote_hosts:
        proxy["config"] = {"remote_hosts": args.remote_hosts}
    return {
        "display_name": args.display_name,
        "language": "latent",
        # "signal": the gateway interrupts through the launcher, which sends SIGINT to the
        # kernel (the kernel stops training at the next batch, as for an interrupt_request).
        "interrupt_mode": "signal",
        "metadata": {"process_proxy": proxy},
        "env": dict(pair.split("=", 1) for pair in args.env),
        "argv": [
            args.python, str(launcher),
            "--RemoteProcessProxy.kernel-id", "{kernel_id}",
            "--RemoteProcessProxy.response-address", "{response_address}",
            "--RemoteProcessProxy.public-key", "{public_key}",
            "--RemoteProcessProxy.port-range", "{port_range}",
            "--latent", args.latent,
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", required=True, type=Path, help="installs into PREFIX/share/jupyter/kernels")
    parser.add_argument("--latent", required=True, help="the latent executable's path on the hosts")
    parser.add_argument("--python", default=sys.executable,
                        help="a Python 3 with pycryptodomex, on the hosts (default: this one)")
    parser.add_argument("--name", default="latent_distributed")
    parser.add_argument("--display-name", default="Latent (distributed)")
    parser.add_argument("--remote-hosts", help="hosts for this kernelspec only (default: the gateway's EG_REMOTE_HOSTS)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="set in the kernel's environment on the host; may be repeated")
    args = parser.parse_args()
    for pair in args.env:
        if "=" not in pair:
            parser.error(f"--env {pair!r}: give KEY=VALUE")

    target = args.prefix.resolve() / "share" / "jupyter" / "kernels" / args.name
    (target / "scripts").mkdir(parents=True, exist_ok=True)
    launcher = target / "scripts" / "launch_latent.py"
    shutil.copyfile(HERE / "launch_latent.py", launcher)
    for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
        shutil.copyfile(LOGOS / logo, target / logo)
    (target / "kernel.json").write_text(json.dumps(kernelspec(launcher, args), indent=2) + "\n")
    print(target)


if __name__ == "__main__":
    main()
