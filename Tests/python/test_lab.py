"""The README's main command brings up JupyterLab whose kernel list shows Latent, on the learner's
own working copy of the lessons, never on the repository's Lessons/.

Starts JupyterLab exactly as `make lab` does (scripts/lab.sh, with set-up skipped since the test
command has just done it, and LATENT_LESSONS_DIR set to a temporary folder), then asks the
server's REST API for its kernelspecs and its files.
"""
import hashlib
import os
import re
import signal
from pathlib import Path

from lab_support import ROOT, TOKEN, Lab, free_port, lab_env, wait_until_gone

LESSONS = ROOT / "Lessons"


def lesson_files():
    """Lessons/'s files, relative to it (hidden ones and the teachers' assignments/ left out, as
    lab.sh leaves them)."""
    return sorted(
        p.relative_to(LESSONS) for p in LESSONS.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(LESSONS).parts)
        and p.relative_to(LESSONS).parts[0] != "assignments"
    )


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}


def test_lab_lists_the_latent_kernel(tmp_path):
    lessons, before = tmp_path / "my lessons", snapshot(LESSONS)  # a space, as a home folder may have
    lab = Lab(lab_env(tmp_path, lessons), free_port())
    try:
        url = lab.wait_for_url()
        # The URL to open, with its token, is the last thing said, plainly.
        said = [line for line in lab.output().splitlines() if line.strip()]
        assert said[-2:] == ["Open this in your browser:", f"http://127.0.0.1:{lab.port}/lab?token={TOKEN}"], said
        assert url == said[-1]
        assert any("its log goes to" in line and str(tmp_path / "lab.log") in line for line in said), said

        specs = lab.api("/api/kernelspecs")
        assert "latent" in specs["kernelspecs"], sorted(specs["kernelspecs"])
        spec = specs["kernelspecs"]["latent"]["spec"]
        assert spec["language"] == "latent"
        assert spec["display_name"].startswith("Latent")
        assert Path(spec["argv"][0]).is_absolute() and os.access(spec["argv"][0], os.X_OK)

        # The lab serves the learner's copy of the lessons, data included, and not Lessons/ itself.
        assert Path(lab.server_info()["root_dir"]).resolve() == lessons.resolve()
        for rel in lesson_files():
            assert (lessons / rel).read_bytes() == (LESSONS / rel).read_bytes(), f"{rel} was not copied"
        names = {item["name"] for item in lab.api("/api/contents")["content"]}
        assert {p.name for p in LESSONS.glob("*.ipynb")} | {"data"} <= names, names
        assert "assignments" not in names, "the teachers' assignments (solutions included) reached the learner"
        assert "noisy-digits-images.gz" in {item["name"] for item in lab.api("/api/contents/data")["content"]}

        # "New notebook" and saving land in the working copy; the repository's Lessons/ is untouched.
        made = lab.api("/api/contents", method="POST", body={"type": "notebook"})
        assert (lessons / made["path"]).is_file(), made
        first = sorted(LESSONS.glob("*.ipynb"))[0].name
        model = lab.api(f"/api/contents/{first}")
        model["content"]["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "my note"})
        lab.api(f"/api/contents/{first}", method="PUT", body={"type": "notebook", "format": "json",
                                                               "content": model["content"]})
        assert "my note" in (lessons / first).read_text()
        # A kernel, to check below that stopping the lab stops it too.
        lab.api("/api/kernels", method="POST", body={"name": "latent"})
    finally:
        status = lab.stop()
    assert snapshot(LESSONS) == before, "the repository's Lessons/ changed"
    assert not wait_until_gone(str(tmp_path)), "processes left behind after lab.sh stopped"
    assert "stopping JupyterLab" in lab.output(), lab.output()
    assert status in (0, 130, 143), status


def test_a_second_run_keeps_the_learners_copies(tmp_path):
    lessons = tmp_path / "lessons"
    first_run = Lab(lab_env(tmp_path, lessons), free_port())
    try:
        first_run.wait_for_url()
    finally:
        first_run.stop()
    assert re.search(rf"copied {len(lesson_files())} new file\(s\)", first_run.output()), first_run.output()

    notebooks = sorted(LESSONS.glob("*.ipynb"))
    edited, removed, stale = notebooks[1].name, notebooks[2].name, notebooks[3].name
    (lessons / edited).write_text((lessons / edited).read_text().replace('"cells": [', '"cells": [ ', 1))
    mine = (lessons / edited).read_bytes()
    (lessons / removed).unlink()
    # As if `stale` had been copied from an older version of the lesson and then worked on: the
    # record of what was copied names another version, and the learner's copy differs.
    manifest = lessons / ".latent-lessons.sha256"
    manifest.write_text(re.sub(rf"^\w+  {re.escape(stale)}$", f"{'0' * 64}  {stale}",
                               manifest.read_text(), flags=re.M))
    (lessons / stale).write_text((lessons / stale).read_text() + "\n")
    theirs = (lessons / stale).read_bytes()

    second_run = Lab(lab_env(tmp_path, lessons), free_port())
    try:
        second_run.wait_for_url()
    finally:
        second_run.stop()
    said = second_run.output()
    assert (lessons / edited).read_bytes() == mine, "a second run overwrote the learner's edited lesson"
    assert (lessons / stale).read_bytes() == theirs, "a second run overwrote a lesson that changed upstream"
    assert (lessons / removed).read_bytes() == (LESSONS / removed).read_bytes(), "a removed lesson was not copied again"
    assert "copied 1 new file(s)" in said, said
    told = [line for line in said.splitlines() if "changed upstream" in line]
    assert len(told) == 1 and stale in told[0] and edited not in told[0], said


def test_ctrl_c_stops_jupyterlab_and_its_kernels(tmp_path):
    lab = Lab(lab_env(tmp_path, tmp_path / "lessons"), free_port(), as_in_a_terminal=True)
    try:
        lab.wait_for_url()
        kernel = lab.api("/api/kernels", method="POST", body={"name": "latent"})
        assert kernel["name"] == "latent"
    finally:
        lab.stop(how="ctrl-c")
    assert not wait_until_gone(str(tmp_path)), "processes left behind after Ctrl-C"
    log = (tmp_path / "lab.log").read_text()
    assert "Kernel shutdown" in log or "Shutting down 1 kernel" in log, log[-2000:]


def test_a_server_that_will_not_stop_is_killed_with_its_kernels(tmp_path):
    lab = Lab(lab_env(tmp_path, tmp_path / "lessons"), free_port(), as_in_a_terminal=True)
    try:
        lab.wait_for_url()
        lab.api("/api/kernels", method="POST", body={"name": "latent"})
        os.kill(lab.server_info()["pid"], signal.SIGSTOP)  # deaf to Ctrl-C's polite request
    finally:
        status = lab.stop(how="ctrl-c")
    assert "did not stop within 10 s: killing it" in lab.output(), lab.output()
    assert not wait_until_gone(str(tmp_path)), "processes left behind after JupyterLab was killed"
    assert status == 130, status
