"""briefgen's editions from rows (a brief's ``places:``), at scale, on SYNTHETIC data.

The project is generated: one brief whose CSV has ``--rows`` invented places (ids, names and
figures made up by a seeded random generator, not real places), two sections with data
placeholders and ``when`` blocks, and ``--audiences`` audiences. Rows measured:

7a. all place editions (or ``--speedup-rows`` rows' editions), --force, cold output folder: 1 job / 2 jobs;
7b. the same editions on a two-worker Dask ``LocalCluster`` (``build --scheduler``) / the local pool of
    2 jobs, and whether the cluster's files are byte for byte the local build's (needs
    ``pip install 'briefgen[dask]'``; ``--no-dask`` skips it);
7c. peak memory (all processes) of the cold 2-job build: ``--rows`` rows / ``--small-rows`` rows (target flat);
7d. one row's figures changed, then built again / the cold build (target ≤ 0.01×);
7e. nothing changed, built again / the cold build.

When the 1 job / 2 jobs row builds the whole table (the default), its 2-job builds are the cold
builds rows 7c-7e compare with, so the large table is laid out cold three times (1 job, 2 jobs,
the cluster), not four.

It also checks, in process, that each section is parsed once per audience whatever the number
of rows. Run ``.venv/bin/python benchmarks/bench_places.py --help`` (``bench.py --place-rows N``
adds these rows to its table).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import BRIEFGEN, REPO, Measured, Row, fmt, interleave, load_average, print_table, run  # noqa: E402

AUDIENCES = ("county-officials", "press", "community-groups")
SECTION_ONE = """---
title: Figures for {{< data name >}}
---
{{< data name >}} had {{< data population number >}} residents in {{< data year >}}; {{< data share percent >}}
of them live outside a city. The county's budget line is {{< data budget currency >}}, last changed on
{{< data updated date >}} [@gao2021].

::: {when="population >= 100000"}
A county of this size usually runs its own jail, so the duty falls on its sheriff.
:::

