"""Runs every golden script and every lesson through two Latent kernels (two builds: BASE and
HEAD) and compares what a learner gets from each, byte for byte: every output of every cell,
with every MIME type it carries (text/plain, text/html, image/png, image/svg+xml), stream text
and errors. scripts/compare-outputs.sh builds the two binaries and calls this.

Both sides run the same inputs (the HEAD commit's scripts and lessons, from --inputs), in the
same working folder (recreated for each run), with the same environment, through nbclient and
the real kernel, as a notebook runs them. The one thing masked is the seconds column of the
training table (`epoch | train loss | test loss | seconds`): a wall-clock time, different on
every run. The golden tests switch it off (`showsTimings = false`); the kernel cannot, so each
seconds cell is replaced by `<seconds>` (its padding with it) in the table's text/plain and
text/html, and only there. Everything else is compared as it is.

Why the kernel and not `latent run`: `latent run` takes a whole file as one cell, so the first
failing statement stops it (every golden script fails statements on purpose, and the parser
reports every syntax mistake before anything runs), and it prints text and writes PNG/SVG files
but keeps no HTML. A golden script sent cell by cell to the kernel runs as GoldenScriptTests
runs it (one session, a cell's error does not stop the next), and the lessons run as a learner
runs them; each output carries all its MIME types, a progress display is compared in its
final state (as the notebook keeps it), and execution counts are compared too.

Prints one line per script or lesson (identical, or the first differing output with a short
diff); exits 1 when anything differs, 2 when it could not run.
"""
from __future__ import annotations

import argparse
import base64
import difflib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CELL_TIMEOUT = int(os.environ.get("COMPARE_CELL_TIMEOUT", "1800"))

# --- inputs -----------------------------------------------------------------------------------


def golden_cells(source: str) -> list[str]:
    """A golden script's cells, split as Tests/SessionTests/GoldenScriptTests.swift splits them:
    a line starting with `#%%` begins a cell (and belongs to it); cells with nothing but blank
    and comment lines are not sent."""
    cells, current = [], []
    for line in source.split("\n"):
        if line.startswith("#%%"):
            cells.append(current)
            current = []
        current.append(line)
    cells.append(current)
    return ["\n".join(c) for c in cells if any(l and not l.startswith("#") for l in c)]


def write_golden_fixtures(folder: Path) -> None:
    """The files the golden scripts refer to, byte for byte as `Fixtures.write` in
    GoldenScriptTests.swift writes them."""
    images = bytes([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + [i * 20 for i in range(12)])
    labels = bytes([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 1])
    (folder / "notes.txt").write_bytes(b"these are not images\n")
    (folder / "tiny-images.idx").write_bytes(images)
    (folder / "tiny-labels.idx").write_bytes(labels)
    (folder / "short-images.idx").write_bytes(images[:-5])
    (folder / "four-labels.idx").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 1, 0]))


