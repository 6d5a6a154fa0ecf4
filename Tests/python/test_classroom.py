"""A class of 20 learners on one real JupyterHub, all at once.

The hub is installed as `make classroom` installs it (scripts/classroom.sh --install: JupyterHub
from PyPI, Debian's configurable-http-proxy, Latent's kernelspec in the hub environment's
sys-prefix, 20 learner accounts) and run with the same configuration
(scripts/classroom/jupyterhub_config.py) plus a service token and a short idle timeout. Then,
as a browser would:

- every learner's server is started through the hub's REST API; each server runs as its
  learner and finds the Latent kernelspec of the hub's environment;
- each learner opens lesson 1 (a session, through the hub's proxy) and runs every cell of lesson
  1 and then lesson 2's model with 20 training steps, over the kernel's websocket channels, all
  20 learners at the same time. Every cell must reply ok with no error or stderr, and meet the
  checks the lesson's cells carry (pictures, the loss bound), as Tests/python/test_lessons.py
  reads them;
- each learner's kernel process (among the processes the hub started, the one running as that
  learner) is measured: resident memory now and at its peak, PSS, CPU time. They are printed,
  and bounded so that a runaway fails: a peak under 600 MB, CPU under 30 s a kernel, and under
  1 s a kernel over 10 s idle;
- with the servers' `cull_idle_timeout` at 30 s, every idle kernel is shut down, none before
  it had been idle for the timeout, while one learner's long `train` (busy) is not; once
  interrupted, that kernel goes idle and is shut down in turn;
- last, a learner logs in with the class password in headless Chromium, JupyterLab opens on
  their server, and lesson 1's first cell runs on the Latent kernel and prints hello, world
  (a screenshot goes to build/classroom/). Without a browser that part is skipped, saying why,
  as in Tests/python/test_browser.py.

It needs root (or sudo without a password): the hub creates accounts and runs servers as them.
Without, it is skipped, saying why, except under CI=true, where it fails.
"""
from __future__ import annotations

import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from hub_support import (CLASSROOM_ENV, Hub, KernelChannels, install, kernel_pids, kernel_usage, learner_names,
                         learner_uid, root_command, server_pids)
from latent_kernel_support import latent_binary
from test_lessons import check_cell, errors_in

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "classroom"
LEARNERS = learner_names(20)
CULL_IDLE = 30  # s: the learners' servers shut a kernel down after this long idle
CULL_INTERVAL = 5  # s: how often they look
CELL_TIMEOUT = 600  # s: 20 kernels share the cores, so a cell takes up to 20 times longer
PEAK_RSS_LIMIT_MB = 600
CPU_LIMIT_S = 30  # a kernel uses about 2 s; spinning threads would show here
IDLE_WINDOW_S = 10
IDLE_CPU_LIMIT_S = 1.0
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def lesson_cells() -> list[nbformat.NotebookNode]:
    """Every code cell of lesson 1, then lesson 2's first cell (MNIST, the model, its summary),
    its healthy model trained for 20 steps instead of an epoch, and the reconstruction after it;
    each with the checks its lesson gives it."""
    lesson1 = nbformat.read(ROOT / "Lessons" / "01-welcome.ipynb", as_version=4)
    lesson2 = nbformat.read(ROOT / "Lessons" / "02-dense-autoencoder.ipynb", as_version=4)
    code2 = [cell for cell in lesson2.cells if cell.cell_type == "code"]
    healthy = next(cell for cell in code2 if "latent 16\n" in cell.source and "train ae on data epochs 1" in cell.source)
    steps = nbformat.v4.new_code_cell(healthy.source.replace("epochs 1", "steps 20"), metadata=healthy.metadata)
    after = code2[code2.index(healthy) + 1]
    assert after.source.startswith("reconstruct ae"), after.source
    return [cell for cell in lesson1.cells if cell.cell_type == "code"] + [code2[0], steps, after]


