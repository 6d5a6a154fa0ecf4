"""The lessons: committed clean, generated from their script, and runnable top to bottom.

- Every notebook in Lessons/ is committed without outputs or execution counts, names the Latent
  kernel, and matches what scripts/lessons/build_lessons.py writes.
- Every lesson executes through nbclient on the real Latent kernel with no error output, and the
  checks its cells carry in their metadata (`latent.checks`) hold on the executed notebook:
  pictures present with size metadata that matches the image, losses under (or over) the
  bounds the lesson's text states, and maps of the code space (`embed`'s SVG, read dot by dot)
  that show a digit's group where and as the text says.

The kernel is the one installed into the venv's Jupyter when there is one; otherwise the binary
(`.build/release/latent`, or $LATENT_BIN) installs its kernelspec into a temporary prefix.
"""

import base64
import math
import os
import re
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "Lessons").glob("*.ipynb"))
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
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
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [str(prefix / "share/jupyter"),
                                                                   os.environ.get("JUPYTER_PATH")])))
        # The kernels' autosaved sessions go to a temporary folder, not the user's.
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
        spec = KernelSpecManager().get_kernel_spec("latent")
        assert Path(spec.argv[0]).resolve() == binary.resolve(), spec.argv
        yield "latent"


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


def svg_of(cell):
    for out in outputs_of(cell):
        if out.output_type in ("display_data", "execute_result") and "image/svg+xml" in out.get("data", {}):
            return out.data["image/svg+xml"]
    return None


def local(tag):
    return tag.rsplit("}", 1)[-1]


def map_dots(svg):
    """(x, y, digit) of every dot of an `embed` map, in the picture's coordinates (y downwards).
    The dots are circles inside <g> elements, one per digit, filled with the colour the legend
    gives that digit; a legend entry is a circle of that colour followed by the digit as text."""
    root = ElementTree.fromstring(svg)
    items = list(root)
    legend = {}
    for swatch, label in zip(items, items[1:]):
        if local(swatch.tag) == "circle" and swatch.get("fill") and local(label.tag) == "text":
            if (label.text or "").strip().isdigit():
                legend[swatch.get("fill")] = int(label.text)
    dots = []
    for group in root.iter():
        if local(group.tag) == "g" and group.get("fill") in legend:
            digit = legend[group.get("fill")]
            dots += [(float(c.get("cx")), float(c.get("cy")), digit) for c in group if local(c.tag) == "circle"]
    return dots


def nearest_dots(dots, accept):
    """For each dot i, the index of the nearest other dot j with accept(i, j), or None: a sweep
    out from i along the dots sorted by x, stopped once the x distance alone is too large."""
    order = sorted(range(len(dots)), key=lambda i: dots[i][0])
    place = {i: at for at, i in enumerate(order)}
    found = []
    for i, (x, y, _) in enumerate(dots):
        best, best_d2 = None, math.inf
        for step in (-1, 1):
            at = place[i] + step
            while 0 <= at < len(order):
                j = order[at]
                dx = dots[j][0] - x
                if dx * dx > best_d2:
                    break
                d2 = dx * dx + (dots[j][1] - y) ** 2
                if d2 < best_d2 and accept(i, j):
                    best, best_d2 = j, d2
                at += step
        found.append(best)
    return found


def map_measures(dots):
    """Per digit: its dots' centre, RMS distance from it, the share of its dots whose nearest dot
    is of another digit ("mixed"), and how often each other digit owns a dot's nearest
    other-digit dot."""
    nearest = nearest_dots(dots, lambda i, j: True)
    nearest_other = nearest_dots(dots, lambda i, j: dots[i][2] != dots[j][2])
    measures = {}
    for digit in sorted({d for _, _, d in dots}):
        mine = [i for i, dot in enumerate(dots) if dot[2] == digit]
        cx = sum(dots[i][0] for i in mine) / len(mine)
        cy = sum(dots[i][1] for i in mine) / len(mine)
        measures[digit] = {
            "count": len(mine),
            "centre": (cx, cy),
            "rms": math.sqrt(sum((dots[i][0] - cx) ** 2 + (dots[i][1] - cy) ** 2 for i in mine) / len(mine)),
            "mixed": sum(1 for i in mine if nearest[i] is not None and dots[nearest[i]][2] != digit) / len(mine),
            "neighbours": Counter(dots[nearest_other[i]][2] for i in mine if nearest_other[i] is not None),
        }
    return measures


