# JupyterHub's configuration for a class on one machine (scripts/classroom.sh, and the test
# Tests/python/test_classroom.py, which loads this file and adds its own API token).
#
# Every setting that differs between a teacher's hub and a test's comes from the environment:
#   LATENT_CLASSROOM_ENV       the environment holding JupyterHub, JupyterLab and Latent
#   LATENT_CLASSROOM_STATE     where the hub keeps its database, cookie secret and proxy pid
#   LATENT_CLASSROOM_USERS     the learners' accounts, comma-separated
#   LATENT_CLASSROOM_PASSWORD  the class's shared password
#   LATENT_CLASSROOM_PORT      the public port on 127.0.0.1 (8000); the hub's own port and the
#                              proxy's API port are the next two
#   LATENT_CLASSROOM_CULL_IDLE, LATENT_CLASSROOM_CULL_INTERVAL
#                              seconds after which a learner's idle kernel is shut down (3600),
#                              and how often the servers look (300)
import os
from pathlib import Path

c = get_config()  # noqa: F821 (given by JupyterHub when it reads this file)

prefix = Path(os.environ["LATENT_CLASSROOM_ENV"])
state = Path(os.environ["LATENT_CLASSROOM_STATE"])
port = int(os.environ.get("LATENT_CLASSROOM_PORT", "8000"))

# Loopback only: this is a hub to try on one machine. A hub for a class elsewhere is set up as
# docs/classroom.md says (The Littlest JupyterHub, or a Kubernetes hub), with HTTPS.
c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")

# JupyterHub's own authenticator for short workshops: one shared password, and only the
# learners' accounts may log in. No Unix password is created for them, so the accounts cannot
# log in to the machine itself (PAM would need one for each).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["LATENT_CLASSROOM_PASSWORD"]
c.Authenticator.allowed_users = set(filter(None, os.environ["LATENT_CLASSROOM_USERS"].split(",")))

# Every learner's server runs as that learner (LocalProcessSpawner, JupyterHub's default), from
# the environment whose share/jupyter holds Latent's kernelspec, and opens JupyterLab.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(prefix / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
# A whole class logging in at once starts many servers together on a few cores: give them time.
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180
# What a learner's server inherits from the hub's environment: the locale, and the machine's
# OpenBLAS settings (some processors need them) for every kernel. Not the hub's PATH or
# PYTHONPATH: the learner's PATH starts with the class's environment.
c.Spawner.env_keep = ["LANG", "LC_ALL", "LD_LIBRARY_PATH", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]
# Every kernel maps the one MNIST cache that scripts/classroom.sh built (docs/memory.md).
c.Spawner.environment = {
    "PATH": f"{prefix / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "LATENT_DATA_CACHE": str(prefix / "share" / "latent" / "cache"),
}

# Idle kernels are shut down by each learner's jupyter_server: a kernel counts as idle when it
# has sent nothing for the timeout and is not busy, so a long `train` (busy, and reporting its
# progress) is never shut down. A kernel with a browser tab still open is kept as well
# (cull_connected is off). The settings go on the servers' command line, so they win over any
# config file in the environment.
cull_idle = int(os.environ.get("LATENT_CLASSROOM_CULL_IDLE", "3600"))
cull_interval = int(os.environ.get("LATENT_CLASSROOM_CULL_INTERVAL", "300"))
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
    f"--MappingKernelManager.cull_interval={cull_interval}",
]