def run_lessons(hub: Hub, learner: str) -> dict:
    """One learner's run: a session on lesson 1, every cell in turn over the websocket; then
    the learner's kernel process is measured, just after the last cell and after a spell idle
    (shorter than the idle timeout, so that the kernel is there to be measured)."""
    _, session = hub.request("POST", f"/user/{learner}/api/sessions", {
        "path": "lessons/01-welcome.ipynb", "name": "01-welcome.ipynb", "type": "notebook",
        "kernel": {"name": "latent"}})
    kernel_id = session["kernel"]["id"]
    channels = KernelChannels(hub, learner, kernel_id)
    executed = []
    started = time.monotonic()
    try:
        for template in lesson_cells():
            reply, iopub = channels.execute(template.source, CELL_TIMEOUT)
            executed.append((reply["content"]["status"], executed_cell(template, iopub)))
    finally:
        channels.close()
    finished = time.monotonic()
    pids = kernel_pids(hub, learner_uid(learner))
    usage = kernel_usage(hub.as_root, pids[0]) if len(pids) == 1 else None
    servers = server_pids(hub, learner_uid(learner))  # for the figures: what the learner's server holds
    server = kernel_usage(hub.as_root, servers[0]) if len(servers) == 1 else None
    time.sleep(IDLE_WINDOW_S)
    idle_cpu = kernel_usage(hub.as_root, pids[0])["cpu_s"] - usage["cpu_s"] if usage else None
    return {"kernel_id": kernel_id, "cells": executed, "seconds": finished - started, "finished": finished,
            "pids": pids, "usage": usage, "idle_cpu_s": idle_cpu, "server": server}


def executed_cell(template: nbformat.NotebookNode, iopub: list[dict]) -> nbformat.NotebookNode:
    """The cell as a notebook would hold it after these iopub messages (display updates applied)."""
    cell = nbformat.v4.new_code_cell(template.source, metadata=template.metadata)
    shown: dict[str, list[int]] = {}  # display_id -> the outputs it drew
    for message in iopub:
        display_id = message["content"].get("transient", {}).get("display_id")
        if message["msg_type"] == "update_display_data":
            for index in shown.get(display_id, []):
                cell.outputs[index].data = message["content"]["data"]
                cell.outputs[index].metadata = message["content"]["metadata"]
        elif message["msg_type"] in ("stream", "display_data", "execute_result", "error"):
            if display_id:
                shown.setdefault(display_id, []).append(len(cell.outputs))
            cell.outputs.append(nbformat.v4.output_from_msg(message))
    return cell


@pytest.fixture(scope="module")
def hub():
    as_root = root_command()
    if isinstance(as_root, str):
        reason = f"the classroom hub needs root: {as_root} (it creates learner accounts and runs their servers as them)"
        if IN_CI:
            pytest.fail(reason + " (CI=true: the classroom test must run)")
        pytest.skip(reason)
    install(as_root, latent_binary(), len(LEARNERS))
    running = Hub(as_root, LEARNERS, cull_idle=CULL_IDLE, cull_interval=CULL_INTERVAL)
    try:
        running.wait_until_up()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def lessons_run(hub):
    """Every learner's server started, then every learner's lessons run at the same time."""
    start = time.monotonic()
    with ThreadPoolExecutor(len(LEARNERS)) as pool:  # the whole class logs in at once
        list(pool.map(hub.start_server, LEARNERS))
    waiting = set(LEARNERS)
    while waiting and time.monotonic() - start < 300:
        waiting = {learner for learner in waiting if not hub.server_ready(learner)}
        time.sleep(1)
    assert not waiting, f"servers not ready within 300 s: {sorted(waiting)}\n{hub.log_tail()}"
    spawned = time.monotonic() - start
    start = time.monotonic()
    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        runs = dict(zip(LEARNERS, pool.map(lambda learner: run_lessons(hub, learner), LEARNERS)))
    ran = time.monotonic() - start
    print(f"\nclassroom: {len(LEARNERS)} servers ready in {spawned:.1f} s; lesson 1 and 20 steps of lesson 2, "
          f"all {len(LEARNERS)} at once, in {ran:.1f} s (each learner: "
          f"{min(r['seconds'] for r in runs.values()):.1f} to {max(r['seconds'] for r in runs.values()):.1f} s)")
    return runs


def test_installed_kernelspec_is_the_hub_environments(hub, lessons_run):
    """Every learner's server lists Latent from the hub environment's share/jupyter, running
    the binary installed beside it, which is this checkout's."""
    for learner in LEARNERS:
        _, specs = hub.request("GET", f"/user/{learner}/api/kernelspecs")
        spec = specs["kernelspecs"]["latent"]["spec"]
        assert spec["argv"][0] == str(CLASSROOM_ENV / "bin" / "latent"), spec
        assert spec["language"] == "latent"
    assert (CLASSROOM_ENV / "bin" / "latent").read_bytes() == latent_binary().read_bytes()