EDGES = {"top": (1, -1), "bottom": (1, 1), "left": (0, -1), "right": (0, 1)}  # axis, direction


def map_problems(where, cell, check):
    svg = svg_of(cell)
    if svg is None:
        return [f"{where}: no SVG map"]
    measures = map_measures(map_dots(svg))
    digit = check["digit"]
    if digit not in measures or len(measures) < 2:
        return [f"{where}: the map has no dots of {digit}, or no other digits ({sorted(measures)})"]
    mine, others = measures[digit], {d: m for d, m in measures.items() if d != digit}
    problems = []
    if "edge" in check:
        axis, direction = EDGES[check["edge"]]
        beyond = [d for d, m in others.items() if direction * (m["centre"][axis] - mine["centre"][axis]) >= 0]
        if beyond:
            centres = {d: tuple(round(v) for v in m["centre"]) for d, m in measures.items()}
            problems.append(f"{where}: the {digit}s' centre is not the {check['edge']}most; centres {centres}")
    if check.get("most_compact"):
        radii = {d: round(m["rms"], 1) for d, m in measures.items()}
        if any(m["rms"] <= mine["rms"] for m in others.values()):
            problems.append(f"{where}: the {digit}s are not the most compact group; RMS radii {radii}")
    if check.get("least_mixed"):
        shares = {d: round(m["mixed"], 3) for d, m in measures.items()}
        if any(m["mixed"] <= mine["mixed"] for m in others.values()):
            problems.append(f"{where}: the {digit}s are not the least mixed; shares of mixed dots {shares}")
    if "mixed_above" in check and not mine["mixed"] > check["mixed_above"]:
        problems.append(
            f"{where}: {mine['mixed']:.3f} of the {digit}s have another digit as nearest dot, "
            f"not above {check['mixed_above']:.3f}"
        )
    if "nearest_other" in check:
        common = mine["neighbours"].most_common()
        if not common or common[0][0] != check["nearest_other"] or (len(common) > 1 and common[1][1] == common[0][1]):
            problems.append(f"{where}: the {digit}s' nearest other digits are {common}, not mostly {check['nearest_other']}s")
    return problems


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
        elif check["kind"] == "map":
            problems += map_problems(where, cell, check)
        elif check["kind"] == "widget":
            views = [out.data[WIDGET_VIEW] for out in outputs_of(cell)
                     if out.output_type == "display_data" and WIDGET_VIEW in out.get("data", {})]
            if not any(isinstance(v, dict) and v.get("model_id") and v.get("version_major") == 2 for v in views):
                problems.append(f"{where}: no Jupyter widget shown (application/vnd.jupyter.widget-view+json)")
        elif check["kind"] == "findings":
            shown = "\n".join(diagnoses_in(cell))
            if not shown:
                problems.append(f"{where}: no diagnosis, expected {check['titles']}")
            for title in check["titles"]:
                if f"- {title}:" not in shown:
                    problems.append(f"{where}: the diagnosis does not name {title!r}:\n{shown}")
        else:
            problems.append(f"{where}: unknown check {check}")
    expects_findings = any(c["kind"] == "findings" for c in cell.metadata.get("latent", {}).get("checks", []))
    if not expects_findings:
        for shown in diagnoses_in(cell):
            problems.append(f"{where}: a false alarm on a healthy model:\n{shown}")
    return problems


FINDINGS_HEADLINE = re.compile(r"^why \S+: (one thing looks|\d+ things look) wrong", re.M)


def diagnoses_in(cell):
    """The text of every diagnosis with findings that the cell displayed."""
    found = []
    for out in outputs_of(cell):
        text = out.get("data", {}).get("text/plain", "") if out.output_type in ("display_data", "execute_result") else ""
        if FINDINGS_HEADLINE.search(text):
            found.append(text)
    return found


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


def test_checker_wants_a_widget_view_where_the_lesson_says_so():
    view = display("image/png", tiny_png(12, 5), width=12, height=5)
    assert "no Jupyter widget" in check_cell(0, made_up_cell([view], {"kind": "widget"}))[0]
    view["data"][WIDGET_VIEW] = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    assert check_cell(0, made_up_cell([view], {"kind": "widget"})) == []


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


