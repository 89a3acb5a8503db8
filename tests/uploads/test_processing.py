"""The pure parts of an upload: typing from content, image re-encoding, names, local keys."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from chatserver.storage import LocalStorage
from chatserver.storage.images import process
from chatserver.storage.sniff import FileRefused, sanitize_name, sniff
from tests.helpers.files import png_bomb

ALLOWED = frozenset({"image/png", "image/gif", "image/jpeg", "image/webp", "text/plain",
                     "text/csv", "application/pdf"})


def _write(tmp_path: Path, data: bytes, name: str = "in") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_bomb_is_refused_from_its_header_without_decoding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    src = _write(tmp_path, png_bomb(20000, 20000))
    with pytest.raises(FileRefused) as e:
        process(src, "image/png", 40_000_000, tmp_path / "o", tmp_path / "t")
    assert e.value.code == "image_too_large"


def test_an_animated_gif_keeps_its_first_frame_and_gets_a_png_thumbnail(tmp_path: Path) -> None:
    frames = [Image.new("P", (500, 100), i) for i in (1, 2, 3)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    src = _write(tmp_path, buf.getvalue())
    done = process(src, "image/gif", 10**7, tmp_path / "o", tmp_path / "t")
    assert (done.width, done.height, done.thumb_type) == (500, 100, "image/png")
    with Image.open(tmp_path / "o") as out:
        assert getattr(out, "n_frames", 1) == 1
    with Image.open(tmp_path / "t") as thumb:
        assert thumb.format == "PNG" and thumb.size == (320, 64)


def test_exif_orientation_is_applied_then_dropped(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), (1, 2, 3)).save(buf, "JPEG", exif=exif.tobytes())
    src = _write(tmp_path, buf.getvalue())
    done = process(src, "image/jpeg", 10**7, tmp_path / "o", tmp_path / "t")
    assert (done.width, done.height) == (100, 200)
    with Image.open(tmp_path / "o") as out:
        assert len(out.getexif()) == 0


def test_cmyk_jpeg_and_rgba_webp_are_re_encoded(tmp_path: Path) -> None:
    for mode, fmt, ctype in (("CMYK", "JPEG", "image/jpeg"), ("RGBA", "WEBP", "image/webp")):
        buf = io.BytesIO()
        Image.new(mode, (50, 40)).save(buf, fmt)
        src = _write(tmp_path, buf.getvalue(), fmt)
        done = process(src, ctype, 10**7, tmp_path / f"{fmt}.o", tmp_path / f"{fmt}.t")
        assert (done.width, done.height) == (50, 40)


def test_text_is_typed_from_content_and_the_name_only_picks_csv(tmp_path: Path) -> None:
    assert sniff(_write(tmp_path, "a,b\n1,é\n".encode()), "x.csv", ALLOWED) == "text/csv"
    assert sniff(_write(tmp_path, b"a,b\n"), "x.png", ALLOWED) == "text/plain"
    assert sniff(_write(tmp_path, b"%PDF-1.4\n%..."), "x.txt", ALLOWED) == "application/pdf"
    for bad in (b"\xff\xfe\x00bad", b"text\x00with nul", b"\xc3"):
        with pytest.raises(FileRefused) as e:
            sniff(_write(tmp_path, bad), "x.txt", ALLOWED)
        assert e.value.code == "file_type_not_allowed" and e.value.status == 415
    with pytest.raises(FileRefused):  # allowed types only
        sniff(_write(tmp_path, b"%PDF-1.4\n"), "x.pdf", frozenset({"text/plain"}))


def test_long_names_keep_their_extension_within_255_characters() -> None:
    name = sanitize_name("x" * 400 + ".pdf")
    assert len(name) == 255 and name.endswith(".pdf")
    assert sanitize_name(".hidden") == "hidden"
    assert sanitize_name("a/b\\c\u200b.txt") == "c.txt"


def test_local_storage_never_leaves_its_root(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "files")
    for key in ("../escape", "/etc/passwd", "ab/../../x", "a\\b", "", "ab/cd/" + "x" * 65):
        with pytest.raises(ValueError):
            store.path(key)

    async def roundtrip() -> bytes:
        await store.put("ab/cd/abcdef.thumb", io.BytesIO(b"data"), "text/plain")
        assert await store.size("ab/cd/abcdef.thumb") == 4
        out = b"".join([c async for c in store.open("ab/cd/abcdef.thumb")])
        await store.delete(["ab/cd/abcdef.thumb", "ab/cd/missing"])
        return out

    assert asyncio.run(roundtrip()) == b"data"
    assert not (tmp_path / "files" / "ab" / "cd" / "abcdef.thumb").exists()
    assert [p.name for p in (tmp_path / "files" / "ab" / "cd").iterdir()] == []
