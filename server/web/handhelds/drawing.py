"""The enrollment QR code as SVG the page writes itself: no image file, no data: URI."""

from dataclasses import dataclass

from qr import render


@dataclass(frozen=True)
class QrDrawing:
    """A QR code's modules as one path in a square `size` modules wide (quiet zone included)."""

    size: int
    path: str


def draw(payload: str) -> QrDrawing:
    """One rectangle per run of dark modules in a row: a few hundred path commands."""
    rows = render.matrix(payload)
    commands = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            commands.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return QrDrawing(len(rows), "".join(commands))