class Item:
    """One golden script or lesson: how to make its notebook and its working folder."""

    def __init__(self, kind: str, path: Path):
        self.kind, self.path = kind, path
        self.name = path.name

    def notebook(self):
        if self.kind == "golden":
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_code_cell(c) for c in golden_cells(self.path.read_text())]
        else:
            nb = nbformat.read(self.path, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
        nb.metadata["kernelspec"] = {"name": "latent", "display_name": "Latent", "language": "latent"}
        return nb

    def prepare(self, folder: Path) -> None:
        """A fresh working folder, at the same path for both sides."""
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        if self.kind == "golden":
            write_golden_fixtures(folder)
        else:  # the lesson's folder as a learner has it (Lessons/data/...)
            for entry in self.path.parent.iterdir():
                if entry.is_dir():
                    shutil.copytree(entry, folder / entry.name)

    def environment(self, folder: Path) -> dict[str, str]:
        # GoldenRunner points Fashion-MNIST at a folder that is not there.
        return {"LATENT_FASHION_DIR": str(folder / "no-fashion-here")} if self.kind == "golden" else {}


def items_in(tree: Path) -> list[Item]:
    goldens = sorted((tree / "Tests/SessionTests/scripts").glob("*.latent"))
    lessons = sorted((tree / "Lessons").glob("[0-9][0-9]-*.ipynb"))
    return [Item("golden", p) for p in goldens] + [Item("lesson", p) for p in lessons]


# --- the one mask: seconds in the training table ----------------------------------------------

PLAIN_HEADER = re.compile(r"epoch +train loss +test loss +seconds")
PLAIN_ROW = re.compile(r"(.*\S) +\d+\.\d\d")
HTML_TABLE = re.compile(
    r"(<thead><tr><th[^>]*>epoch</th>(?:(?!</thead>).)*<th[^>]*>seconds</th></tr></thead><tbody>)(.*?)(</tbody>)",
    re.S)
HTML_SECONDS = re.compile(r"(<td[^>]*>)\d+\.\d\d(</td></tr>)")


def mask_plain(text: str) -> tuple[str, int]:
    lines, count, state = text.split("\n"), 0, None
    for i, line in enumerate(lines):
        if PLAIN_HEADER.fullmatch(line):
            state = "rule"
        elif state == "rule":
            state = "rows" if re.fullmatch(r"-+", line) else None
        elif state == "rows":
            m = PLAIN_ROW.fullmatch(line)
            if m:
                lines[i] = m.group(1) + "  <seconds>"
                count += 1
            else:
                state = None
    return "\n".join(lines), count


def mask_html(text: str) -> tuple[str, int]:
    count = 0

    def body(m):
        nonlocal count
        rows, n = HTML_SECONDS.subn(r"\1<seconds>\2", m.group(2))
        count += n
        return m.group(1) + rows + m.group(3)

    return HTML_TABLE.sub(body, text), count


# --- running and reading outputs --------------------------------------------------------------


def joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def canonical(nb) -> tuple[list[dict], int]:
    """Each code cell's source and outputs, with streams of one name that follow each other
    joined (how a stream is cut into messages depends on timing), and timings masked."""
    cells, masked = [], 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.get("outputs", []):
            kind = o["output_type"]
            if kind == "stream":
                if outs and outs[-1]["output_type"] == "stream" and outs[-1]["name"] == o["name"]:
                    outs[-1]["text"] += joined(o["text"])
                else:
                    outs.append({"output_type": "stream", "name": o["name"], "text": joined(o["text"])})
            elif kind in ("display_data", "execute_result"):
                data = {mime: joined(v) if isinstance(v, (str, list)) else v for mime, v in o["data"].items()}
                if "text/plain" in data:
                    data["text/plain"], n = mask_plain(data["text/plain"])
                    masked += n
                if "text/html" in data:
                    data["text/html"], n = mask_html(data["text/html"])
                    masked += n
                c = {"output_type": kind, "data": data, "metadata": o.get("metadata", {})}
                if kind == "execute_result":
                    c["execution_count"] = o.get("execution_count")
                outs.append(c)
            elif kind == "error":
                outs.append({"output_type": "error", "ename": o["ename"], "evalue": o["evalue"],
                             "traceback": o["traceback"]})
            else:
                outs.append(dict(o))
        cells.append({"source": joined(cell.source), "outputs": outs})
    return cells, masked


class Side:
    """One build: its kernelspec installed in a folder of its own."""

    def __init__(self, name: str, binary: Path, out: Path):
        self.name, self.binary, self.out = name, binary.resolve(), out / name
        self.out.mkdir(parents=True, exist_ok=True)
        prefix = self.out / "kernel"
        subprocess.run([str(self.binary), "install", "--prefix", str(prefix)], check=True, capture_output=True)
        self.jupyter = prefix / "share" / "jupyter"
        argv = json.loads((self.jupyter / "kernels/latent/kernel.json").read_text())["argv"]
        if Path(argv[0]).resolve() != self.binary:
            raise SystemExit(f"the {name} kernelspec runs {argv[0]}, not {self.binary}")

    def run(self, item: Item, folder: Path):
        item.prepare(folder)
        env = {"JUPYTER_PATH": str(self.jupyter), "JUPYTER_DATA_DIR": str(self.jupyter),
               "JUPYTER_PLATFORM_DIRS": "1", "LATENT_HISTORY_FILE": str(self.out / "history.jsonl")}
        env.update(item.environment(folder))
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        nb = item.notebook()
        failure = None
        start = time.monotonic()
        try:
            NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="latent", allow_errors=True,
                           record_timing=False, iopub_timeout=120, raise_on_iopub_timeout=True,
                           resources={"metadata": {"path": str(folder)}}).execute()
        except Exception as e:  # a dead kernel or a timeout: what ran so far is compared, and this
            failure = f"{type(e).__name__}: {e}".strip()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        seconds = time.monotonic() - start
        stem = f"{item.kind}-{item.path.stem}"
        nbformat.write(nb, self.out / (stem + ".ipynb"))
        cells, masked = canonical(nb)
        if failure:
            cells.append({"source": "<the run itself>", "outputs": [{"output_type": "failure", "text": failure}]})
        (self.out / (stem + ".json")).write_text(json.dumps(cells, indent=1, sort_keys=True))
        return cells, masked, seconds


