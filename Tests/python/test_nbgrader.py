"""The example assignment (Lessons/assignments/) through nbgrader's own commands, as a teacher runs
them, on the real Latent kernel.

A temporary course directory gets a copy of Lessons/assignments/ (its nbgrader_config.py and
source/autoencoder/). `nbgrader generate_assignment` makes the learners' notebook; submissions are
made from it as learners would hand it in, and `nbgrader autograde` grades them, each notebook in
a new Latent kernel started through nbclient; the grades are read from the gradebook
(nbgrader.api.Gradebook).

- ada hands in the source's solutions: full marks on every test cell; her written answers wait
  for the teacher.
- bo hands in the released notebook unchanged: the stub fails each solution cell with its
  message, every test cell fails (there is no 'ae'), and he scores 0 in all.
- cy trains one epoch: the model's test and the "learned something" test pass, the target's does
  not: partial marks.
- dee trains for 1,000 epochs, graded with a per-cell timeout of TIMEOUT seconds: nbgrader
  interrupts the cell (an interrupt_request, since the kernelspec's interrupt_mode is "message"),
  the kernel stops training and goes on running the next cells, whose tests pass on what it
  learned until then.
- eve hands in ada's notebook, graded where autosave cannot write: its notice on stderr would zero
  the test cell it lands in; the course's IgnorePattern drops it, and she gets full marks.

No graded notebook has stderr output in any cell, and the kernel logs nothing on nbgrader's
stderr.
"""
from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from latent_kernel_support import VENV_BIN, install_kernelspec, isolate_jupyter

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "Lessons" / "assignments"
ASSIGNMENT = "autoencoder"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
ANSWERS = ("model", "train", "answer-bottleneck", "answer-test-loss")  # the source's solution cells
TESTS = ("test-model", "test-learned", "test-target")  # the autograded cells, in order
TIMEOUT = 12  # seconds per cell for dee: far above the other cells' time, far below 1,000 epochs'


def grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course directory with the assignment generated, and a function that runs nbgrader in
    it (returning its stderr)."""
    scratch = tmp_path_factory.mktemp("nbgrader")
    env = dict(os.environ)
    env.update(isolate_jupyter(install_kernelspec(scratch / "prefix"), scratch / "history.jsonl"))
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader runs `alembic` from PATH
    directory = scratch / "course"
    shutil.copytree(COURSE, directory)

    def nbgrader(*args: str, **changes: str) -> str:
        done = subprocess.run([str(VENV_BIN / "nbgrader"), *args], cwd=directory, env={**env, **changes},
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr}"
        assert "[latent kernel]" not in done.stderr, done.stderr
        return done.stderr

    nbgrader("generate_assignment", ASSIGNMENT)
    return directory, nbgrader


def released(course_dir: Path):
    return nbformat.read(course_dir / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)


def submit(course_dir: Path, student: str, answers: dict[str, str]) -> None:
    """The released notebook with some cells written in, where `nbgrader collect` puts it."""
    nb = copy.deepcopy(released(course_dir))
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    folder = course_dir / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / NOTEBOOK)


def solutions() -> dict[str, str]:
    source = nbformat.read(COURSE / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    return {grade_id(cell): cell.source for cell in source.cells if grade_id(cell) in ANSWERS}


def autograded(course_dir: Path, student: str) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(course_dir / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
    return {grade_id(cell): cell for cell in nb.cells}


def grades(course_dir: Path, student: str) -> dict[str, tuple[float | None, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {g.name: (g.auto_score, g.max_score) for g in notebook.grades}


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def errors_of(cell) -> list:
    return [o for o in cell.outputs if o.output_type == "error"]


def assert_no_stderr(cells: dict) -> None:
    stray = {name: o.text for name, cell in cells.items() if cell.cell_type == "code"
             for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"}
    assert not stray, f"stderr in graded cells: {stray}"


@pytest.fixture(scope="module")
def graded_three(course):
    """ada, bo and cy, handed in together and graded by one `nbgrader autograde`."""
    directory, nbgrader = course
    answers = solutions()
    submit(directory, "ada", answers)
    submit(directory, "bo", {})
    submit(directory, "cy", {**answers, "train": "train ae on data epochs 1 batch 50"})
    nbgrader("autograde", ASSIGNMENT)
    return directory


def test_the_source_notebook_is_committed_clean():
    nb = nbformat.read(COURSE / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec == {"name": "latent", "display_name": "Latent", "language": "latent"}
    assert not [c for c in nb.cells if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]


def test_the_released_notebook_hides_solutions_and_hidden_tests(course):
    directory, _ = course
    stub = config().ClearSolutions.code_stub["latent"]
    cells = {grade_id(cell): cell for cell in released(directory).cells}
    assert [cells[name].source for name in ("model", "train")] == [stub, stub]
    assert cells["answer-bottleneck"].source == cells["answer-test-loss"].source == "YOUR ANSWER HERE"
    everything = "\n".join(cell.source for cell in cells.values())
    for hidden in ("SOLUTION", "HIDDEN TESTS", "dense 250", "epochs 5", "ae.params", "data.count"):
        assert hidden not in everything, hidden
    # The visible tests stay, as written in the source.
    assert 'check ae.loss < 0.03 "' in cells["test-target"].source


def test_the_notebook_states_the_grader_timeout(course):
    """The learners are told the per-cell timeout the course's config sets."""
    seconds = config().Execute.timeout
    intro = released(course[0]).cells[0].source
    assert f"**{seconds} seconds**" in intro, intro


