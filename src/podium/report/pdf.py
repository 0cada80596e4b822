"""Printing report.html to PDF with headless Chromium, where it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..errors import MissingDependency, StageError

__all__ = ["CHROMIUM_ARGS", "find_chromium", "print_pdf"]

#: flags for a headless Chromium on a machine with no network but loopback (without them it stalls on lookups)
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """``$PODIUM_CHROMIUM`` or the first Chromium-family browser on the PATH."""
    env = os.environ.get("PODIUM_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def print_pdf(html: Path, pdf: Path, timeout_s: float = 120) -> Path:
    """Render ``html`` with its print stylesheet into ``pdf``.

    Raises:
        MissingDependency: no Chromium found.
        StageError: Chromium failed or wrote nothing.
    """
    browser = find_chromium()
    if browser is None:
        raise MissingDependency(
            "a PDF needs headless Chromium, which was not found: install it (Debian/Ubuntu: apt-get install "
            "chromium) or set PODIUM_CHROMIUM to its path. You can also open report.html and print it to PDF."
        )
    tmp = pdf.with_name("." + pdf.name + ".part")
    cmd = [
        browser,
        "--headless",
        *CHROMIUM_ARGS,
        "--no-pdf-header-footer",
        "--virtual-time-budget=10000",
        f"--print-to-pdf={tmp}",
        html.resolve().as_uri(),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise StageError("pdf", f"Chromium did not finish: {e}") from e
    if proc.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise StageError("pdf", f"Chromium could not print the report (exit {proc.returncode})")
    os.replace(tmp, pdf)
    return pdf
