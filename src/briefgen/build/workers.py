"""A small pool of worker processes for the expensive step of a build.

Each worker is started once, runs ``warm_up`` (importing WeasyPrint, ~0.6 s) while the
main process is still loading the project, then runs ``run(job)`` for every job it is
sent. The pool only runs what it is given: jobs are submitted (:meth:`WorkerPool.submit`)
and their results collected (:meth:`WorkerPool.next_result`) by the caller, which decides
how many are in flight (:mod:`briefgen.build.schedule`).

A pool may replace each worker after a number of jobs: WeasyPrint keeps ~0.2 MB of every
document's font set-up for the life of its process, so a long-lived worker would grow with the
size of the build.

Workers ignore Ctrl-C; the main process ends them (the pool is a context manager), so an
interrupted build leaves no process behind. A worker that dies (killed, out of memory)
fails only the job it was running; a fresh worker takes its place.
"""

from __future__ import annotations

import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

Job = TypeVar("Job")
Result = TypeVar("Result")


@dataclass(frozen=True, slots=True)
class WorkerFailure:
    """A job that did not return a result: ``run`` raised, or the worker process died."""

    message: str


def start_method() -> str:
    """``fork`` where the platform has it: a forked worker starts in milliseconds and shares the
    modules already imported; elsewhere ``spawn``. (multiprocessing is imported only when a pool
    is needed: a one-edition HTML build never pays for it.)"""
    import multiprocessing

    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


class WorkerPool(Generic[Job, Result]):
    def __init__(self, size: int, run: Callable[[Job], Result], warm_up: Callable[[], None] | None = None,
                 jobs_per_worker: int | None = None) -> None:
        """``jobs_per_worker``: a worker that has run this many jobs is replaced by a fresh one
        (what a library keeps after each job is then given back); None: never."""
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        import multiprocessing

        self._context = (multiprocessing.get_context("fork") if start_method() == "fork"
                         else multiprocessing.get_context("spawn"))
        self._run = run
        self._warm_up = warm_up
        self._workers: list[_Worker] = []
        self._queued: deque[tuple[int, Job]] = deque()
        self._busy: dict[_Worker, int] = {}
        self._size = size
        self._jobs_per_worker = jobs_per_worker
        self._retired: list[_Worker] = []
        try:
            for _ in range(size):
                self._workers.append(self._start())
        except BaseException:
            self.terminate()
            raise

    @property
    def size(self) -> int:
        """How many workers run jobs at once."""
        return self._size

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_serve, args=(child, self._run, self._warm_up), daemon=True,
                                        name="briefgen-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    @property
    def pending(self) -> int:
        """Jobs submitted and not yet collected: being run, or waiting for a worker."""
        return len(self._queued) + len(self._busy)

    def submit(self, key: int, job: Job) -> None:
        """Run ``job``: at once on an idle worker, else as soon as one is free. Jobs wait here,
        in this process, not in a worker's pipe (a busy worker does not read it)."""
        self._queued.append((key, job))
        self._dispatch()

    def next_result(self) -> tuple[int, Result | WorkerFailure]:
        """Wait for a submitted job to finish: ``(its key, its result)``."""
        from multiprocessing.connection import wait

        if not self._busy:
            raise ValueError("no job is running")
        while True:
            ready = wait([w.connection for w in self._busy] + [w.process.sentinel for w in self._busy])
            for worker in list(self._busy):
                if worker.connection not in ready and worker.process.sentinel not in ready:
                    continue
                key = self._busy.pop(worker)
                result: Result | WorkerFailure
                try:
                    received_key, result = worker.connection.recv()
                    assert received_key == key
                except (EOFError, OSError):
                    worker.process.join(1)
                    result = WorkerFailure(f"the worker process stopped unexpectedly (exit code {worker.process.exitcode})")
                    self._remove(worker)
                else:
                    worker.jobs_done += 1
                    if self._jobs_per_worker is not None and worker.jobs_done >= self._jobs_per_worker:
                        self._retire(worker)
                self._dispatch()
                return key, result

    def map_unordered(self, jobs: Iterable[tuple[int, Job]]) -> Iterator[tuple[int, Result | WorkerFailure]]:
        """Run every job; yield ``(key, result)`` as each finishes. At most two jobs per worker
        are taken from ``jobs`` ahead of the results."""
        for key, job in jobs:
            while self.pending >= 2 * self.size:
                yield self.next_result()
            self.submit(key, job)
        while self.pending:
            yield self.next_result()

    def _dispatch(self) -> None:
        """Give each idle worker the next waiting job; in place of a worker that stopped, a fresh
        one is started only when a job needs it."""
        while self._queued:
            idle = next((worker for worker in self._workers if worker not in self._busy), None)
            if idle is None:
                if len(self._workers) >= self._size:
                    return
                idle = self._start()
                self._workers.append(idle)
            key, job = self._queued.popleft()
            idle.connection.send((key, job))
            self._busy[idle] = key

    def _remove(self, dead: _Worker) -> None:
        dead.connection.close()
        self._workers.remove(dead)

    def _retire(self, worker: _Worker) -> None:
        """Ask an idle worker to stop; it is waited for when the pool closes."""
        try:
            worker.connection.send(None)
        except OSError:
            pass
        self._workers.remove(worker)
        self._retired.append(worker)

    def close(self) -> None:
        """Ask every worker to stop, and wait for it."""
        for worker in self._workers:
            try:
                worker.connection.send(None)
            except OSError:
                pass
        for worker in self._workers + self._retired:
            worker.process.join(5)
        self.terminate()

    def terminate(self) -> None:
        """End every worker now (Ctrl-C, or an error in the main process)."""
        workers, self._retired = self._workers + self._retired, []
        for worker in workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self._workers = []
        self._queued.clear()
        self._busy.clear()

    def __enter__(self) -> WorkerPool[Job, Result]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()