::: {when="population < 100000"}
A smaller county may contract with a neighbour for jail space; the duty applies all the same.
:::
"""
SECTION_TWO = """---
title: What to do next
---
Officials in {{< data name >}} should read the agreement, ask for the costs in writing and put the
question on a public agenda before they sign anything [@gao2021]. {{< lorem >}}
"""
BIB = """@techreport{gao2021,
  author = {{U.S. Government Accountability Office}},
  title = {Immigration Enforcement: Synthetic Benchmark Entry},
  institution = {GAO},
  year = {2021},
  url = {https://www.gao.gov/}
}
"""


def make_places_project(target: Path, rows: int, audiences: int, seed: int = 8) -> Path:
    """A project with one brief and ``rows`` invented places (synthetic: nothing here is real)."""
    generator = random.Random(seed)
    (target / "briefs/sections").mkdir(parents=True)
    (target / "briefs/data").mkdir()
    chosen = ", ".join(AUDIENCES[:audiences])
    (target / "briefs/places.yaml").write_text(
        f"title: 'A note for {{{{< data name >}}}}'\naudiences: [{chosen}]\nplaces:\n  data: data/places.csv\n"
        "  id: id\n  name: name\nsections:\n  - figures\n  - next-steps\n", encoding="utf-8")
    filler = " ".join(generator.choice(("budget", "county", "sheriff", "agreement", "cost", "record", "public"))
                      for _ in range(120))
    (target / "briefs/sections/figures.md").write_text(SECTION_ONE, encoding="utf-8")
    (target / "briefs/sections/next-steps.md").write_text(SECTION_TWO.replace("{{< lorem >}}", filler), encoding="utf-8")
    lines = ["id,name,population,year,share,budget,updated"]
    for number in range(1, rows + 1):
        lines.append(f"p{number:05},Synthetic County {number},{generator.randint(100, 4_000_000)},2022,"
                     f"{generator.random():.3f},{generator.randint(10_000, 90_000_000)},"
                     f"2026-{generator.randint(1, 12):02}-{generator.randint(1, 28):02}")
    (target / "briefs/data/places.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (target / "references.bib").write_text(BIB, encoding="utf-8")
    return target


def parses_per_audience(project: Path) -> tuple[int, int]:
    """(texts parsed, editions assembled) when every edition of the project is assembled in process."""
    from briefgen.build.assemble import MarkdownCache, assemble_edition
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project

    loaded = load_project(project, Diagnostics())
    brief = loaded.briefs["places"]
    assert brief.places is not None
    cache, editions = MarkdownCache(), 0
    for audience_id in brief.audiences or ():
        for place in brief.places.rows:
            assemble_edition(loaded, brief, loaded.audiences[audience_id], cache, Diagnostics(), place=place)
            editions += 1
    return len(cache._parsed), editions


def place_rows(scratch: Path, rows: int, small_rows: int, audiences: int, runs: int, formats: list[str],
               speedup_rows: int | None = None, is_dask: bool = True) -> tuple[list[Row], list[str]]:
    """Rows 7. ``speedup_rows``: rows of the table the 1 job / 2 jobs row builds (default ``rows``;
    fewer makes that row affordable with PDFs on a small machine). ``is_dask``: add the cluster row
    (skipped with a note when distributed is not installed)."""
    big = make_places_project(scratch / "big", rows, audiences)
    small = make_places_project(scratch / "small", small_rows, audiences)
    is_whole = not speedup_rows or speedup_rows == rows
    speed = big if is_whole else make_places_project(scratch / "speed", speedup_rows or rows, audiences)
    speed_rows = speedup_rows or rows
    editions, speed_editions = rows * audiences, (speedup_rows or rows) * audiences
    fmt_args = [arg for name in formats for arg in ("-f", name)]
    expect_all = f"{speed_editions} edition(s) built"
    count = 0

    def fresh() -> Path:
        nonlocal count
        count += 1
        return scratch / f"out-{count}"

    def cold(jobs: int) -> list[str]:  # not -q: the count of editions built is checked
        return [*BRIEFGEN, "build", *fmt_args, "-j", str(jobs), "--force", "-o", str(fresh())]

    def clean() -> None:
        for path in scratch.glob("out-*"):
            shutil.rmtree(path)

    # The 2-job builds go into the folder the one-row change is built in again (emptied first, so
    # each is cold); its files are also what the cluster's are compared with.
    output = scratch / "incremental"
    base = [*BRIEFGEN, "build", *fmt_args, "-j", "2", "-o", str(output)]

    def empty_output() -> None:
        clean()
        shutil.rmtree(output, ignore_errors=True)

    cluster = _cluster_factory() if is_dask else None
    dask_out = scratch / "dask-cluster"

    def on_cluster(m: Measured) -> None:
        assert cluster is not None
        shutil.rmtree(dask_out, ignore_errors=True)
        with cluster() as running:  # started and stopped outside the timed command
            run([*BRIEFGEN, "build", *fmt_args, "--force", "--scheduler", running.scheduler_address, "-o",
                 str(dask_out)], speed, m, prepare=clean, expect=expect_all)

    local = output if is_whole else scratch / "speed-local"

    def empty_local() -> None:
        clean()
        shutil.rmtree(local, ignore_errors=True)

    cases: dict[str, Callable[[Measured], object]] = {
        "j1": lambda m: run(cold(1), speed, m, prepare=empty_local, expect=expect_all),
        "j2": lambda m: run([*BRIEFGEN, "build", *fmt_args, "-j", "2", "--force", "-o", str(local)], speed, m,
                            prepare=empty_local, expect=expect_all, is_sampled=is_whole),
    }
    if cluster is not None:
        cases["dask"] = on_cluster
    built = interleave(runs, cases)
    speedup = built["j1"].median / built["j2"].median
    out: list[Row] = [Row(7, f"{speed_editions} place editions ({speed_rows} rows × {audiences} audience(s), "
                             f"{'+'.join(formats)}), --force: 1 job / 2 jobs (speed-up {speedup:.2f}×)",
                          fmt(built["j1"].median), fmt(built["j2"].median), speedup, "≥ 1.7", speedup >= 1.7)]
    notes: list[str] = []
    if "dask" in built:
        same = _same_files(dask_out, local)
        ratio = built["dask"].median / built["j2"].median
        out.append(Row(7, f"  the same {speed_editions} editions, --force: 2-worker Dask LocalCluster / local pool of "
                          f"2 jobs ({'byte-identical files' if same else '**files differ**'})",
                       fmt(built["dask"].median), fmt(built["j2"].median), ratio, "≤ 1.25", ratio <= 1.25 and same))
        notes.append(f"row 7 (Dask): LocalCluster(n_workers=2, processes=True, threads_per_worker=1) started before "
                     f"and stopped after each timed build; {built['dask'].median / speed_editions:.2f} s an edition "
                     f"on the cluster, {built['j2'].median / speed_editions:.2f} s with 2 local jobs, "
                     f"{built['j1'].median / speed_editions:.2f} s with 1.")
    elif is_dask:
        notes.append("row 7 (Dask): not measured (pip install 'briefgen[dask]').")
    clean()
    shutil.rmtree(dask_out, ignore_errors=True)
    if not is_whole:
        shutil.rmtree(local)
    if is_whole:
        first = built["j2"]
    else:  # the cold build of the large table, into the folder the one-row change is built in again
        first = interleave(1, {"cold": lambda m: run([*base, "-q"], big, m, prepare=empty_output, is_sampled=True)}
                           )["cold"]
    small_cold = interleave(1, {"small": lambda m: run(cold(2), small, m, prepare=clean, is_sampled=True)})["small"]
    clean()
    growth = first.peak_mib / small_cold.peak_mib
    out.append(Row(7, f"  peak memory (all processes), cold build, 2 jobs: {rows} rows / {small_rows} rows",
                   f"{first.peak_mib:.0f} MiB", f"{small_cold.peak_mib:.0f} MiB", growth, "flat", growth <= 1.25))
    csv = big / "briefs/data/places.csv"
    original = csv.read_text(encoding="utf-8")
    flip = iter(range(10**6))

    def change_one_row() -> None:
        lines = original.splitlines()
        fields = lines[1].split(",")
        fields[2] = str(1000 + next(flip))
        lines[1] = ",".join(fields)
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")

    again = interleave(runs, {"one": lambda m: run(base, big, m, prepare=change_one_row,
                                                   expect=f"{audiences} edition(s) built")})["one"]
    ratio = again.median / first.median
    out.append(Row(7, f"  one row's figures changed, built again ({audiences} edition(s)) / the cold build of all "
                      f"{editions}", fmt(again.median), fmt(first.median), ratio, "≤ 0.01", ratio <= 0.01))
    noop = interleave(runs, {"noop": lambda m: run(base, big, m, expect=f"0 edition(s) built, {editions} up to date")}
                      )["noop"]
    ratio = noop.median / first.median
    out.append(Row(7, f"  nothing changed, built again / the cold build of all {editions}", fmt(noop.median),
                   fmt(first.median), ratio, "≤ 0.01", ratio <= 0.01))
    parsed, assembled = parses_per_audience(small)
    notes.insert(0, f"rows 7: SYNTHETIC places (invented ids, names and figures, seeded); {parsed} texts parsed for "
                    f"{assembled} editions assembled in process ({small_rows} rows × {audiences} audience(s)): each "
                    "text is parsed once per audience, not per row.")
    return out, notes


def _cluster_factory() -> Callable[[], Any] | None:
    """A function that starts a two-worker Dask ``LocalCluster`` (one process, one thread each), or
    None when distributed is not installed."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return None
    return lambda: LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)