def test_a_correct_submission_gets_full_marks(graded_three):
    marks = grades(graded_three, "ada")
    assert {name: marks[name] for name in TESTS} == {name: (marks[name][1], marks[name][1]) for name in TESTS}
    assert all(marks[name][1] > 0 for name in TESTS)
    # The written answers are the teacher's to mark.
    assert marks["answer-bottleneck"][0] is None and marks["answer-test-loss"][0] is None
    cells = autograded(graded_three, "ada")
    assert "check passed: ae.loss is 0.0" in text_of(cells["test-target"])
    assert "check passed: data.count is 7000" in text_of(cells["test-target"])  # the hidden test ran
    assert any("image/png" in o.get("data", {}) for o in cells["look"].outputs)


def test_an_empty_submission_gets_zero(graded_three):
    marks = grades(graded_three, "bo")
    assert all(score == 0 for score, _ in marks.values()), marks
    cells = autograded(graded_three, "bo")
    # The stub fails the solution cells with its message; the kernel carries on, and each test
    # fails with its own clear error, not a dead kernel's.
    for name in ("model", "train"):
        (error,) = errors_of(cells[name])
        assert error.ename == "AssertionError" and "not answered yet" in error.evalue, error
    for name in TESTS:
        (error,) = errors_of(cells[name])
        assert error.ename == "NameError" and "there is no 'ae'" in error.evalue, error


def test_too_little_training_gets_partial_marks(graded_three):
    marks = grades(graded_three, "cy")
    assert marks["test-model"][0] == marks["test-model"][1] > 0
    assert marks["test-learned"][0] == marks["test-learned"][1] > 0
    assert marks["test-target"][0] == 0
    (error,) = errors_of(autograded(graded_three, "cy")["test-target"])
    assert error.ename == "AssertionError" and "train longer" in error.evalue
    assert re.search(r"ae\.loss is 0\.0[3-4]", "\n".join(error.traceback)), error.traceback


def test_graded_notebooks_have_nothing_on_stderr(graded_three):
    for student in ("ada", "bo", "cy"):
        assert_no_stderr(autograded(graded_three, student))


def test_a_cell_past_the_timeout_is_interrupted_and_grading_goes_on(course, graded_three):
    directory, nbgrader = course
    submit(directory, "dee", {**solutions(), "train": "train ae on data epochs 1000 batch 50"})
    log = nbgrader("autograde", ASSIGNMENT, "--student", "dee", f"--Execute.timeout={TIMEOUT}")
    assert f"Timeout waiting for execute reply ({TIMEOUT}s)" in log and "Interrupting kernel" in log, log
    cells = autograded(directory, "dee")
    train = cells["train"]
    assert [e.ename for e in errors_of(train)] == ["CellTimeoutError"], train.outputs
    assert re.search(r"ae: stopped during epoch \d+", text_of(train)), text_of(train)
    # The same kernel ran every later cell: the tests judge what it learned up to the interrupt.
    marks = grades(directory, "dee")
    assert marks["test-model"][0] == marks["test-model"][1] > 0
    assert marks["test-learned"][0] == marks["test-learned"][1] > 0
    assert "check passed: ae.epochs is" in text_of(cells["test-learned"])
    assert any("image/png" in o.get("data", {}) for o in cells["look"].outputs)
    assert_no_stderr(cells)


def test_autosave_notices_do_not_cost_marks(course, graded_three, tmp_path):
    """A kernel whose autosave folder cannot be made (its parent is a file) says so on stderr; the
    course's IgnorePattern removes the notice, whichever cell it landed in."""
    directory, nbgrader = course
    submit(directory, "eve", solutions())
    (tmp_path / "a-file").write_text("")
    unwritable = str(tmp_path / "a-file" / "data")
    # Without the pattern, the notice is there.
    nbgrader("autograde", ASSIGNMENT, "--student", "eve", "--IgnorePattern.enabled=False", XDG_DATA_HOME=unwritable)
    notices = [o.text for cell in autograded(directory, "eve").values() if cell.cell_type == "code"
               for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
    assert len(notices) == 1 and notices[0].startswith("autosave cannot write into "), notices
    assert "a-file is a file, not a folder; nothing is autosaved" in notices[0], notices  # the reason
    nbgrader("autograde", ASSIGNMENT, "--student", "eve", "--force", XDG_DATA_HOME=unwritable)
    cells = autograded(directory, "eve")
    assert_no_stderr(cells)
    marks = grades(directory, "eve")
    assert all(marks[name][0] == marks[name][1] for name in TESTS), marks
