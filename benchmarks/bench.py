"""briefgen against its floor (the WeasyPrint CLI) and its peer (pandoc --citeproc → WeasyPrint).

Run with ``make bench`` (which installs pandoc from the pypandoc-binary wheel first), or
``.venv/bin/python benchmarks/bench.py --help`` for the knobs. Every command runs as a fresh
process; the commands of a row are interleaved (A B C A B C ...) and each cell is the median
wall time of its runs. Peak memory is the largest sum of resident memory of a build and all
its worker processes, sampled every 50 ms. Not part of the test suite: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BRIEFGEN = [str(BIN / "briefgen")]
WEASYPRINT = [str(BIN / "weasyprint")]


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Measured:
    times: list[float] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_rss) / 1024 / 1024 if self.peak_rss else 0.0


def _tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in bytes (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def run(command: Sequence[str], cwd: Path, measured: Measured, *, env: dict[str, str] | None = None,
        prepare: Callable[[], None] | None = None, expect: str = "", is_sampled: bool = False) -> str:
    """Run ``command`` once as a fresh process; add its wall time (and, if ``is_sampled``, its peak
    memory) to ``measured``. Sampling reads /proc every 50 ms, which costs a little CPU: only
    row 5 does it."""
    if prepare is not None:
        prepare()
    peak = 0
    start = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if is_sampled:
        sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    if is_sampled:
        sampler.join()
    if process.returncode not in (0, 1) or (expect and expect not in stdout + stderr):
        raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}\n{stdout}\n{stderr}")
    measured.times.append(elapsed)
    measured.peak_rss.append(peak)
    return stdout + stderr


def interleave(runs: int, cases: dict[str, Callable[[Measured], object]]) -> dict[str, Measured]:
    results = {name: Measured() for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            case(results[name])
    return results


# --- the projects -----------------------------------------------------------------------------


def copy_example(target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copytree(REPO / "briefs", target / "briefs")
    shutil.copy(REPO / "references.bib", target / "references.bib")
    return target


WORDS = ("county sheriff agreement federal detainer jail officers immigration program costs training oversight "
         "community trust reporting residents policy board budget liability enforcement local records data "
         "review staff arrests hearing contract screening notice families schools clinics court").split()


def make_synthetic(target: Path, briefs: int, sections_per_brief: int, audiences: int, entries: int,
                   words_per_section: int, seed: int = 7) -> Path:
    """A brief project of the requested size; sections are shared between briefs, as in real use."""
    rng = random.Random(seed)
    (target / "briefs/sections").mkdir(parents=True)
    (target / "briefs/audiences").mkdir()
    bib = []
    for number in range(entries):
        if number % 2:
            bib.append(f"@article{{ref{number},\n  author = {{M{{\\\"o}}ller, Anna and Garc{{\\'\\i}}a, Luis}},\n"
                       f"  title = {{Trust and {{Reporting}} in County {number}}},\n  journal = {{Policy \\& Practice}},\n"
                       f"  volume = {{{number % 40}}},\n  pages = {{10--20}},\n  year = {{{1990 + number % 35}}},\n"
                       f"  doi = {{10.1000/pp.{number}}}\n}}\n")
        else:
            bib.append(f"@techreport{{ref{number},\n  author = {{{{U.S. Government Accountability Office}}}},\n"
                       f"  title = {{Immigration Enforcement Report {number}}},\n  institution = {{GAO}},\n"
                       f"  number = {{GAO-{number}}},\n  year = {{2021}},\n  url = {{https://example.org/r/{number}}}\n}}\n")
    (target / "references.bib").write_text("\n".join(bib), encoding="utf-8")
    extra = [f"reader-group-{n}" for n in range(max(0, audiences - 3))]
    for audience in extra:
        (target / f"briefs/audiences/{audience}.yaml").write_text(f"label: Reader group {audience[-1]}\nlanguage: en\n")
    audience_ids = ["county-officials", "community-groups", "press", *extra][:audiences]
    pool = max(sections_per_brief, briefs * sections_per_brief // 2)

    def sentences(count: int) -> str:
        text = []
        for _ in range(count):
            words = rng.sample(WORDS, 12)
            text.append(" ".join(words).capitalize() + f" [@ref{rng.randrange(entries)}].")
        return " ".join(text)

    for number in range(pool):
        body = (f"## Finding {number}\n\n{sentences(words_per_section // 24)}\n\n"
                f"::: {{audience=\"{audience_ids[number % len(audience_ids)]}\"}}\n{sentences(1)}\n:::\n\n"
                f"{sentences(words_per_section // 24)}\n")
        (target / f"briefs/sections/s{number}.md").write_text(f"---\ntitle: Section {number}\n---\n{body}")
    for number in range(briefs):
        chosen = rng.sample(range(pool), sections_per_brief)
        lines = [f"title: Synthetic brief {number}?", "checked: 2026-01-24", f"summary: {sentences(2)}",
                 f"audiences: [{', '.join(audience_ids)}]", "sections:", *(f"  - s{s}" for s in chosen)]
        (target / f"briefs/b{number}.yaml").write_text("\n".join(lines) + "\n")
    return target


def pandoc_inputs(project: Path, target: Path) -> list[Path]:
    """One pandoc Markdown file per edition of ``project``: the same sections, summary and
    bibliography briefgen uses for that audience (pandoc cannot tailor, so briefgen chooses)."""
    sys.path.insert(0, str(REPO / "src"))
    from briefgen.build.assemble import select_sections
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project

    loaded = load_project(project, Diagnostics())
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for brief in loaded.briefs.values():
        for audience_id in brief.audiences or loaded.audiences:
            audience = loaded.audiences[audience_id]
            sections = select_sections(loaded, brief, audience, Diagnostics())
            title = brief.title.replace('"', "'")
            parts = [f'---\ntitle: "{title}"\nlang: en\nlink-citations: true\n---\n']
            if brief.summary:
                parts.append("## Summary\n\n" + brief.summary.text)
            for section in sections:
                parts.append(f"## {section.title}\n\n{section.body.text}")
            path = target / f"{brief.id}--{audience.id}.md"
            path.write_text("\n\n".join(parts), encoding="utf-8")
            files.append(path)
    return files


# --- the rows ---------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    what: str
    briefgen: str
    other: str
    ratio: float
    target: str
    is_met: bool | None


def fmt(seconds: float) -> str:
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per cell for the quick rows (1, 2, 4, 6)")
    parser.add_argument("--example-runs", type=int, default=3, help="runs per cell for row 3 (all example editions)")
    parser.add_argument("--scale-runs", type=int, default=1, help="runs per cell for row 5 (the synthetic project)")
    parser.add_argument("--briefs", type=int, default=100, help="briefs in the synthetic project")
    parser.add_argument("--small-briefs", type=int, default=25, help="briefs in the smaller project memory is compared with")
    parser.add_argument("--sections", type=int, default=3, help="sections per synthetic brief")
    parser.add_argument("--audiences", type=int, default=4, help="audiences of each synthetic brief")
    parser.add_argument("--entries", type=int, default=5000, help="entries in the synthetic references.bib")
    parser.add_argument("--words", type=int, default=100, help="words per synthetic section")
    parser.add_argument("--place-rows", type=int, default=0,
                        help="rows 7 (editions from rows, synthetic places; see bench_places.py): rows of the table (0: skip)")
    parser.add_argument("--place-audiences", type=int, default=2, choices=(1, 2, 3),
                        help="rows 7: audiences of the place brief (editions = rows × audiences)")
    parser.add_argument("--dask-briefs", type=int, default=20, help="briefs of the synthetic project for row 7 (Dask)")
    parser.add_argument("--dask-runs", type=int, default=1, help="runs per cell for row 7 (Dask)")
    parser.add_argument("--only-dask", action="store_true",
                        help="measure row 7 only: the Dask row, and with --place-rows the place rows "
                             "(needs pip install 'briefgen[dask]')")
    args = parser.parse_args()
    if args.only_dask:
        with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as scratch_name:
            table, notes = dask_rows(args, Path(scratch_name))
            if args.place_rows:  # with their own cluster row, on the place editions
                place_table, place_notes = place_rows_of(args, Path(scratch_name))
                table, notes = table + place_table, notes + place_notes
            print_table(table, notes)
        return
    pandoc = shutil.which("pandoc")
    try:
        import pypandoc

        pandoc = pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        pass
    if not pandoc:
        raise SystemExit("pandoc is needed: make bench installs it (pypandoc-binary)")
    pandoc_version = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=True).stdout.split("\n")[0]
    rows: list[Row] = []
    notes: list[str] = []
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as scratch_name:
        scratch = Path(scratch_name)
        example = copy_example(scratch / "example")
        markdown = pandoc_inputs(example, scratch / "pandoc")
        bib = str(example / "references.bib")
        fresh = iter(range(10**6))

        def cold_dir() -> str:
            return str(scratch / f"out-{next(fresh)}")

        one = "287g-costs--press"
        one_md = next(path for path in markdown if path.stem == one)
        seed_out = scratch / "seed"
        run([*BRIEFGEN, "build", "287g-costs", "-a", "press", "-o", str(seed_out)], example, Measured())
        one_html = seed_out / f"{one}.html"

        def pandoc_html(source: Path, out: Path) -> list[str]:
            return [pandoc, "--citeproc", "-s", "--bibliography", bib, str(source), "-o", str(out)]

        def pandoc_pdf(source: Path, out: Path) -> list[str]:
            script = '"$1" --citeproc -s --bibliography "$2" "$3" -o "$4.html" && "$5" -q "$4.html" "$4.pdf"'
            return ["sh", "-c", script, "sh", pandoc, bib, str(source), str(out), WEASYPRINT[0]]

        # 1. one edition, HTML + PDF, cold process
        r1 = interleave(args.runs, {
            "briefgen": lambda m: run([*BRIEFGEN, "build", "287g-costs", "-a", "press", "-o", cold_dir()], example, m),
            "floor": lambda m: run([*WEASYPRINT, "-q", "--pdf-variant", "pdf/ua-1", str(one_html), str(scratch / "floor.pdf")],
                                   example, m),
            "pandoc": lambda m: run(pandoc_pdf(one_md, scratch / "pandoc-one"), example, m),
        })
        ratio = r1["briefgen"].median / r1["floor"].median
        rows.append(Row(1, "one edition HTML+PDF, cold: briefgen / weasyprint CLI on its HTML (floor)",
                        fmt(r1["briefgen"].median), fmt(r1["floor"].median), ratio, "≤ 1.10", ratio <= 1.10))
        ratio = r1["briefgen"].median / r1["pandoc"].median
        rows.append(Row(1, "  … / pandoc --citeproc → weasyprint", fmt(r1["briefgen"].median), fmt(r1["pandoc"].median),
                        ratio, "", None))

        # 2. one edition, HTML only, cold process
        r2 = interleave(args.runs, {
            "briefgen": lambda m: run([*BRIEFGEN, "build", "287g-costs", "-a", "press", "-f", "html", "-o", cold_dir()],
                                      example, m),
            "pandoc": lambda m: run(pandoc_html(one_md, scratch / "pandoc-one.html"), example, m),
        })
        ratio = r2["briefgen"].median / r2["pandoc"].median
        rows.append(Row(2, "one edition HTML only, cold: briefgen / pandoc --citeproc -s", fmt(r2["briefgen"].median),
                        fmt(r2["pandoc"].median), ratio, "≤ 1.0", ratio <= 1.0))

        # 3. every edition of the example, HTML + PDF
        def pandoc_loop(m: Measured) -> None:
            script = " && ".join(f'"$1" --citeproc -s --bibliography "$2" "{path}" -o "{scratch}/loop.html" && '
                                 f'"$3" -q "{scratch}/loop.html" "{scratch}/loop.pdf"' for path in markdown)
            run(["sh", "-c", script, "sh", pandoc, bib, WEASYPRINT[0]], example, m)

        r3 = interleave(args.example_runs, {
            "briefgen": lambda m: run([*BRIEFGEN, "build", "-o", cold_dir()], example, m,
                                      expect=f"{len(markdown)} edition(s) built"),
            "pandoc": pandoc_loop,
        })
        ratio = r3["briefgen"].median / r3["pandoc"].median
        rows.append(Row(3, f"all {len(markdown)} example editions HTML+PDF, cold: briefgen / pandoc → weasyprint loop",
                        fmt(r3["briefgen"].median), fmt(r3["pandoc"].median), ratio, "≤ 0.5", ratio <= 0.5))

        # 4. incremental rebuilds of the example
        warm = scratch / "warm"
        run([*BRIEFGEN, "build", "-o", str(warm)], example, Measured())
        section = example / "briefs/sections/reimbursement-fine-print.md"
        original = section.read_text(encoding="utf-8")
        counter = iter(range(10**6))
        rebuilt: list[str] = []

        def change_section() -> None:
            section.write_text(original + f"\nA sentence changed for run {next(counter)}.\n", encoding="utf-8")

        r4 = interleave(args.runs, {
            "noop": lambda m: run([*BRIEFGEN, "build", "-o", str(warm)], example, m, expect="0 edition(s) built"),
            "changed": lambda m: rebuilt.append(
                re.search(r"(\d+) edition\(s\) built", run([*BRIEFGEN, "build", "-o", str(warm)], example, m,
                                                          prepare=change_section)).group(1)),  # type: ignore[union-attr]
        })
        section.write_text(original, encoding="utf-8")
        editions_with_section = _editions_using(example, "reimbursement-fine-print")
        cold = r3["briefgen"].median
        ratio = r4["noop"].median / cold
        rows.append(Row(4, "no-op rebuild of the example / its cold build", fmt(r4["noop"].median), fmt(cold), ratio,
                        "≤ 0.10", ratio <= 0.10))
        one_edition = [*BRIEFGEN, "build", "287g-costs", "-a", "press", "-o", str(seed_out)]
        run(one_edition, example, Measured())  # up to date again after the section was restored
        r4_one = interleave(args.runs, {"noop": lambda m: run(one_edition, example, m, expect="0 edition(s) built")})
        ratio = r4_one["noop"].median / r1["briefgen"].median
        rows.append(Row(4, "no-op rebuild of one edition / its cold build (row 1)", fmt(r4_one["noop"].median),
                        fmt(r1["briefgen"].median), ratio, "≤ 0.10", ratio <= 0.10))
        is_exact = set(rebuilt) == {str(editions_with_section)}
        ratio = r4["changed"].median / cold
        rows.append(Row(4, f"one section changed: rebuilt {'/'.join(sorted(set(rebuilt)))} of {len(markdown)} editions "
                           f"(the {editions_with_section} that use it) / cold build",
                        fmt(r4["changed"].median), fmt(cold), ratio, "only those", is_exact))

        # 5. the synthetic project, at scale. The first (cold) build parses the bibliography; the
        # 1-job/2-job comparison rebuilds every edition with --force, which reuses the parsed
        # bibliography (keyed by content), so it measures rendering, the part that runs in parallel.
        big = make_synthetic(scratch / "big", args.briefs, args.sections, args.audiences, args.entries, args.words)
        small = make_synthetic(scratch / "small", args.small_briefs, args.sections, args.audiences, args.entries, args.words)
        editions = args.briefs * args.audiences
        machine = _machine_parallelism()
        sample_html = next((scratch / "seed").glob("*.html"))
        machine_pdf = _weasyprint_parallelism(sample_html, scratch)
        big_out, small_out = scratch / "big-out", scratch / "small-out"
        cold5 = Measured()
        run([*BRIEFGEN, "build", "-f", "html", "-o", str(big_out)], big, cold5, expect=f"{editions} edition(s) built")
        run([*BRIEFGEN, "build", "-f", "html", "-o", str(small_out)], small, Measured())
        rows.append(Row(5, f"{args.briefs} briefs × {args.audiences} audiences HTML only, cold (parses the "
                           f"{args.entries}-entry bibliography), 2 jobs: wall time", fmt(cold5.median), "", 0.0, "", None))
        for formats, label in ((["-f", "html"], "HTML only"), ([], "HTML+PDF")):
            r5 = interleave(args.scale_runs, {
                "j1": lambda m, f=formats: run([*BRIEFGEN, "build", *f, "--force", "-j", "1", "-o", str(big_out)], big, m,
                                                expect=f"{editions} edition(s) built", is_sampled=True),
                "j2": lambda m, f=formats: run([*BRIEFGEN, "build", *f, "--force", "-j", "2", "-o", str(big_out)], big, m,
                                                expect=f"{editions} edition(s) built", is_sampled=True),
                "small": lambda m, f=formats: run([*BRIEFGEN, "build", *f, "--force", "-j", "2", "-o", str(small_out)],
                                                   small, m, is_sampled=True),
            })
            speedup = r5["j1"].median / r5["j2"].median
            ceiling = f"two CPU-bound processes on this machine: {machine:.2f}×"
            if "PDF" in label:
                ceiling += f"; two weasyprint commands at once: {machine_pdf:.2f}×"
            rows.append(Row(5, f"{editions} editions {label}, --force: 1 job / 2 jobs (speed-up {speedup:.2f}×; {ceiling})",
                            fmt(r5["j1"].median), fmt(r5["j2"].median), speedup, "≥ 1.7", speedup >= 1.7))
            growth = r5["j2"].peak_mib / r5["small"].peak_mib
            rows.append(Row(5, f"  peak memory (all processes), 2 jobs: {args.briefs} briefs / {args.small_briefs} briefs",
                            f"{r5['j2'].peak_mib:.0f} MiB", f"{r5['small'].peak_mib:.0f} MiB", growth,
                            "flat", growth <= 1.25))

        dask_table, dask_notes = dask_rows(args, scratch)
        rows += dask_table
        notes += dask_notes

        # 6. startup
        r6 = interleave(args.runs * 2, {
            "help": lambda m: run([*BRIEFGEN, "--help"], example, m),
            "typer": lambda m: run([sys.executable, "-c", "import typer"], example, m),
        })
        ratio = r6["help"].median / r6["typer"].median
        rows.append(Row(6, "briefgen --help / python -c 'import typer'", fmt(r6["help"].median), fmt(r6["typer"].median),
                        ratio, "≤ 1.5", ratio <= 1.5))
        if args.place_rows:  # 7. editions from rows (benchmarks/bench_places.py)
            place_table, place_notes = place_rows_of(args, scratch)
            rows += place_table
            notes += place_notes
        notes.append(f"{pandoc_version}; WeasyPrint CLI for the floor uses briefgen's PDF variant (pdf/ua-1); "
                     f"pandoc's HTML goes through the WeasyPrint CLI's defaults.")
        notes.append(f"medians of {args.runs} runs (rows 1, 2, 4), {args.example_runs} (row 3), {args.scale_runs} (row 5), "
                     f"{args.runs * 2} (row 6); commands of a row interleaved; cold = fresh process and empty output folder.")
        notes.append(f"synthetic project: {args.briefs} briefs × {args.sections} sections of ~{args.words} words, "
                     f"{args.audiences} audiences, {args.entries}-entry references.bib; {os.cpu_count()} CPUs.")
        notes.append(f"load average (1, 5, 15 min) before: {load_before}; after: {load_average()} "
                     "(other work on the machine slows both sides of a row, and parallel rows most).")
    print_table(rows, notes)


def dask_rows(args: argparse.Namespace, scratch: Path) -> tuple[list[Row], list[str]]:
    """7. The same editions made by a two-worker Dask ``LocalCluster`` (``build --scheduler``) and
    by the local pool of two PDF workers (``-j 2``), both with --force after a first build that
    warms them: the cost of going through Dask's scheduler on one machine."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return [Row(7, "Dask LocalCluster / local pool: not measured (pip install 'briefgen[dask]')", "", "", 0.0, "",
                    None)], []
    audiences = min(args.audiences, 3)
    project = make_synthetic(scratch / "dask", args.dask_briefs, args.sections, audiences, 200, args.words)
    editions = args.dask_briefs * audiences
    local_out, dask_out = scratch / "dask-local", scratch / "dask-cluster"
    expect = f"{editions} edition(s) built"
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        on_cluster = ["--scheduler", cluster.scheduler_address]
        run([*BRIEFGEN, "build", "-j", "2", "-o", str(local_out)], project, Measured(), expect=expect)
        run([*BRIEFGEN, "build", *on_cluster, "-o", str(dask_out)], project, Measured(), expect=expect)
        measured = interleave(args.dask_runs, {
            "local": lambda m: run([*BRIEFGEN, "build", "--force", "-j", "2", "-o", str(local_out)], project, m,
                                   expect=expect),
            "dask": lambda m: run([*BRIEFGEN, "build", "--force", *on_cluster, "-o", str(dask_out)], project, m,
                                  expect=expect),
        })
    same = all((dask_out / path.name).read_bytes() == path.read_bytes() for path in local_out.iterdir() if path.is_file())
    ratio = measured["dask"].median / measured["local"].median
    row = Row(7, f"{editions} editions HTML+PDF, --force: 2-worker Dask LocalCluster / local pool of 2 jobs "
                 f"({'byte-identical files' if same else '**files differ**'})",
              fmt(measured["dask"].median), fmt(measured["local"].median), ratio, "≤ 1.25", ratio <= 1.25 and same)
    note = (f"row 7: {args.dask_briefs} synthetic briefs × {audiences} audiences, {args.dask_runs} run(s) per cell; the "
            f"cluster's scheduler runs in this process and its two workers on the same CPUs as the local pool; "
            f"{measured['dask'].median / editions:.2f} s an edition on the cluster")
    return [row], [note]


