"""Read a PNG's size from its header, so the screenshot check needs no imaging library."""

from __future__ import annotations

import struct
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels; ValueError when the file does not start as a PNG must.

    A PNG is the 8-byte signature, then the IHDR chunk: its length (always 13), the type b"IHDR",
    then width and height as big-endian 32-bit integers.
    """
    with path.open("rb") as png:
        header = png.read(24)
    if len(header) < 24 or header[:8] != PNG_SIGNATURE:
        raise ValueError(f"{path} is not a PNG: it does not start with the PNG signature.")
    length, chunk_type = struct.unpack(">I4s", header[8:16])
    if chunk_type != b"IHDR" or length != 13:
        raise ValueError(f"{path} is not a valid PNG: its first chunk is not a 13-byte IHDR.")
    width, height = struct.unpack(">II", header[16:24])
    return width, height
