"""One rule for sharing a machine's cores, and arithmetic that does not depend on how they are shared.

A recording's report must be the same whichever engine, worker count or thread
count analysed it. CTranslate2 is given its thread count explicitly, but NumPy's
BLAS picks its own from the environment: Ray starts its workers with
``OMP_NUM_THREADS=1`` while a local process pool leaves it unset, and on
processors where OpenBLAS uses its Haswell/Zen kernels (AVX2 without AVX-512,
e.g. many AMD EPYC machines) a matrix product such as Whisper's mel filterbank
differs in its last bits between one thread and two. Those bits moved word
confidences in the third decimal. Podium's BLAS work is small (the filterbank,
the pitch tracker), so every analysis runs it on one thread: the same bits
everywhere, at no measurable cost (``tests/test_determinism.py`` pins it).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .options import AnalysisOptions

__all__ = ["face_threads", "few_malloc_arenas", "one_blas_thread", "per_worker", "sharing_cores", "stage_threads"]


def per_worker(workers: int) -> int:
    """CPU threads for each of ``workers`` analyses running at once on this machine (at least 1)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def sharing_cores(options: AnalysisOptions, workers: int) -> AnalysisOptions:
    """``options`` with the recogniser's threads set to this analysis's share of the cores when left unset (0)."""
    if options.speech.cpu_threads:
        return options
    return replace(options, speech=replace(options.speech, cpu_threads=per_worker(workers)))


def stage_threads(share: int) -> int:
    """Threads a stage runs on, given the analysis's share of the cores (0: unset, all of them): at most 4."""
    return max(1, min(4, share or os.cpu_count() or 1))


def face_threads(options: AnalysisOptions) -> int:
    """Threads for the face stage: as many as the recogniser's (:func:`stage_threads` of its share). The face and
    the speech run at once and both use all of the share, the face at the lowest priority: it fills what the speech
    leaves, then every core once the speech is done, so no core waits until the end (``bench/full_bench.py``)."""
    return stage_threads(options.speech.cpu_threads)


def few_malloc_arenas() -> None:
    """Let glibc's malloc keep at most 2 arenas in this process (it makes up to 8 per core, one per thread that
    allocates at once), so that memory one thread frees can serve the next: with the recogniser's workers and the face
    threads each in an arena of its own, an analysis peaked ~130 MB higher (``bench/speech_bench.py``, 598 against 733
    MB). Elsewhere than glibc, nothing. Process-wide, like every malloc setting; set once, before the threads start."""
    global _ARENAS_SET
    if _ARENAS_SET or not sys.platform.startswith("linux"):
        return
    _ARENAS_SET = True
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-8, 2)  # M_ARENA_MAX (malloc.h); musl has no mallopt: AttributeError
    except (OSError, AttributeError):
        return


_ARENAS_SET = False


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run NumPy's BLAS (OpenBLAS, MKL ...) on one thread inside the block, and restore it after."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
