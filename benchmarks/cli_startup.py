"""Command-line start-up: one `graphsvc` command as a whole process, against an engine already running.

    GRAPHSVC_DATA_DIR=/tmp/cli-bench graphsvc engine start
    GRAPHSVC_DATA_DIR=/tmp/cli-bench graphsvc demo
    GRAPHSVC_DATA_DIR=/tmp/cli-bench .venv/bin/python benchmarks/cli_startup.py [--runs 7] [-- gaps --street s-xf]

Runs the command (default `gaps --street s-xf`) once to warm the disk cache, then `--runs` times, each a
new process as a person or a cron job starts it (`python -m graphsvc.cli …`, what the `graphsvc` script
runs), and prints the median and range of the wall time and of the CPU time the process used (user +
system). The wall time includes the engine's own work on the queries; the CPU time is the command
line's alone. Then what one more run (`python -X importtime`) spent importing, by package. Prints
Markdown for BENCHMARKS.md. The runs keep compiled bytecode as an installed graphsvc does: a
PYTHONDONTWRITEBYTECODE in the environment is not passed on (else every run compiles graphsvc afresh).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

DEFAULT = ["gaps", "--street", "s-xf"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENTRY = "graphsvc.cli"  # what the `graphsvc` script runs


def run_once(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole `python -m graphsvc.cli COMMAND` process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", ENTRY, *command], stdout=subprocess.DEVNULL, stderr=err, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"graphsvc {' '.join(command)} failed ({proc.returncode}):\n{err.read()[-2000:].decode()}")
    return wall, usage.ru_utime + usage.ru_stime


def import_times(command: list[str]) -> dict[str, float]:
    """Seconds spent importing, by top-level package (graphsvc by its sub-package), self times summed."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", ENTRY, *command],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True, env=ENV)
    totals: dict[str, float] = defaultdict(float)
    for m in re.finditer(r"^import time:\s+(\d+) \|\s+\d+ \|\s+(\S+)$", proc.stderr, re.M):
        parts = m.group(2).split(".")
        totals[".".join(parts[:2]) if parts[0] == "graphsvc" else parts[0]] += int(m.group(1)) / 1e6
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--imports", type=int, default=8, help="how many packages of the import time to list")
    ap.add_argument("command", nargs="*", help="the graphsvc command (default: gaps --street s-xf)")
    args = ap.parse_args()
    command = args.command or DEFAULT
    run_once(command)  # warm-up
    walls, cpus = zip(*(run_once(command) for _ in range(args.runs)))
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"`graphsvc {' '.join(command)}`, {args.runs} runs, load average {load}\n")
    print("| figure | median s (min–max) |\n|---|---|")
    print(f"| wall time, whole process | {summary(list(walls))} |")
    print(f"| CPU time (user + system) | {summary(list(cpus))} |")
    if args.imports:
        print("\n| imported package | s (one run, -X importtime) |\n|---|---|")
        for name, seconds in list(import_times(command).items())[: args.imports]:
            print(f"| {name} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
