"""A process pool for the CPU-bound stages (extract → clean → split → stage), with results in
task order whatever the number of workers, bounded memory, and worker deaths contained.

A worker that dies (killed for memory, a crash in a C library) breaks the pool and loses the
tasks it was running, and the others' in flight. Each lost task is run again alone, in a
process of its own, so that the one that kills its process is known; that task's result is
then `isolate(task, reason)`, computed by the caller (typically the same work split into
smaller tasks, each again run alone, down to the one page that becomes an error row). No task
is dropped and none is run twice to completion, so no row is lost or duplicated. An
exception a task raises (MemoryError, storage down) is not a death: it stops the run, as it
would in one process.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Workers are forked from a server process started once (single-threaded, holding the text
# chain's modules and tables loaded: pipeline.load.warm), never from the caller itself, which may hold threads (a progress
# bar, a storage client's) and S3 connections that do not survive a fork.
START_METHOD = "forkserver"
PRELOAD = ["pipeline.load.warm"]
# Tasks queued per worker beyond the one it runs: enough to keep every worker busy, few enough
# that memory stays that of a handful of tasks however many there are.
QUEUED_PER_WORKER = 1
DIED = "its worker process died (killed, or a crash in a C library)"


def _executor(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(workers, mp_context=context)


def run_alone(work: Callable[[T], R], task: T) -> R:
    """`work(task)` in a process of its own; BrokenProcessPool if that process dies."""
    with _executor(1) as executor:
        return executor.submit(work, task).result()


def _recovered(work: Callable[[T], R], task: T, isolate: Callable[[T, str], R]) -> R:
    try:
        return run_alone(work, task)
    except BrokenProcessPool:
        log.info("a task killed its worker process when run alone; isolating its pages", extra={"stage": "pool"})
        return isolate(task, DIED)


def run_in_order(work: Callable[[T], R], tasks: Iterable[T], workers: int, isolate: Callable[[T, str], R]) -> Iterator[R]:
    """`work(task)` for every task, run by a pool of `workers` processes, yielded in task
    order; a task whose process dies alone yields `isolate(task, reason)` instead (see the
    module). `work` and the tasks must pickle (a module-level function, plain data)."""
    pending = iter(tasks)
    in_flight: deque[tuple[T, Future[R] | None]] = deque()
    executor = _executor(workers)
    try:
        while True:
            while len(in_flight) < workers * (1 + QUEUED_PER_WORKER):
                task = next(pending, _END)
                if task is _END:
                    break
                try:
                    in_flight.append((task, executor.submit(work, task)))
                except BrokenProcessPool:  # broke since the last result: this task is run again below
                    in_flight.append((task, None))
            if not in_flight:
                return
            task, future = in_flight[0]
            try:
                if future is None:
                    raise BrokenProcessPool(DIED)
                result = future.result()
            except BrokenProcessPool:
                # Every task in flight is lost or done; the lost ones are run again one at a time.
                log.warning("a worker process died; running the %d tasks in flight again one at a time", len(in_flight),
                            extra={"stage": "pool"})
                executor.shutdown(wait=True, cancel_futures=True)
                results = [future.result() if _succeeded(future) else _recovered(work, task, isolate)
                           for task, future in in_flight]
                in_flight.clear()
                yield from results
                executor = _executor(workers)
                continue
            in_flight.popleft()
            yield result
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _succeeded(future: Future | None) -> bool:
    return future is not None and future.done() and not future.cancelled() and future.exception() is None


_END = object()
