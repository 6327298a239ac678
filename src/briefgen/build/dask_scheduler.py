"""Render PDF on a Dask cluster: ``briefgen build --scheduler tcp://HOST:8786``.

The build runs as on one machine, with one difference: the PDF stage (:func:`render_pdf_job`,
~0.45 s an edition, nearly all of a build's time) runs on the workers of an existing Dask
``distributed`` cluster instead of local PDF worker processes. This process still loads and
validates the project once, plans, cites and renders each edition's HTML (~5 ms), and writes
every file itself, atomically (:mod:`briefgen.build.write`). What a worker is sent is the
edition's :class:`~briefgen.build.pdf_workers.PdfJob`: its page as one HTML string (styles
inlined) plus a few paths, and what it sends back is the PDF's bytes and its problems, each
located in the project (``path:line``) as on one machine.

What the workers need: briefgen installed (the same version, in the same environment layout)
and the project readable **at the same path** as on the machine that runs ``briefgen build``
(a shared or synchronised file system): the page's images and fonts are read where they are.
A worker that cannot see the project fails that edition with a located error saying so.

Dask does the distribution: ``Client.submit`` with ``retries`` (an exception on a worker is
retried) and the scheduler's own resilience (the jobs of a worker that dies are run again on
another). At most :data:`IN_FLIGHT_PER_WORKER` jobs per worker are submitted and not yet
written (``as_completed``, refilled as each finishes), so memory stays flat however many
editions the build has. A worker process lays out one PDF at a time, whatever its threads.
WeasyPrint keeps ~0.2 MB of each document's font set-up for the life of a process, so long-lived
workers are best started with ``dask worker --lifetime 1h --lifetime-restart`` (the local PDF
workers are replaced every 50 editions for the same reason).
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from briefgen.build.pdf_workers import PdfJob, PdfOutcome, render_pdf_job
from briefgen.build.workers import WorkerFailure
from briefgen.errors import Diagnostic, Severity, UsageError

if TYPE_CHECKING:
    from briefgen.build.edition import EditionPages
    from briefgen.build.plan import EditionOutcome, PlannedEdition

INSTALL_HINT = "pip install 'briefgen[dask]'"
CONNECT_SECONDS = 10.0
"""How long to try to reach the scheduler before giving up."""
IN_FLIGHT_PER_WORKER = 2
"""Jobs submitted and not yet written, per worker: one being laid out, one waiting there."""
WINDOW_REFRESH = 16
"""The number of workers is asked for again after this many jobs."""
RETRIES = 2
"""Times a job that raised on a worker is run again (a lost worker's jobs are rerun by Dask
itself, up to its ``distributed.scheduler.allowed-failures``)."""

_LAYOUT = threading.Lock()
"""One layout at a time in a worker process: WeasyPrint is not documented as thread-safe."""


def is_dask_installed() -> bool:
    return importlib.util.find_spec("distributed") is not None


def check_dask_installed() -> None:
    """Raise a usage error naming the extra to install when Dask is missing."""
    if not is_dask_installed():
        raise UsageError(Diagnostic(Severity.ERROR, None, "--scheduler needs Dask's distributed scheduler, which is "
                                    "not installed", f"install it with {INSTALL_HINT}"))


@contextlib.contextmanager
def connect(address: str) -> Iterator[Any]:
    """A Dask client connected to the scheduler at ``address`` (closed on leaving), or a usage
    error saying the scheduler cannot be reached."""
    check_dask_installed()
    from distributed import Client

    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError, TypeError) as error:
        raise UsageError(Diagnostic(Severity.ERROR, None, f"cannot reach the Dask scheduler at {address} ({error})",
                                    "check the address (tcp://HOST:8786, from --scheduler or BRIEFGEN_SCHEDULER) "
                                    "and that `dask scheduler` is running there; "
                                    "nothing was written")) from None
    try:
        yield client
    finally:
        client.close()


def lay_out_on_worker(job: PdfJob) -> PdfOutcome:
    """On a Dask worker: the edition's PDF, once the project is known to be readable here."""
    if not job.base_dir.is_dir():
        problem = Diagnostic(Severity.ERROR, job.location,
                             f"a Dask worker cannot read the project folder {job.base_dir} to make the PDF of {job.edition}",
                             "every worker must see the project at the same path as the machine running `briefgen build` "
                             "(a shared file system)")
        return PdfOutcome(None, None, (problem,))
    with _LAYOUT:
        return render_pdf_job(job)


Render = Callable[["PlannedEdition"], "EditionPages"]
Write = Callable[["PlannedEdition", "EditionPages", "PdfOutcome | WorkerFailure | None"], "EditionOutcome"]


def build_on_cluster(client: Any, stale: list[PlannedEdition], render: Render,
                     write: Write) -> Iterator[tuple[PlannedEdition, EditionOutcome]]:
    """Render here, lay out on the cluster's workers, write here, with a bounded number of jobs
    in between; every edition is yielded once written (in the order they finish)."""
    from distributed import as_completed

    waiting = deque(stale)
    in_flight: dict[str, tuple[PlannedEdition, EditionPages]] = {}
    finished = as_completed(loop=client.loop)
    numbers = itertools.count(1)
    limit = window(client)
    while waiting or in_flight:
        while waiting and len(in_flight) < limit:
            planned = waiting.popleft()
            pages = render(planned)
            if pages.job is None:  # nothing to lay out (HTML only, or an error)
                yield planned, write(planned, pages, None)
                continue
            number = next(numbers)
            future = client.submit(lay_out_on_worker, pages.job, key=f"briefgen-pdf-{number}-{planned.name}",
                                   pure=False, retries=RETRIES)
            if number % WINDOW_REFRESH == 0:  # workers may have joined or left the cluster
                limit = window(client)
            in_flight[future.key] = (planned, pages)
            finished.add(future)
        if in_flight:
            future = next(finished)
            planned, pages = in_flight.pop(future.key)
            yield planned, write(planned, pages, outcome_of(future))
            future.release()


def window(client: Any) -> int:
    """How many jobs may be in flight: :data:`IN_FLIGHT_PER_WORKER` per worker the cluster has now."""
    return IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))


def outcome_of(future: Any) -> PdfOutcome | WorkerFailure:
    """The job's result, or why the cluster could not give it (after Dask's retries)."""
    try:
        result = future.result()
    except Exception as error:  # a worker lost too often, or a failure in briefgen itself: this edition fails
        return WorkerFailure(f"on the Dask cluster: {type(error).__name__}: {error}")
    if not isinstance(result, PdfOutcome):
        return WorkerFailure(f"on the Dask cluster: unexpected result {type(result).__name__}")
    return result