def made_up_map(groups):
    """An `embed`-like SVG: groups {digit: [(x, y), ...]}, a legend pairing colours with digits."""
    colours = {d: f"#{d:02d}{d:02d}{d:02d}" for d in groups}
    body = "".join(
        f'<g fill="{colours[d]}" fill-opacity="0.8">' + "".join(f'<circle cx="{x}" cy="{y}" r="2.5"/>' for x, y in dots) + "</g>"
        for d, dots in groups.items()
    )
    legend = "".join(f'<circle cx="510" cy="{40 + 18 * d}" r="5" fill="{colours[d]}"/><text x="522" y="{44 + 18 * d}">{d}</text>' for d in groups)
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="560" height="460"><text x="1" y="1">title</text>{body}{legend}</svg>'


def blob(cx, cy, radius, count=40):
    """`count` dots on a sunflower spiral filling a disc."""
    return [
        (round(cx + radius * math.sqrt((k + 0.5) / count) * math.cos(2.4 * k), 2),
         round(cy + radius * math.sqrt((k + 0.5) / count) * math.sin(2.4 * k), 2))
        for k in range(count)
    ]


ONES_CHECK = {"kind": "map", "digit": 1, "edge": "top", "most_compact": True, "least_mixed": True,
              "mixed_above": 0.2, "nearest_other": 8}


def test_map_dots_are_read_by_their_legend_colour():
    svg = made_up_map({0: [(1, 2), (3, 4)], 1: [(5, 6)]})
    assert sorted(map_dots(svg)) == [(1.0, 2.0, 0), (3.0, 4.0, 0), (5.0, 6.0, 1)]


def test_map_check_accepts_ones_at_the_top_joined_to_the_eights():
    crowd = {d: blob(200 + 12 * d, 260, 60) for d in (0, 2, 3, 4, 5, 6, 7, 9)}
    ones, eights = blob(240, 160, 30), blob(240, 215, 45)
    cell = made_up_cell([display("image/svg+xml", made_up_map({**crowd, 1: ones, 8: eights}))], ONES_CHECK)
    assert check_cell(0, cell) == []


def test_map_check_rejects_ones_apart_or_elsewhere():
    crowd = {d: blob(200 + 12 * d, 260, 60) for d in (0, 2, 3, 4, 5, 6, 7, 9)}
    apart = made_up_map({**crowd, 1: blob(240, 60, 30), 8: blob(240, 250, 45)})
    problems = check_cell(0, made_up_cell([display("image/svg+xml", apart)], ONES_CHECK))
    assert any("0.000 of the 1s have another digit as nearest dot, not above 0.200" in p for p in problems), problems
    below = made_up_map({**crowd, 1: blob(240, 400, 30), 8: blob(240, 350, 45)})
    problems = check_cell(0, made_up_cell([display("image/svg+xml", below)], ONES_CHECK))
    assert len(problems) == 1 and "not the topmost" in problems[0], problems
    no_map = made_up_cell([{"output_type": "stream", "name": "stdout", "text": "hi"}], ONES_CHECK)
    assert "no SVG map" in check_cell(0, no_map)[0]


def test_nearest_dots_agrees_with_a_plain_search():
    dots = [(x * 7 % 31, x * 13 % 17, x % 3) for x in range(60)]
    plain = [
        min((j for j in range(len(dots)) if j != i), key=lambda j: ((dots[j][0] - dots[i][0]) ** 2 + (dots[j][1] - dots[i][1]) ** 2, j))
        for i in range(len(dots))
    ]
    swept = nearest_dots(dots, lambda i, j: True)
    distance = lambda i, j: (dots[j][0] - dots[i][0]) ** 2 + (dots[j][1] - dots[i][1]) ** 2
    assert [distance(i, j) for i, j in enumerate(swept)] == [distance(i, j) for i, j in enumerate(plain)]


def test_checker_wants_the_named_findings_and_no_others():
    diagnosis = {
        "output_type": "display_data",
        "data": {"text/plain": "why plain: 2 things look wrong\n- output collapse: ...\n- dead ReLUs: ...", "text/html": ""},
        "metadata": {},
    }
    healthy = {"output_type": "display_data", "data": {"text/plain": "why ae: nothing looks wrong. Checked"}, "metadata": {}}
    wanted = {"kind": "findings", "titles": ["output collapse", "dead ReLUs"]}
    assert check_cell(0, made_up_cell([diagnosis], wanted)) == []
    assert check_cell(0, made_up_cell([diagnosis], {"kind": "findings", "titles": ["overfitting"]}))
    assert check_cell(0, made_up_cell([healthy], wanted)), "a clean bill where findings were expected"
    assert check_cell(0, made_up_cell([diagnosis])), "a finding in a cell that expects none is a false alarm"
    assert check_cell(0, made_up_cell([healthy])) == []

