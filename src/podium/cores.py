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

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .options import AnalysisOptions

__all__ = ["face_threads", "one_blas_thread", "per_worker", "sharing_cores"]


def per_worker(workers: int) -> int:
    """CPU threads for each of ``workers`` analyses running at once on this machine (at least 1)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def sharing_cores(options: AnalysisOptions, workers: int) -> AnalysisOptions:
    """``options`` with the recogniser's threads set to this analysis's share of the cores when left unset (0)."""
    if options.speech.cpu_threads:
        return options
    return replace(options, speech=replace(options.speech, cpu_threads=per_worker(workers)))


def face_threads(options: AnalysisOptions) -> int:
    """Threads for the face stage: as many as the recogniser's share of the cores (all of them when unset), at most
    4. The face and the speech run at once and both use all of the share: whichever finishes first leaves its
    cores to the other, so no core waits until the end (``bench/full_bench.py``)."""
    return max(1, min(4, options.speech.cpu_threads or os.cpu_count() or 1))


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run NumPy's BLAS (OpenBLAS, MKL ...) on one thread inside the block, and restore it after."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
