"""Reading a deck: PDF with pypdfium2 (Apache-2.0/BSD), PPTX with python-pptx (MIT); no office suite needed.

A PDF's pages can also be rendered (thumbnails for the report, and the pictures
a screen recording is matched against); a PPTX cannot without an office suite,
so its slides are matched by their words only and shown as text in the report.
"""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..types import Deck, Slide

__all__ = ["read_deck", "render", "thumbnails"]

_MIN_CHARS = 20  # a font size counts when at least this many characters use it (a page number does not)


def read_deck(path: str | os.PathLike[str]) -> Deck:
    """Read a PDF or PPTX deck.

    Raises:
        InputError: missing, unreadable, encrypted, not a deck, or no slides.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such deck", p)
    if not p.is_file():
        raise InputError(f"{p}: is not a file", p)
    try:
        with p.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise InputError(f"{p}: cannot read the deck ({e.strerror or e})", p) from None
    if head.startswith(b"%PDF"):
        slides, kind = _pdf(p), "pdf"
    elif head.startswith(b"PK") and zipfile.is_zipfile(p):
        slides, kind = _pptx(p), "pptx"
    else:
        raise InputError(f"{p}: is not a deck Podium can read (a PDF or a PowerPoint .pptx)", p)
    if not slides:
        raise InputError(f"{p}: the deck has no slides", p)
    return Deck(str(p), kind, tuple(slides))


def _pdf(p: Path) -> list[Slide]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(f"{p}: the PDF is encrypted; save a copy without a password and give that", p) from None
        raise InputError(f"{p}: is not a readable PDF ({e})", p) from None
    slides = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            text = " ".join(tp.get_text_range().split())
            sizes: Counter[float] = Counter()
            for c in range(tp.count_chars()):
                if not chr(raw.FPDFText_GetUnicode(tp.raw, c)).isspace():
                    sizes[round(raw.FPDFText_GetFontSize(tp.raw, c), 1)] += 1
            used = [s for s, n in sizes.items() if n >= _MIN_CHARS and s > 0]
            lines = [ln.strip() for ln in tp.get_text_range().splitlines() if ln.strip()]
            slides.append(Slide(i + 1, lines[0][:120] if lines else "", text, "", min(used) if used else None))
            tp.close()
            page.close()
    finally:
        pdf.close()
    return slides


def _pptx(p: Path) -> list[Slide]:
    try:
        from pptx import Presentation
        from pptx.exc import PackageNotFoundError
    except ImportError:  # pragma: no cover - a dependency
        raise InputError(f"{p}: reading .pptx needs python-pptx (pip install python-pptx)", p) from None
    try:
        prs = Presentation(str(p))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise InputError(f"{p}: is not a PowerPoint deck Podium can read ({type(e).__name__})", p) from None
    slides = []
    for i, slide in enumerate(prs.slides):
        texts: list[str] = []
        sizes: Counter[float] = Counter()
        for shape in _shapes(slide.shapes):
            for frame in _frames(shape):
                for para in frame.paragraphs:
                    line = "".join(r.text for r in para.runs).strip()
                    if line:
                        texts.append(line)
                    for r in para.runs:
                        if r.font.size is not None and r.text.strip():
                            sizes[round(r.font.size.pt, 1)] += len(r.text.strip())
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text.strip() if title_shape is not None and title_shape.has_text_frame else ""
        notes = ""
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = " ".join(slide.notes_slide.notes_text_frame.text.split())
        used = [s for s, n in sizes.items() if n >= _MIN_CHARS]
        title = (title or (texts[0] if texts else ""))[:120]
        slides.append(Slide(i + 1, title, " ".join(texts), notes, min(used) if used else None))
    return slides


def _shapes(shapes: Any) -> list[Any]:
    out = []
    for s in shapes:
        if getattr(s, "shape_type", None) == 6:  # a group: its members
            out.extend(_shapes(s.shapes))
        else:
            out.append(s)
    return out


def _frames(shape: Any) -> list[Any]:
    if getattr(shape, "has_text_frame", False):
        return [shape.text_frame]
    if getattr(shape, "has_table", False):
        return [cell.text_frame for row in shape.table.rows for cell in row.cells]
    return []


def render(deck: Deck, width: int) -> list[np.ndarray] | None:
    """Each page as an RGB array ``width`` pixels wide, or ``None`` when the deck cannot be rendered (PPTX)."""
    return _pdf_pages(deck.path, width) if deck.kind == "pdf" else None


def _pdf_pages(path: str | os.PathLike[str], width: int) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for i in range(len(pdf)):
            page = pdf[i]
            scale = width / page.get_width()
            bitmap = page.render(scale=scale)
            out.append(np.asarray(bitmap.to_pil().convert("RGB")))
            bitmap.close()
            page.close()
        return out
    finally:
        pdf.close()


def thumbnails(path: str | os.PathLike[str], width: int = 320) -> list[str] | None:
    """Each page of a PDF deck as a ``data:image/jpeg`` URI (for the report page), or ``None`` when the deck cannot
    be rendered (a PPTX, or the file is gone or unreadable)."""
    import base64
    import io

    import pypdfium2 as pdfium
    from PIL import Image

    try:  # only the pages are needed: the deck's text was read by the analysis
        with open(path, "rb") as f:
            if not f.read(5).startswith(b"%PDF"):
                return None
        pages = _pdf_pages(path, width)
    except (OSError, pdfium.PdfiumError):
        return None
    out = []
    for rgb in pages:
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, format="JPEG", quality=70, optimize=True)
        out.append("data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii"))
    return out
