"""Draws Latent's kernel logos: an autoencoder's bowtie, wide input narrowing to a small latent
code and widening back out. Writes logo-32x32.png, logo-64x64.png (RGBA, with zlib only) and
logo-svg.svg into Kernelspec/latent/. Run: python3 Kernelspec/make_logos.py
"""
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent / "latent"
ENCODER = (64, 92, 214)   # blue: the encoder narrowing
DECODER = (214, 92, 64)   # orange: the decoder widening
CODE = (240, 184, 40)     # gold: the latent code


def shape(x: float, y: float):
    """Colour at (x, y) in the unit square, or None for background."""
    dy = abs(y - 0.5)
    if 0.06 <= x <= 0.44:
        t = (x - 0.06) / 0.38
        if dy <= 0.42 - t * 0.30:
            return ENCODER
    if 0.56 <= x <= 0.94:
        t = (0.94 - x) / 0.38
        if dy <= 0.42 - t * 0.30:
            return DECODER
    if 0.46 <= x <= 0.54 and dy <= 0.09:
        return CODE
    return None


def render(size: int, samples: int = 4) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            r = g = b = a = 0
            for sy in range(samples):
                for sx in range(samples):
                    c = shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)
                    if c:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            n = samples * samples
            row += bytes([r // a, g // a, b // a, 255 * a // n]) if a else bytes(4)
        rows.append(bytes(row))
    return b"".join(rows)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(render(size), 9)) + chunk(b"IEND", b""))


def svg() -> str:
    def pct(v: float) -> str:
        return f"{v * 64:g}"

    enc = [(0.06, 0.08), (0.44, 0.38), (0.44, 0.62), (0.06, 0.92)]
    dec = [(0.94, 0.08), (0.56, 0.38), (0.56, 0.62), (0.94, 0.92)]
    poly = lambda pts, c: (f'<polygon points="{" ".join(f"{pct(x)},{pct(y)}" for x, y in pts)}" '
                           f'fill="rgb{c}"/>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">\n'
            '  <title>Latent</title>\n'
            f'  {poly(enc, ENCODER)}\n  {poly(dec, DECODER)}\n'
            f'  <rect x="{pct(0.46)}" y="{pct(0.41)}" width="{pct(0.08)}" height="{pct(0.18)}" fill="rgb{CODE}"/>\n'
            '</svg>\n')


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for size in (32, 64):
        (OUT / f"logo-{size}x{size}.png").write_bytes(png(size))
    (OUT / "logo-svg.svg").write_text(svg())
