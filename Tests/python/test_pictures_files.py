"""`latent run --out DIR` writes the sketch's "Looking inside" pictures as files, and every PNG
among them decodes with a pure-Python reader (struct + zlib, CRCs checked, rows unfiltered) that
shares nothing with Latent's encoder; every SVG is well-formed XML.
"""
import os
import struct
import subprocess
import xml.etree.ElementTree as ElementTree
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LATENT = Path(os.environ.get("LATENT_BIN", ROOT / ".build" / "release" / "latent"))

SCRIPT = """
data = mnist train 2000 test 500
model ae:
    dense 64 relu
    latent 8
    dense 64 relu
    dense 784 sigmoid
train ae on data epochs 2 batch 100
show data.test[0:16]
plot ae
reconstruct ae data.test[0:10]
generate ae 36
interpolate ae data.test[0] data.test[1] steps 10
histogram ae data.train dims 0:4
embed ae data.train[0:500] kernelpca 2
embed data.test[0:300] tsne
weights ae
traverse ae dim 0 from -2 to 2 steps 9
progress ae
"""


def read_png(data):
    """Returns (width, height, channels, frames) where frames are lists of pixel rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, []
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"CRC of {kind}"
        chunks.append((kind, body))
        at += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert depth == 8
    channels = {0: 1, 2: 3, 6: 4}[colour]
    streams = [b"".join(body for kind, body in chunks if kind == b"IDAT")]
    streams += [body[4:] for kind, body in chunks if kind == b"fdAT"]
    frames = [unfilter(zlib.decompress(s), width, height, channels) for s in streams]
    return width, height, channels, frames


def unfilter(raw, width, height, bpp):
    stride, rows, prior = width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prior[x]
            c = prior[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            else:
                assert kind == 0, f"filter {kind}"
        rows.append(bytes(line))
        prior = line
    return rows


def test_looking_inside_writes_decodable_pictures(tmp_path):
    script = tmp_path / "looking.latent"
    script.write_text(SCRIPT)
    out = tmp_path / "out"
    run = subprocess.run([str(LATENT), "run", str(script), "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    files = sorted(p.name for p in out.iterdir())
    # 11 statements; interpolate and progress each add an animation to their grid.
    assert len(files) == 13, files
    pngs = [p for p in sorted(out.iterdir()) if p.suffix == ".png"]
    svgs = [p for p in sorted(out.iterdir()) if p.suffix == ".svg"]
    assert len(svgs) == 4
    for svg in svgs:
        ElementTree.parse(svg)
    decoded = {p.name: read_png(p.read_bytes()) for p in pngs}
    # show: 16 labelled digits in a 4x4 grid of 58-pixel cells.
    width, height, channels, frames = decoded[files[0]]
    assert (width, height, channels, len(frames)) == (4 * 58 + 2, 4 * 75 + 10, 1, 1)
    # The digits are there: bright strokes inside the first cell, dark-grey canvas at the corner.
    first_cell = [row[2:58] for row in frames[0][2:58]]
    assert max(max(row) for row in first_cell) == 255
    assert frames[0][0][0] == 48
    # reconstruct (after plot): 2 rows of 10, each cell widened from 56 to fit its loss label
    # ("0.013": 5 characters of the 2x label font, 10 px and 2 px apart) with a 6 px gap.
    width, height, _, _ = decoded[files[2]]
    assert (width, height) == (10 * (5 * 12 - 2 + 6 + 2) + 2, 2 * 75 + 6)
    animations = [name for name, (_, _, _, frames) in decoded.items() if len(frames) > 1]
    assert len(animations) == 2, animations
