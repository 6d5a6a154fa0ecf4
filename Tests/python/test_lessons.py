"""The lessons: committed clean, generated from their script, and runnable top to bottom.

- Every notebook in Lessons/ is committed without outputs or execution counts, names the Latent
  kernel, and matches what scripts/lessons/build_lessons.py writes.
- Every lesson executes through nbclient on the real Latent kernel with no error output, and the
  checks its cells carry in their metadata (`latent.checks`) hold on the executed notebook:
  pictures present with size metadata that matches the image, and losses under (or over) the
  bounds the lesson's text states.

The kernel is the one installed into the venv's Jupyter when there is one; otherwise the binary
(`.build/release/latent`, or $LATENT_BIN) installs its kernelspec into a temporary prefix.
"""

import base64
import os
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "Lessons").glob("*.ipynb"))
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
CELL_TIMEOUT = 600  # seconds; a cell that trains for longer than this is a bug in the lesson


def lesson_id(path):
    return path.stem


def test_there_are_seven_lessons():
    assert [p.name[:3] for p in LESSONS] == [f"{i:02d}-" for i in range(1, 8)]


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs or execution counts"


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_names_the_latent_kernel(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec == {"name": "latent", "display_name": "Latent", "language": "latent"}
    assert nb.metadata.language_info["name"] == "latent"


def test_notebooks_match_their_generator():
    script = ROOT / "scripts/lessons/build_lessons.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- Running the lessons on the real kernel -----------------------------------------------------


def latent_binary():
    return Path(os.environ.get("LATENT_BIN", ROOT / ".build/release/latent"))


@pytest.fixture(scope="session")
def kernel_name(tmp_path_factory):
    """'latent', served by this checkout's binary: its kernelspec is installed into a temporary
    prefix put first on JUPYTER_PATH. Only without a binary does an installed kernelspec serve."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    binary = latent_binary()
    if not binary.exists():
        try:
            KernelSpecManager().get_kernel_spec("latent")
        except NoSuchKernel:
            pytest.fail(f"no Latent binary at {binary} and no installed kernelspec: run `swift build -c release`")
        yield "latent"
        return
    prefix = tmp_path_factory.mktemp("kernel-prefix")
    subprocess.run([str(binary), "install", "--prefix", str(prefix)], check=True)
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(prefix / "share/jupyter"), saved]))
    try:
        spec = KernelSpecManager().get_kernel_spec("latent")
        assert Path(spec.argv[0]).resolve() == binary.resolve(), spec.argv
        yield "latent"
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved


EXECUTED = {}


def executed(path, kernel_name):
    """The lesson executed once per test session (several tests read the same run)."""
    if path not in EXECUTED:
        from nbclient import NotebookClient

        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=kernel_name,
            timeout=CELL_TIMEOUT,
            allow_errors=True,  # collected below, so that every failing cell is named at once
            resources={"metadata": {"path": str(path.parent)}},  # Jupyter starts kernels there too
        )
        start = time.monotonic()
        client.execute()
        EXECUTED[path] = (nb, time.monotonic() - start)
        if os.environ.get("LATENT_LESSONS_OUT"):  # keep the executed copy, for reading
            out = Path(os.environ["LATENT_LESSONS_OUT"])
            out.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, out / path.name)
    return EXECUTED[path]


def outputs_of(cell):
    return [out for out in cell.get("outputs", [])]


def text_result(cell):
    """The text/plain of the cell's execute_result (or last display), for number checks."""
    for out in reversed(outputs_of(cell)):
        if out.output_type in ("execute_result", "display_data") and "text/plain" in out.data:
            return out.data["text/plain"]
        if out.output_type == "stream" and out.name == "stdout":
            return out.text
    return None


def png_size(data):
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "image/png is not a PNG"
    assert raw[12:16] == b"IHDR", "PNG does not start with IHDR"
    width, height = struct.unpack(">II", raw[16:24])
    return width, height, b"acTL" in raw[: raw.find(b"IDAT")]


def svg_size(text):
    head = text[: text.find(">", text.find("<svg")) + 1]
    width = re.search(r'\bwidth="([\d.]+)', head)
    height = re.search(r'\bheight="([\d.]+)', head)
    if not (width and height):
        box = re.search(r'viewBox="[\d.\s-]+?([\d.]+)\s+([\d.]+)"', head)
        assert box, "SVG has neither width/height nor a viewBox"
        return float(box.group(1)), float(box.group(2))
    return float(width.group(1)), float(height.group(1))


def pictures_in(cell):
    """(mime, width, height, animated) of every picture the cell shows, checked against its
    metadata: the declared size must be the image's own."""
    found = []
    for out in outputs_of(cell):
        if out.output_type not in ("display_data", "execute_result", "update_display_data"):
            continue
        for mime in ("image/png", "image/svg+xml"):
            if mime not in out.data:
                continue
            meta = out.get("metadata", {}).get(mime, {})
            if mime == "image/png":
                width, height, animated = png_size(out.data[mime])
            else:
                width, height = svg_size(out.data[mime])
                animated = False
            assert width > 0 and height > 0
            if meta:
                assert (meta.get("width"), meta.get("height")) in ((width, height), (None, None)), (
                    f"{mime} metadata says {meta}, the image is {width}x{height}"
                )
            found.append((mime, width, height, animated))
    return found


def errors_in(nb):
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in outputs_of(cell):
            if out.output_type == "error":
                problems.append(f"cell {i} ({cell.source.splitlines()[0]!r}): {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"cell {i} ({cell.source.splitlines()[0]!r}) wrote to stderr: {out.text[:300]}")
    return problems


def check_cell(i, cell):
    """The problems with one executed cell, measured against its `latent.checks`."""
    problems = []
    where = f"cell {i} ({cell.source.splitlines()[0]!r})"
    for check in cell.metadata.get("latent", {}).get("checks", []):
        if check["kind"] == "picture":
            pictures = pictures_in(cell)
            if not pictures:
                problems.append(f"{where}: no picture")
            elif check.get("animated") and not any(p[3] for p in pictures):
                problems.append(f"{where}: no animated PNG among {pictures}")
            elif "aspect" in check:
                low, high = check["aspect"]
                if not any(low <= p[1] / p[2] <= high for p in pictures):
                    problems.append(f"{where}: no picture with width/height in [{low}, {high}] among {pictures}")
        elif check["kind"] in ("below", "above"):
            text = text_result(cell)
            numbers = NUMBER.findall(text or "")
            if not numbers:
                problems.append(f"{where}: no number in its result {text!r}")
                continue
            value = float(numbers[0])
            bound = check["value"]
            ok = value < bound if check["kind"] == "below" else value > bound
            if not ok:
                problems.append(f"{where}: {value} is not {check['kind']} {bound}")
        else:
            problems.append(f"{where}: unknown check {check}")
    return problems


@pytest.mark.parametrize("path", LESSONS, ids=lesson_id)
def test_lesson_runs_and_meets_its_checks(path, kernel_name):
    nb, seconds = executed(path, kernel_name)
    print(f"{path.name}: {seconds:.1f} s")
    problems = errors_in(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            problems += check_cell(i, cell)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


# --- The checker itself, on made-up outputs (no kernel needed) -----------------------------------


def tiny_png(width, height, animated=False):
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    if animated:
        png += chunk(b"acTL", struct.pack(">II", 1, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode()


def made_up_cell(outputs, *checks):
    cell = nbformat.v4.new_code_cell("reconstruct ae data.test[0:10]")
    cell.outputs = [nbformat.from_dict(out) for out in outputs]
    cell.metadata["latent"] = {"checks": list(checks)}
    return cell


def display(mime, data, **meta):
    return {"output_type": "display_data", "data": {"text/plain": "a picture", mime: data}, "metadata": {mime: meta}}


def test_checker_accepts_a_picture_whose_metadata_matches():
    cell = made_up_cell([display("image/png", tiny_png(12, 5), width=12, height=5)], {"kind": "picture"})
    assert check_cell(0, cell) == []


def test_checker_rejects_wrong_size_metadata_and_missing_pictures():
    wrong = made_up_cell([display("image/png", tiny_png(12, 5), width=12, height=6)], {"kind": "picture"})
    with pytest.raises(AssertionError, match="metadata says"):
        check_cell(0, wrong)
    none = made_up_cell([{"output_type": "stream", "name": "stdout", "text": "hi"}], {"kind": "picture"})
    assert "no picture" in check_cell(0, none)[0]


def test_checker_tells_animated_from_still_pictures():
    still = made_up_cell([display("image/png", tiny_png(4, 4), width=4, height=4)], {"kind": "picture", "animated": True})
    assert "no animated PNG" in check_cell(0, still)[0]
    moving = made_up_cell([display("image/png", tiny_png(4, 4, animated=True))], {"kind": "picture", "animated": True})
    assert check_cell(0, moving) == []


def test_checker_checks_the_shape_of_a_grid():
    two_rows_of_ten = made_up_cell([display("image/png", tiny_png(582, 156))], {"kind": "picture", "aspect": [3, 4.5]})
    assert check_cell(0, two_rows_of_ten) == []
    square = made_up_cell([display("image/png", tiny_png(300, 310))], {"kind": "picture", "aspect": [3, 4.5]})
    assert "width/height" in check_cell(0, square)[0]


def test_checker_reads_svg_sizes():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400"><rect/></svg>'
    cell = made_up_cell([display("image/svg+xml", svg, width=640, height=400)], {"kind": "picture"})
    assert check_cell(0, cell) == []
    assert svg_size('<svg viewBox="0 0 300 200">') == (300.0, 200.0)


def test_checker_compares_the_first_number_of_the_result_with_the_bound():
    result = {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": "0.0213 (test mse, 10 epochs)"}}
    assert check_cell(0, made_up_cell([result], {"kind": "below", "value": 0.025})) == []
    assert "not below" in check_cell(0, made_up_cell([result], {"kind": "below", "value": 0.02}))[0]
    assert "not above" in check_cell(0, made_up_cell([result], {"kind": "above", "value": 0.03}))[0]
    assert "no number" in check_cell(0, made_up_cell([], {"kind": "below", "value": 1}))[0]


def test_errors_and_stderr_count_as_failures():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        made_up_cell([{"output_type": "error", "ename": "SyntaxError", "evalue": "dens", "traceback": []}]),
        made_up_cell([{"output_type": "stream", "name": "stderr", "text": "warning"}]),
    ]
    problems = errors_in(nb)
    assert len(problems) == 2 and "SyntaxError" in problems[0] and "stderr" in problems[1]
