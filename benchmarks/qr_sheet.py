"""qr.sheet_1000: PDF label sheets for 1,000 tags, beside qrcode building the same matrices."""

import qrcode
from qrcode.constants import ERROR_CORRECT_Q

from benchmarks.report import emit, interleaved
from qr import payload, sheets

TAGS = 1000
KEY = payload.derive_key(b"bench", 1, 1)
NAMES = ["高压配电室 HV switch room", "1号楼消防楼梯 Building 1 fire stairs", "北门 North gate"]


def run() -> None:
    labels = [
        sheets.Label(
            payload.build(payload.TagRef(payload.TagKind.CHECKPOINT, 1, n, 1), KEY),
            NAMES[n % len(NAMES)],
            "湖畔花园 Lakeside Gardens",
            f"CP-{n}",
        )
        for n in range(1, TAGS + 1)
    ]
    sizes = []

    def ours() -> None:
        sizes.append(len(sheets.render_pdf(labels, "a4", "small")))

    def baseline() -> None:
        for label in labels:
            code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4)
            code.add_data(label.payload)
            code.make(fit=True)

    seconds, base = interleaved(ours, baseline, calls=1, rounds=3)
    pages = -(-TAGS // len(sheets.cells("a4", "small")))
    emit(
        "qr.sheet_1000",
        seconds,
        "s",
        base,
        f"{TAGS} labels, A4 small layout, {pages} pages, PDF {sizes[-1] / 1024:.0f} KiB "
        f"({sizes[-1] / TAGS / 1024:.1f} KiB a label); baseline: qrcode building the same "
        "1,000 matrices (level Q, no image)",
    )
