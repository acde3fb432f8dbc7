"""QR code pictures of invitation links, to show on a phone or print."""

from __future__ import annotations

import io

import segno

# Large enough to scan from a printed A4 or from another phone's screen.
_SCALE = 10
_BORDER = 4


def qr_png(link: str) -> bytes:
    """A PNG picture of a QR code for ``link`` (error correction M: survives a crease)."""
    code = segno.make_qr(link, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=_SCALE, border=_BORDER)
    return buffer.getvalue()