def place_rows_of(args: argparse.Namespace, scratch: Path) -> tuple[list[Row], list[str]]:
    """Rows 7 on editions from rows (benchmarks/bench_places.py): ``--place-rows`` rows ×
    ``--place-audiences`` audiences, HTML+PDF, memory compared with a quarter of the rows."""
    from bench_places import place_rows

    return place_rows(scratch / "places", args.place_rows, max(1, args.place_rows // 4), args.place_audiences,
                      args.scale_runs, ["html", "pdf"])


def _editions_using(project: Path, section_id: str) -> int:
    """Editions that read the section's default file (a Spanish edition reads its translation)."""
    from briefgen.build.assemble import select_sections
    from briefgen.errors import Diagnostics
    from briefgen.load.project import load_project

    loaded = load_project(project, Diagnostics())
    return sum(1 for brief in loaded.briefs.values() for audience_id in brief.audiences or loaded.audiences
               if any(s.id == section_id and not s.language
                      for s in select_sections(loaded, brief, loaded.audiences[audience_id], Diagnostics())))


_SPIN = "x = 0\nfor i in range(6_000_000):\n    x += i * i\n"


def _machine_parallelism() -> float:
    """How much faster two CPU-bound processes finish than one doing both jobs in turn."""
    measured = interleave(3, {
        "serial": lambda m: run(["sh", "-c", f'"{sys.executable}" -c "$1" && "{sys.executable}" -c "$1"', "sh", _SPIN],
                                REPO, m),
        "parallel": lambda m: run(["sh", "-c", f'"{sys.executable}" -c "$1" & "{sys.executable}" -c "$1"; wait',
                                   "sh", _SPIN], REPO, m),
    })
    return measured["serial"].median / measured["parallel"].median


def _weasyprint_parallelism(html: Path, scratch: Path) -> float:
    """The same, for two WeasyPrint commands rendering one edition: the speed-up PDF workers can hope for."""
    one = f'"{WEASYPRINT[0]}" -q "{html}" "{scratch}/p1.pdf"'
    two = f'"{WEASYPRINT[0]}" -q "{html}" "{scratch}/p2.pdf"'
    measured = interleave(3, {
        "serial": lambda m: run(["sh", "-c", f"{one} && {two}"], REPO, m),
        "parallel": lambda m: run(["sh", "-c", f"{one} & {two}; wait"], REPO, m),
    })
    return measured["serial"].median / measured["parallel"].median


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def print_table(rows: list[Row], notes: list[str]) -> None:
    print("| # | measurement | briefgen | compared with | ratio | target | met |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        met = "" if row.is_met is None else ("yes" if row.is_met else "**no**")
        ratio = "" if not row.ratio else f"{row.ratio:.2f}×" if row.ratio >= 0.1 else f"{row.ratio:.2g}×"  # 0.0077×
        print(f"| {row.number} | {row.what} | {row.briefgen} | {row.other} | {ratio} | {row.target} | {met} |")
    print()
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