def test_every_learner_gets_every_output(lessons_run):
    problems = []
    for learner, run in lessons_run.items():
        nb = nbformat.v4.new_notebook(cells=[cell for _, cell in run["cells"]])
        problems += [f"{learner}: {p}" for p in errors_in(nb)]
        for i, (status, cell) in enumerate(run["cells"]):
            if status != "ok":
                problems.append(f"{learner}: cell {i} ({cell.source.splitlines()[0]!r}) replied {status}")
            problems += [f"{learner}: {p}" for p in check_cell(i, cell)]
        first = run["cells"][0][1]
        if "hello, world" not in "".join(o.get("text", "") for o in first.outputs):
            problems.append(f"{learner}: lesson 1's first cell did not print hello, world: {first.outputs}")
    assert not problems, "\n".join(problems)


def test_each_kernel_runs_as_its_learner_within_memory_and_cpu(lessons_run):
    """Each learner runs one Latent kernel, as that learner; measured just after its last cell."""
    problems = [f"{learner} runs {len(run['pids'])} Latent kernels ({run['pids']}), not one"
                for learner, run in lessons_run.items() if len(run["pids"]) != 1]
    assert not problems, "\n".join(problems)
    print(f"\n{'kernel of':18} {'RSS MB':>7} {'peak RSS':>9} {'PSS MB':>7} {'CPU s':>6} "
          f"{'CPU s idle ' + str(IDLE_WINDOW_S) + ' s':>16} {'server PSS MB':>14}")
    for learner, run in lessons_run.items():
        figures, server = run["usage"], run["server"]
        print(f"{learner:18} {figures['rss_mb']:7.0f} {figures['peak_rss_mb']:9.0f} {figures['pss_mb']:7.0f} "
              f"{figures['cpu_s']:6.1f} {run['idle_cpu_s']:16.2f} {server['pss_mb'] if server else float('nan'):14.0f}")
    for key in ("rss_mb", "peak_rss_mb", "pss_mb", "cpu_s"):
        values = [run["usage"][key] for run in lessons_run.values()]
        print(f"kernels' {key}: median {statistics.median(values):.1f}, max {max(values):.1f}, total {sum(values):.0f}")
    servers = [run["server"] for run in lessons_run.values() if run["server"]]
    for key in ("rss_mb", "pss_mb"):
        values = [server[key] for server in servers]
        print(f"servers' {key}: median {statistics.median(values):.1f}, max {max(values):.1f}, total {sum(values):.0f}")
    for learner, run in lessons_run.items():
        figures = run["usage"]
        if figures["peak_rss_mb"] >= PEAK_RSS_LIMIT_MB:
            problems.append(f"{learner}: peak RSS {figures['peak_rss_mb']:.0f} MB, not under {PEAK_RSS_LIMIT_MB}")
        if figures["cpu_s"] >= CPU_LIMIT_S:
            problems.append(f"{learner}: {figures['cpu_s']:.1f} s of CPU, not under {CPU_LIMIT_S}")
        if not figures["maps_class_cache"]:
            problems.append(f"{learner}: its kernel does not map the class's MNIST cache (it holds its own copy)")
        if run["idle_cpu_s"] >= IDLE_CPU_LIMIT_S:
            problems.append(f"{learner}: {run['idle_cpu_s']:.2f} s of CPU in {IDLE_WINDOW_S} s idle")
    assert not problems, "\n".join(problems)


