"""The screenshot check reads a PNG's size from its header; here on PNGs made by hand."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from tests.e2e.png import PNG_SIGNATURE, png_size


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    return (
        PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")
    )


def test_the_size_comes_from_the_header(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    path.write_bytes(_png(1280, 3))
    assert png_size(path) == (1280, 3)


@pytest.mark.parametrize(
    "content",
    [b"", b"GIF89a" + b"\x00" * 30, PNG_SIGNATURE + _chunk(b"IDAT", b"\x00" * 13), _png(4, 4)[:20]],
    ids=["empty", "another format", "no header chunk first", "cut short"],
)
def test_anything_but_a_png_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not.png"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="PNG"):
        png_size(path)
