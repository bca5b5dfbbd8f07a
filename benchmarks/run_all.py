"""Run every benchmark of issue 18 in one go, one after the other, on one core.

Run from the project root::

    python benchmarks/run_all.py               # the full set (about an hour)
    python benchmarks/run_all.py --quick       # each benchmark's smoke run
    python benchmarks/run_all.py --out FILE    # also write the log to FILE

Each benchmark runs in a child process with ``OPENBLAS_NUM_THREADS=1``; their
output is printed (and written to ``--out``, atomically, when all are done)
under one header per benchmark, with the machine and the library versions at
the top, so that the ratios of docs/performance.md come from one run.
Benchmarks report; they never assert.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (script, full-run arguments, quick-run arguments)
BENCHMARKS: tuple[tuple[str, list[str], list[str]], ...] = (
    ("bench_import.py", [], ["--repeats", "3"]),
    ("bench_two_player.py", ["--seeds", "5"], ["--quick"]),
    ("bench_lemke_howson.py", [], ["--quick"]),
    ("bench_n_player.py", ["--seeds", "5"], ["--quick", "--seeds", "2"]),
    ("bench_concepts.py", [], ["--quick"]),
    ("bench_sweep.py", [], ["--quick"]),
    ("bench_sweep_memory.py", [], ["--sizes", "100000", "--samples", "100000"]),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="+", help="script names to run")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    lines = [
        f"# kurilsim benchmarks, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        (f"# Python {platform.python_version()} on {platform.machine()}, "
         f"{os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS=1"),
    ]
    print("\n".join(lines), flush=True)
    for script, full, quick in BENCHMARKS:
        if args.only and script not in args.only:
            continue
        command = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        header = f"\n## {script} {' '.join(command[2:])}"
        print(header, flush=True)
        start = time.perf_counter()
        run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        body = run.stdout + (f"\n[stderr]\n{run.stderr}" if run.returncode else "")
        footer = f"[{script}: exit {run.returncode}, {time.perf_counter() - start:.0f} s]"
        print(body + footer, flush=True)
        lines += [header, body, footer]
    if args.out is not None:
        temporary = args.out.with_name(args.out.name + ".tmp")
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        temporary.replace(args.out)


if __name__ == "__main__":
    main()
