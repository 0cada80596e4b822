"""Batch engines behind one small interface: a local process pool, or a Ray cluster. Chosen by name at the edge."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from ..errors import MissingDependency, ParameterError
from ..options import AnalysisOptions
from .work import Item, Outcome, analyse_one

__all__ = ["ENGINES", "Engine", "LocalEngine", "RayEngine", "engine_named"]

Report = Callable[[Outcome], None]


class Engine(Protocol):
    """Runs :func:`~podium.batch.work.analyse_one` for every item and reports each :class:`Outcome` as it ends."""

    def run(self, pending: list[Item], root: Path, options: AnalysisOptions, workers: int, report: Report) -> None:
        """Analyse ``pending`` into ``root`` with up to ``workers`` at once; ``KeyboardInterrupt`` stops them."""
        ...


class LocalEngine:
    """A process pool on this machine; a worker that dies is replaced and its recordings retried once."""

    def run(self, pending: list[Item], root: Path, options: AnalysisOptions, workers: int, report: Report) -> None:
        attempts = {it.name: 0 for it in pending}
        while pending:
            pending = _round(pending, root, options, workers, attempts, report)


class RayEngine:
    """One Ray task per recording, on the cluster at ``address`` (a local one started for the run when None); the
    report folder must be on storage every node can write."""

    def __init__(self, address: str | None = None) -> None:
        self.address = address

    def run(self, pending: list[Item], root: Path, options: AnalysisOptions, workers: int, report: Report) -> None:
        if pending:
            _ray_round(pending, root, options, workers, self.address, report)


ENGINES = {"local": LocalEngine, "ray": RayEngine}


def engine_named(name: str, *, address: str | None = None) -> Engine:
    """The engine called ``name`` (``local`` or ``ray``); ``address`` is the Ray cluster's."""
    if name == "local":
        return LocalEngine()
    if name == "ray":
        return RayEngine(address)
    raise ParameterError(f"engine={name!r}: must be one of {', '.join(ENGINES)}")


def _round(
    pending: list[Item],
    root: Path,
    options: AnalysisOptions,
    workers: int,
    attempts: dict[str, int],
    report: Report,
) -> list[Item]:
    """Run ``pending`` in one pool; return the items to retry because their worker died."""
    import multiprocessing

    retry: list[Item] = []
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)
    try:
        futures: dict[Future[Any], Item] = {}
        for it in pending:
            attempts[it.name] += 1
            futures[pool.submit(analyse_one, it, str(root), options)] = it
        while futures:
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for fut in done:
                it = futures.pop(fut)
                try:
                    r = fut.result()
                    report(Outcome(it, "done", seconds=r["seconds"], summary=r["summary"], attempts=attempts[it.name]))
                except BrokenProcessPool:
                    # the pool is broken: this one and every unfinished one go round again (once each)
                    for other in [it, *futures.values()]:
                        if attempts[other.name] < 2:
                            retry.append(other)
                        else:
                            report(
                                Outcome(
                                    other,
                                    "failed",
                                    "the analysis process died (killed or out of memory)",
                                    attempts=attempts[other.name],
                                )
                            )
                    futures.clear()
                    break
                except Exception as e:
                    report(
                        Outcome(it, "failed", " ".join(str(e).split()) or type(e).__name__, attempts=attempts[it.name])
                    )
    except KeyboardInterrupt:
        # stop now: running analyses are killed (their temporary folders are removed by the caller)
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return retry


def _ray_round(
    pending: list[Item],
    root: Path,
    options: AnalysisOptions,
    workers: int,
    address: str | None,
    report: Report,
) -> None:
    """One Ray task per recording; Ray retries a task whose worker died once (max_retries=1)."""
    try:
        import ray
    except ImportError as e:
        raise MissingDependency("the Ray engine needs Ray: pip install 'podium-coach[ray]'") from e
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.ERROR,
            num_cpus=None if address else (os.cpu_count() or 1),  # a cluster brings its own CPUs
        )
    try:
        threads = options.speech.cpu_threads or 1
        task = ray.remote(num_cpus=threads, memory=int(1.5 * 2**30), max_retries=1)(analyse_one)
        refs = {task.remote(it, str(root), options): it for it in pending}
        while refs:
            ready, _ = ray.wait(list(refs), num_returns=1)
            for ref in ready:
                it = refs.pop(ref)
                try:
                    r = ray.get(ref)
                    report(Outcome(it, "done", seconds=r["seconds"], summary=r["summary"], attempts=1))
                except ray.exceptions.RayTaskError as e:
                    cause = e.cause if getattr(e, "cause", None) is not None else e
                    report(Outcome(it, "failed", " ".join(str(cause).split()) or type(cause).__name__, attempts=1))
                except ray.exceptions.RayError as e:  # the worker died twice, or the node went away
                    report(Outcome(it, "failed", f"the analysis process died ({type(e).__name__})", attempts=2))
    except KeyboardInterrupt:
        for ref in list(locals().get("refs", {})):
            ray.cancel(ref, force=True)
        raise
    finally:
        if started:
            ray.shutdown()


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which stops them itself (a terminal sends SIGINT to the whole group)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