# --- describing a difference ------------------------------------------------------------------


def png_size(b64: str) -> str:
    raw = base64.b64decode(b64)
    if raw[:8] == b"\x89PNG\r\n\x1a\n" and len(raw) >= 24:
        w, h = struct.unpack(">II", raw[16:24])
        return f"{len(raw)} bytes, {w}x{h}"
    return f"{len(raw)} bytes"


def where_lines_differ(a: str, b: str, width=70) -> list[str]:
    """Two long lines (HTML, SVG) side by side from just before their first difference to just
    after their last."""
    start = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    lo = max(0, start - width // 2)

    def window(s):
        middle = s[start:len(s) - end]
        if len(middle) > 2 * width:
            middle = middle[:width] + f"[...{len(middle) - 2 * width} chars...]" + middle[-width:]
        return ("..." if lo else "") + s[lo:start] + "|" + middle + "|" + s[len(s) - end:len(s) - end + width // 2] + (
            "..." if end > width // 2 else "")

    return [f"at character {start + 1} (between the bars):", "- " + window(a), "+ " + window(b)]


def short_diff(a: str, b: str, names=("base", "head"), limit=12) -> list[str]:
    lines = list(difflib.unified_diff(a.split("\n"), b.split("\n"), names[0], names[1], n=1, lineterm=""))[2:]
    changed = [l for l in lines if l[:1] in "+-"]
    if len(changed) == 2 and any(len(l) > 160 for l in changed):  # one long line changed
        return where_lines_differ(changed[0][1:], changed[1][1:])
    lines = [l if len(l) <= 160 else l[:157] + "..." for l in lines]
    return lines[:limit] + ([f"... ({len(lines) - limit} more diff lines)"] if len(lines) > limit else [])


def first_line(source: str) -> str:
    for line in source.split("\n"):
        if line.strip() and not line.startswith("#"):
            return line.strip()[:60]
    return source.split("\n")[0][:60]


def every_difference(a_cells, b_cells, limit=12) -> str:
    """Where all the differences are, briefly: cell.output and what differs."""
    found = []
    for i, (x, y) in enumerate(zip(a_cells, b_cells)):
        if x == y:
            continue
        xo, yo = x["outputs"], y["outputs"]
        if x["source"] != y["source"] or len(xo) != len(yo):
            found.append(f"cell {i + 1} ({len(xo)} outputs on base, {len(yo)} on head)")
            continue
        for j, (p, q) in enumerate(zip(xo, yo)):
            if p != q:
                pd, qd = p.get("data", {}), q.get("data", {})
                what = [m for m in sorted(set(pd) | set(qd)) if pd.get(m) != qd.get(m)] or [q["output_type"]]
                found.append(f"cell {i + 1} output {j + 1} ({', '.join(what)})")
    if len(a_cells) != len(b_cells):
        found.append(f"{len(a_cells)} cells on base, {len(b_cells)} on head")
    return "; ".join(found[:limit]) + (f"; and {len(found) - limit} more" if len(found) > limit else "")


def describe_output(i: int, j: int, p: dict, q: dict, pictures: Path, stem: str) -> list[str]:
    """How output j of cell i differs (both sides have it)."""
    label = f"  output {j + 1} ({q['output_type']})"
    if p["output_type"] != q["output_type"]:
        return [f"{label}: base has {p['output_type']}, head has {q['output_type']}"]
    if q["output_type"] in ("stream", "failure"):
        return [f"{label}:"] + ["    " + l for l in short_diff(p.get("text", ""), q.get("text", ""))]
    if q["output_type"] == "error":
        return [f"{label}:"] + ["    " + l for l in short_diff(
            "\n".join([p["ename"], p["evalue"]] + p["traceback"]),
            "\n".join([q["ename"], q["evalue"]] + q["traceback"]))]
    pd, qd = p.get("data", {}), q.get("data", {})
    if set(pd) != set(qd):
        return [f"{label}: MIME types {sorted(pd)} on base, {sorted(qd)} on head"]
    lines = [label + ":"]
    for mime in sorted(qd, key=lambda m: (m != "text/plain", m)):
        if pd[mime] == qd[mime]:
            continue
        if mime == "image/png":
            pictures.mkdir(parents=True, exist_ok=True)
            for side, v in (("base", pd[mime]), ("head", qd[mime])):
                (pictures / f"{stem}-cell{i + 1}-out{j + 1}.{side}.png").write_bytes(base64.b64decode(v))
            lines.append(f"    image/png differs: base {png_size(pd[mime])}, head {png_size(qd[mime])}"
                         f" (both in {pictures}/{stem}-cell{i + 1}-out{j + 1}.*.png)")
        elif isinstance(qd[mime], str):
            lines.append(f"    {mime} differs:")
            lines += ["      " + l for l in short_diff(pd[mime], qd[mime], limit=8 if mime == "text/plain" else 4)]
        else:
            lines.append(f"    {mime} differs")
    if p.get("metadata") != q.get("metadata"):
        lines.append(f"    metadata: base {p.get('metadata')}, head {q.get('metadata')}")
    if p.get("execution_count") != q.get("execution_count"):
        lines.append(f"    execution_count: base {p.get('execution_count')}, head {q.get('execution_count')}")
    return lines


def describe(a_cells, b_cells, pictures: Path, stem: str, every: bool = False) -> list[str]:
    """The first differing output (with `every`, each differing output), said briefly;
    pictures that differ are written to `pictures`."""
    n_diff = sum(1 for x, y in zip(a_cells, b_cells) if x != y) + abs(len(a_cells) - len(b_cells))
    out = [f"{n_diff} cell(s) differ: {every_difference(a_cells, b_cells)}"]
    for i in range(max(len(a_cells), len(b_cells))):
        if i >= len(a_cells) or i >= len(b_cells):
            out.append(f"cell {i + 1}: only on {'head' if i >= len(a_cells) else 'base'}")
            break
        x, y = a_cells[i], b_cells[i]
        if x == y:
            continue
        out.append(f"{'cell' if every else 'first: cell'} {i + 1} (`{first_line(y['source'])}`)")
        if x["source"] != y["source"]:
            out += ["  the cell's source differs"] + ["  " + l for l in short_diff(x["source"], y["source"])]
        else:
            xo, yo = x["outputs"], y["outputs"]
            for j in range(max(len(xo), len(yo))):
                if j >= len(xo) or j >= len(yo):
                    extra = (yo if j >= len(xo) else xo)[j]
                    side = "head" if j >= len(xo) else "base"
                    text = extra.get("text") or extra.get("data", {}).get("text/plain") or extra.get("evalue", "")
                    out += [f"  output {j + 1} only on {side} ({extra['output_type']}):"] + [
                        "    " + l[:160] for l in str(text).split("\n")[:8]]
                    break
                if xo[j] != yo[j]:
                    out += describe_output(i, j, xo[j], yo[j], pictures, stem)
                    if not every:
                        break
        if not every:
            break
    return out


def census(cells) -> str:
    outs = [o for c in cells for o in c["outputs"]]
    mimes = {}
    for o in outs:
        for mime in o.get("data", {}):
            mimes[mime] = mimes.get(mime, 0) + 1
    errors = sum(1 for o in outs if o["output_type"] == "error")
    parts = [f"{len(cells)} cells", f"{len(outs)} outputs"]
    parts += [f"{mimes[m]} {m.split('/')[-1].replace('svg+xml', 'svg')}" for m in
              ("image/png", "image/svg+xml", "text/html") if m in mimes]
    if errors:
        parts.append(f"{errors} errors")
    return ", ".join(parts)


def compare_saved(out: Path, every: bool, only: list[str]) -> int:
    differ, names = 0, sorted(p.stem for p in (out / "base").glob("*.json"))
    names = [n for n in names if not only or any(s in n for s in only)]
    for name in names:
        a = json.loads((out / "base" / f"{name}.json").read_text())
        b = json.loads((out / "head" / f"{name}.json").read_text())
        if a == b:
            print(f"{name}: identical ({census(b)})")
        else:
            differ += 1
            print(f"{name}: DIFFERS")
            for line in describe(a, b, out / "pictures", name, every):
                print("    " + line)
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, help="the BASE latent binary")
    ap.add_argument("--head", type=Path, help="the HEAD latent binary")
    ap.add_argument("--inputs", type=Path, help="checkout whose scripts and lessons run (HEAD's)")
    ap.add_argument("--base-inputs", type=Path, help="BASE's checkout, to say where an input itself changed")
    ap.add_argument("--out", required=True, type=Path, help="executed notebooks and canonical outputs go here")
    ap.add_argument("--work", type=Path, help="working folders (default OUT/work)")
    ap.add_argument("--every", action="store_true", help="describe every differing output, not only the first")
    ap.add_argument("--saved", action="store_true",
                    help="run nothing: compare again the outputs an earlier run saved in OUT (base/, head/)")
    ap.add_argument("only", nargs="*", help="run only items whose file name contains one of these")
    args = ap.parse_args()
    if args.saved:
        return compare_saved(args.out, args.every, args.only)
    if not (args.base and args.head and args.inputs):
        ap.error("--base, --head and --inputs are needed (or --saved)")

    items = [i for i in items_in(args.inputs) if not args.only or any(s in i.name for s in args.only)]
    if not items:
        print("nothing to run", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.work or args.out / "work"
    base, head = Side("base", args.base, args.out), Side("head", args.head, args.out)
    differ = 0
    for item in items:
        folder = work / f"{item.kind}-{item.path.stem}"
        note = ""
        if args.base_inputs:
            old = args.base_inputs / item.path.relative_to(args.inputs)
            if not old.exists():
                note = " [new since BASE]"
            elif old.read_bytes() != item.path.read_bytes():
                note = " [its text differs at BASE; both builds ran HEAD's]"
        print(f"[compare] {item.kind} {item.name}: base ...", file=sys.stderr, flush=True)
        a, ma, sa = base.run(item, folder)
        print(f"[compare] {item.kind} {item.name}: head ... (base took {sa:.0f} s)", file=sys.stderr, flush=True)
        b, mb, sb = head.run(item, folder)
        label = f"{item.kind} {item.name}"
        if a == b:
            print(f"{label}: identical ({census(b)}; {mb} timings masked){note}", flush=True)
        else:
            differ += 1
            print(f"{label}: DIFFERS{note}", flush=True)
            for line in describe(a, b, args.out / "pictures", f"{item.kind}-{item.path.stem}", args.every):
                print("    " + line, flush=True)
        print(f"[compare] {item.kind} {item.name}: done (base {sa:.0f} s, head {sb:.0f} s)", file=sys.stderr, flush=True)
    print(f"{len(items) - differ} of {len(items)} identical; executed notebooks and canonical outputs "
          f"(base/, head/) in {args.out}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