@dataclass(eq=False, slots=True)
class _Worker:
    process: Any
    connection: Connection
    jobs_done: int = 0

    def __hash__(self) -> int:
        return id(self)


def _serve(connection: Connection, run: Callable[[Any], Any], warm_up: Callable[[], None] | None) -> None:
    """A worker's life: warm up, then run jobs until told to stop (``None``) or the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    warm_up_failure = None
    if warm_up is not None:
        try:
            warm_up()
        except Exception as error:  # reported with the first job, as that job's failure
            warm_up_failure = WorkerFailure(_describe(error))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        key, job = message
        if warm_up_failure is not None:
            result: Any = warm_up_failure
        else:
            try:
                result = run(job)
            except Exception as error:  # one edition's failure must not stop the others
                result = WorkerFailure(_describe(error))
        connection.send((key, result))


def _describe(error: Exception) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


class OnDemandPool(Generic[Job, Result]):
    """A :class:`WorkerPool` started either ahead of time or when the first job comes, and
    ended with the ``with`` block that opened it."""

    def __init__(self, size: int, run: Callable[[Job], Result], warm_up: Callable[[], None] | None = None,
                 jobs_per_worker: int | None = None) -> None:
        self.size, self._run, self._warm_up, self._jobs_per_worker = size, run, warm_up, jobs_per_worker
        self._pool: WorkerPool[Job, Result] | None = None

    def start(self, size: int | None = None) -> WorkerPool[Job, Result]:
        """Start now (if not started yet), with ``size`` workers (at most the pool's size)."""
        if self._pool is None:
            self._pool = WorkerPool(max(1, min(size or self.size, self.size)), self._run, self._warm_up,
                                    self._jobs_per_worker)
        return self._pool

    def terminate(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def __enter__(self) -> OnDemandPool[Job, Result]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.__exit__(kind, error, trace)
            self._pool = None
