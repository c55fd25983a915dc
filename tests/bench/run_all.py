"""`make bench`: run every ``tests/bench/bench_*.py`` module and print one table.

Each module exposes ``run(ctx: BenchContext) -> None`` (modules without one are
skipped: they are scripts to run on their own) and adds rows with
``ctx.table.add(section, case, tool, runs_in_seconds, nbytes=..., items=...)``.
Rows of one (section, case) are compared with the row whose tool is
``s3browser``: the last column is each tool's speed divided by s3browser's
(above 1: faster than s3browser). The table, the date, the machine and its load
are printed and written to ``bench-results/latest.md`` for the README.

    python -m tests.bench.run_all [--runs 3] [--only download]
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.server import BenchServer
from tests.bench.tools import ROOT, Tools, ensure_tools

REFERENCE_TOOL = "s3browser"


@dataclass(slots=True)
class Row:
    section: str
    case: str
    tool: str
    runs: list[float]
    nbytes: int | None = None
    items: int | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def mb_per_s(self) -> float | None:
        return self.nbytes / self.median / 1e6 if self.nbytes and self.median > 0 else None


@dataclass(slots=True)
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(
        self,
        section: str,
        case: str,
        tool: str,
        runs: list[float],
        *,
        nbytes: int | None = None,
        items: int | None = None,
        note: str = "",
    ) -> Row:
        row = Row(section, case, tool, list(runs), nbytes, items, note)
        self.rows.append(row)
        print(f"  {section} / {case} / {tool}: " + ", ".join(f"{r:.2f}s" for r in runs), flush=True)
        return row

    def _reference(self, row: Row) -> Row | None:
        for other in self.rows:
            if (other.section, other.case, other.tool) == (row.section, row.case, REFERENCE_TOOL):
                return other
        return None

    def markdown(self) -> str:
        lines = [
            "| section | case | tool | median s | runs s | MB/s | speed ÷ s3browser's |",
            "|---|---|---|---:|---|---:|---:|",
        ]
        for row in self.rows:
            ref = self._reference(row)
            ratio = f"{ref.median / row.median:.2f}" if ref and row.median > 0 else ""
            rate = f"{row.mb_per_s:.0f}" if row.mb_per_s is not None else ""
            runs = ", ".join(f"{r:.2f}" for r in row.runs)
            case = row.case + (f" ({row.note})" if row.note else "")
            lines.append(
                f"| {row.section} | {case} | {row.tool} | {row.median:.2f} | {runs} | {rate} | {ratio} |"
            )
        return "\n".join(lines)


@dataclass(slots=True)
class BenchContext:
    tools: Tools
    server: BenchServer
    table: Table
    runs: int
    scratch: Path  # an empty folder for downloads, on the same disk as the server's data


def machine() -> str:
    """CPU model, cores and RAM, as `lscpu` and /proc/meminfo tell them."""
    model = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    ram = ""
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
            ram = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} cores{ram}, {platform.system()} {platform.release()}"


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"{one:.2f} {five:.2f} {fifteen:.2f}"
    except OSError:
        return "unknown"


def modules(only: list[str]) -> list[str]:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    return [f"tests.bench.{n}" for n in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", action="append", default=[], help="module name part")
    args = parser.parse_args(argv)
    tools = ensure_tools()
    table = Table()
    failures: list[str] = []
    started = datetime.now(UTC)
    load_before = load()
    with (
        BenchServer(tools=tools) as server,
        tempfile.TemporaryDirectory(
            prefix="s3b-bench-out-", dir=os.environ.get("S3B_BENCH_TMP") or None
        ) as scratch,
    ):
        ctx = BenchContext(tools, server, table, args.runs, Path(scratch))
        for name in modules(args.only):
            module = importlib.import_module(name)
            runner = getattr(module, "run", None)
            if runner is None:
                print(f"{name}: no run(ctx), skipped (run it on its own)", flush=True)
                continue
            print(f"{name} ...", flush=True)
            try:
                runner(ctx)
            except Exception as exc:  # one broken benchmark must not hide the others
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
                print(f"{name} FAILED: {exc}", file=sys.stderr, flush=True)
    report = "\n".join(
        [
            f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine()}; load average "
            f"(1/5/15 min) {load_before} before, {load()} after; {args.runs} runs each, "
            "medians; the server is localbucket on 127.0.0.1.",
            "",
            table.markdown(),
            *(["", "Failed: " + "; ".join(failures)] if failures else []),
        ]
    )
    print()
    print(report)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "latest.md").write_text(report + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
