"""Long recordings kept on disk, read a block at a time, so memory does not grow with the talk.

A 3-hour talk is 691 MB of 16 kHz float32 samples; held in memory it, not the
models, sets the peak. Past :data:`SPOOL_AFTER_S` seconds ``media.load`` writes
the samples to an unnamed temporary file (nothing is left behind, even after a
crash) and returns them as a :class:`Spooled` array: an ordinary read-only
``np.ndarray`` for every purpose, except that a plain slice ``x[a:b]`` is read
from the file with ``pread`` into a new array. The stages read long audio in
slices (pitch and loudness batches, VAD blocks, Whisper clips), so the pages
they read live in the page cache, which the kernel can drop, and never in this
process's resident memory. Whole-array operations (``x.mean()``) still work,
through a read-only memory map, but belong only in code that is never given a
long recording.

:class:`Rows` does the same for a table that grows a batch at a time (the pitch
tracker's candidates).

The temporary folder is ``PODIUM_TMPDIR``, else ``/var/tmp`` (on disk by
convention, where ``/tmp`` may be memory), else Python's default.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from typing import IO, Any

import numpy as np

__all__ = ["SPOOL_AFTER_S", "Rows", "SampleSink", "Spooled", "spool_dir"]

SPOOL_AFTER_S = 20 * 60.0
"""Audio longer than this (seconds) is kept on disk; shorter audio (77 MB at most) stays in memory."""


def spool_dir() -> str:
    """Where temporary files go (see the module docstring)."""
    env = os.environ.get("PODIUM_TMPDIR")
    if env:
        return env
    if os.path.isdir("/var/tmp") and os.access("/var/tmp", os.W_OK):
        return "/var/tmp"
    return tempfile.gettempdir()


def _temporary(owner: object) -> tuple[IO[bytes], weakref.finalize[Any, Any]]:
    """An unnamed file in :func:`spool_dir`, gone when closed or when the process ends, however it ends; closed
    when ``owner`` is collected (unless the returned finalizer is detached)."""
    f = tempfile.TemporaryFile(dir=spool_dir())  # noqa: SIM115 (``owner`` owns it)
    return f, weakref.finalize(owner, f.close)


def _read_into(f: IO[bytes], out: np.ndarray, offset: int) -> None:
    view = memoryview(out).cast("B")  # type: ignore[arg-type]
    done = 0
    while done < len(view):  # pread may return less than asked
        n = os.preadv(f.fileno(), [view[done:]], offset + done)
        if n <= 0:
            raise OSError(f"short read from the spool file at byte {offset + done}")
        done += n


class Spooled(np.memmap):
    """A 1-D array whose data live in a temporary file; ``x[a:b]`` reads the file, not the mapping."""

    _file: IO[bytes] | None

    def __array_finalize__(self, obj: Any) -> None:
        super().__array_finalize__(obj)
        self._file = None  # only the whole array reads from the file; a view of it (x[::2], x.reshape) is a memmap

    def __getitem__(self, key: Any) -> Any:
        f = self._file
        if f is not None and self.ndim == 1 and isinstance(key, slice) and key.step in (None, 1):
            a, b, _ = key.indices(self.shape[0])
            out = np.empty(max(0, b - a), dtype=self.dtype)
            if out.size:
                _read_into(f, out, self.offset + a * self.itemsize)
            return out
        return super().__getitem__(key)


class SampleSink:
    """Collects float32 samples as they are decoded: in memory, moved to a temporary file once past ``spill_at``."""

    def __init__(self, spill_at: int, expected: int = 0) -> None:
        self.spill_at = spill_at
        self.n = 0
        self._buf = np.empty(expected if expected <= spill_at else 0, dtype=np.float32)
        self._file: IO[bytes] | None = None
        self._closer: weakref.finalize[Any, Any] | None = None
        if expected > spill_at:
            self._file, self._closer = _temporary(self)

    def append(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=np.float32)
        if self._file is None and self.n + x.size > self.spill_at:
            self._file, self._closer = _temporary(self)
            self._file.write(self._buf[: self.n].tobytes())
            self._buf = np.empty(0, dtype=np.float32)
        if self._file is not None:
            self._file.write(x.tobytes())
        else:
            if self.n + x.size > self._buf.size:  # grown in steps, never joined from pieces (that holds it twice)
                self._buf = np.resize(self._buf, max(self.n + x.size, int(self._buf.size * 1.5), 1 << 16))
            self._buf[self.n : self.n + x.size] = x
        self.n += x.size

    def finish(self) -> np.ndarray:
        """The samples: a plain array, or a :class:`Spooled` one when they went to disk."""
        if self._file is None:
            buf = self._buf
            return buf[: self.n] if self.n > 0.9 * buf.size else buf[: self.n].copy()  # a view, unless much is spare
        f, self._file = self._file, None
        assert self._closer is not None
        self._closer.detach()  # the file now belongs to the array
        f.flush()
        if self.n == 0:
            f.close()
            return np.zeros(0, dtype=np.float32)
        mm = np.memmap(f, dtype=np.float32, mode="r", shape=(self.n,))
        out = mm.view(Spooled)
        out._file = f  # kept open as long as the array lives; the file has no name, so closing it frees the disk
        weakref.finalize(out, f.close)
        return out


class Rows:
    """A 2-D float64 table appended a block of rows at a time and read back a block at a time.

    Kept in memory while under ``in_memory_bytes``, else in a temporary file.
    """

    def __init__(self, n_rows: int, n_cols: int, in_memory_bytes: int = 64 << 20) -> None:
        self.shape = (n_rows, n_cols)
        self._mem: np.ndarray | None = None
        self._file: IO[bytes] | None = None
        if n_rows * n_cols * 8 <= in_memory_bytes:
            self._mem = np.zeros(self.shape)
        else:
            self._file, _ = _temporary(self)
        self._at = 0

    def append(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, dtype=np.float64)
        if self._mem is not None:
            self._mem[self._at : self._at + len(block)] = block
        else:
            assert self._file is not None
            self._file.write(block.tobytes())
        self._at += len(block)

    def read(self, a: int, b: int) -> np.ndarray:
        """Rows ``a:b``."""
        if self._mem is not None:
            return self._mem[a:b]
        assert self._file is not None
        self._file.flush()
        out = np.empty((b - a, self.shape[1]))
        _read_into(self._file, out, a * self.shape[1] * 8)
        return out

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._mem = None
