"""briefgen's editions from rows (a brief's ``places:``), at scale, on SYNTHETIC data.

The project is generated: one brief whose CSV has ``--rows`` invented places (ids, names and
figures made up by a seeded random generator, not real places), two sections with data
placeholders and ``when`` blocks, and ``--audiences`` audiences. Rows measured:

7a. all place editions (or ``--speedup-rows`` rows' editions), --force, cold output folder: 1 job / 2 jobs;
7b. peak memory (all processes) of the cold 2-job build: ``--rows`` rows / ``--small-rows`` rows (target flat);
7c. one row's figures changed, then built again / the cold build (target ≤ 0.01×);
7d. nothing changed, built again / the cold build.

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import BRIEFGEN, REPO, Row, fmt, interleave, print_table, run  # noqa: E402

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
               speedup_rows: int | None = None) -> tuple[list[Row], list[str]]:
    """Rows 7. ``speedup_rows``: rows of the table the 1 job / 2 jobs row builds (default ``rows``;
    fewer makes that row affordable with PDFs on a small machine)."""
    big = make_places_project(scratch / "big", rows, audiences)
    small = make_places_project(scratch / "small", small_rows, audiences)
    speed = big if not speedup_rows or speedup_rows == rows else make_places_project(scratch / "speed", speedup_rows,
                                                                                   audiences)
    speed_rows = speedup_rows or rows
    editions = rows * audiences
    fmt_args = [arg for name in formats for arg in ("-f", name)]
    count = 0

    def cold(jobs: int) -> list[str]:
        nonlocal count
        count += 1
        out = scratch / f"out-{count}"
        return [*BRIEFGEN, "build", *fmt_args, "-j", str(jobs), "-q", "--force", "-o", str(out)]

    def clean() -> None:
        for path in scratch.glob("out-*"):
            shutil.rmtree(path)

    # 7c first: the cold build of the large table, into the folder the one-row change is built in again
    output = scratch / "incremental"
    base = [*BRIEFGEN, "build", *fmt_args, "-j", "2", "-o", str(output)]
    first = interleave(1, {"cold": lambda m: run([*base, "-q"], big, m, is_sampled=True)})["cold"]
    small_cold = interleave(1, {"small": lambda m: run(cold(2), small, m, prepare=clean, is_sampled=True)})["small"]
    built = interleave(runs, {
        "j1": lambda m: run(cold(1), speed, m, prepare=clean),
        "j2": lambda m: run(cold(2), speed, m, prepare=clean),
    })
    clean()
    speedup = built["j1"].median / built["j2"].median
    out: list[Row] = [Row(7, f"{speed_rows * audiences} place editions ({speed_rows} rows × {audiences} audience(s), "
                             f"{'+'.join(formats)}), --force: 1 job / 2 jobs (speed-up {speedup:.2f}×)",
                          fmt(built["j1"].median), fmt(built["j2"].median), speedup, "≥ 1.7", speedup >= 1.7)]
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
    notes = [f"rows 7: SYNTHETIC places (invented ids, names and figures, seeded); {parsed} texts parsed for "
             f"{assembled} editions assembled in process ({small_rows} rows × {audiences} audience(s)): each text is "
             "parsed once per audience, not per row."]
    return out, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000, help="rows (places) of the large synthetic table")
    parser.add_argument("--small-rows", type=int, default=250, help="rows of the table memory is compared with")
    parser.add_argument("--audiences", type=int, default=1, choices=(1, 2, 3), help="audiences of the brief")
    parser.add_argument("--runs", type=int, default=1, help="runs per cell")
    parser.add_argument("--format", action="append", dest="formats", help="formats built (default: html and pdf)")
    parser.add_argument("--speedup-rows", type=int, default=0,
                        help="rows of the table the 1 job / 2 jobs row builds (default: --rows)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-places-") as scratch:
        rows, notes = place_rows(Path(scratch), args.rows, args.small_rows, args.audiences, args.runs,
                                 args.formats or ["html", "pdf"], args.speedup_rows or None)
    print_table(rows, notes)
    print(f"- briefgen from {REPO}")


if __name__ == "__main__":
    main()