def _same_files(made: Path, reference: Path) -> bool:
    """Whether ``made`` has every file ``reference`` has (top level: the editions and the index) with
    the same bytes."""
    files = [path for path in reference.iterdir() if path.is_file()]
    return bool(files) and all((made / path.name).is_file() and (made / path.name).read_bytes() == path.read_bytes()
                               for path in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000, help="rows (places) of the large synthetic table")
    parser.add_argument("--small-rows", type=int, default=250, help="rows of the table memory is compared with")
    parser.add_argument("--audiences", type=int, default=2, choices=(1, 2, 3), help="audiences of the brief")
    parser.add_argument("--runs", type=int, default=1, help="runs per cell")
    parser.add_argument("--format", action="append", dest="formats", help="formats built (default: html and pdf)")
    parser.add_argument("--speedup-rows", type=int, default=0,
                        help="rows of the table the 1 job / 2 jobs row builds (default: --rows)")
    parser.add_argument("--no-dask", action="store_true", help="skip the 2-worker Dask LocalCluster row")
    args = parser.parse_args()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-places-") as scratch:
        rows, notes = place_rows(Path(scratch), args.rows, args.small_rows, args.audiences, args.runs,
                                 args.formats or ["html", "pdf"], args.speedup_rows or None, not args.no_dask)
    notes.append(f"load average (1, 5, 15 min) before: {load_before}; after: {load_average()}.")
    print_table(rows, notes)
    print(f"- briefgen from {REPO}")


if __name__ == "__main__":
    main()