def test_idle_kernels_are_culled_and_a_training_one_is_not(hub, lessons_run):
    # The trainer is the last learner to finish: its kernel is the surest to be still there.
    trainer = max(LEARNERS, key=lambda learner: lessons_run[learner]["finished"])
    others = [learner for learner in LEARNERS if learner != trainer]
    kernel_of = {learner: run["kernel_id"] for learner, run in lessons_run.items()}
    last_activity = {learner: run["finished"] for learner, run in lessons_run.items()}

    # The trainer starts a long training, then closes the tab: only being busy keeps it.
    channels = KernelChannels(hub, trainer, kernel_of[trainer])
    msg_id = channels.send_execute("train ae epochs 1000")
    while True:
        message = channels.receive(60)
        assert message is not None, "the training never started"
        if (message.get("msg_type") == "status" and message["parent_header"].get("msg_id") == msg_id
                and message["content"]["execution_state"] == "busy"):
            break
    training_since = time.monotonic()
    channels.close()

    def kernels(learner):
        _, found = hub.request("GET", f"/user/{learner}/api/kernels")
        return {k["id"]: k for k in found}

    culled_at: dict[str, float] = {}
    deadline = time.monotonic() + CULL_IDLE + 2 * CULL_INTERVAL + 120
    while len(culled_at) < len(others) and time.monotonic() < deadline:
        for learner in others:
            if learner not in culled_at and kernel_of[learner] not in kernels(learner):
                culled_at[learner] = time.monotonic()
        time.sleep(1)
    assert not set(others) - set(culled_at), f"never culled: {sorted(set(others) - set(culled_at))}"
    too_early = {learner: round(at - last_activity[learner], 1) for learner, at in culled_at.items()
                 if at - last_activity[learner] < CULL_IDLE - 1}
    assert not too_early, f"culled before {CULL_IDLE} s idle (seconds idle): {too_early}"

    # Every idle kernel is gone; the training one is still there, busy for longer than the timeout.
    while time.monotonic() - training_since < CULL_IDLE + 2 * CULL_INTERVAL:
        time.sleep(1)
    model = kernels(trainer).get(kernel_of[trainer])
    assert model is not None, f"{trainer}'s kernel was culled while training\n{hub.log_tail()}"
    assert model["execution_state"] == "busy", model
    busy_for = time.monotonic() - training_since

    # Interrupted, it is idle, and is culled in its turn.
    hub.request("POST", f"/user/{trainer}/api/kernels/{kernel_of[trainer]}/interrupt")
    interrupted = time.monotonic()
    while kernel_of[trainer] in kernels(trainer):
        assert time.monotonic() - interrupted < CULL_IDLE + 2 * CULL_INTERVAL + 120, \
            f"{trainer}'s kernel was not culled after its training was interrupted"
        time.sleep(1)
    idle_for = time.monotonic() - interrupted
    assert idle_for >= CULL_IDLE - 1, f"{trainer}'s kernel was culled {idle_for:.1f} s after the interrupt"
    print(f"\nculling: {len(others)} idle kernels culled {min(culled_at[l] - last_activity[l] for l in others):.0f} "
          f"to {max(culled_at[l] - last_activity[l] for l in others):.0f} s after their last cell; a training "
          f"kernel busy for {busy_for:.0f} s kept, then culled {idle_for:.0f} s after it was interrupted")


def test_a_learner_logs_in_and_runs_a_cell_in_a_browser(hub, lessons_run):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from test_browser import browser_or_skip, start_chromium

    learner = LEARNERS[1]
    driver = start_chromium(*browser_or_skip())
    wait = WebDriverWait(driver, 180)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        driver.get(hub.url + "/hub/login")
        wait.until(lambda d: d.find_elements(By.ID, "username_input"))[0].send_keys(learner)
        driver.find_element(By.ID, "password_input").send_keys(hub.password)
        driver.find_element(By.ID, "login_submit").click()
        wait.until(lambda d: f"/user/{learner}/lab" in d.current_url)
        driver.get(hub.url + f"/user/{learner}/lab/tree/lessons/01-welcome.ipynb")
        panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
        wait.until(lambda d: "Latent" in d.find_element(By.CSS_SELECTOR, f"{panel} .jp-Toolbar-kernelName").text)
        wait.until(lambda d: "Latent | Idle" in d.find_element(By.TAG_NAME, "body").text)  # the status bar

        def run_first_cell(d):  # the notebook may still redraw: find the cell anew until the click lands
            try:
                d.find_element(By.CSS_SELECTOR, f"{panel} .jp-CodeCell .jp-InputPrompt").click()
            except StaleElementReferenceException:
                return False
            ActionChains(d).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
            return True

        wait.until(run_first_cell)
        first_output = f"{panel} .jp-CodeCell .jp-OutputArea"
        wait.until(lambda d: "hello, world" in d.find_element(By.CSS_SELECTOR, first_output).text)
        driver.save_screenshot(str(SHOTS / "hub-learner-lesson1.png"))
    except Exception:
        driver.save_screenshot(str(SHOTS / "hub-learner-failure.png"))
        raise
    finally:
        driver.quit()
