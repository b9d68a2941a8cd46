"""Instructions per model step, counted by valgrind: a noise-free before/after of a code change.

Wall and CPU times on the shared 2-core development machines vary by up to a third between two
runs of the same code, which hides changes of 5-10 %. The number of machine instructions the
interpreter executes for the same seeded run does not depend on the machine's load, so it
compares two versions of the code directly (it does not weigh cache misses, so confirm a gain
in time with ``make bench``).

For each git revision (or directory) given, the full model (the baseline scenario at
``--actors`` innovating actors, as in :mod:`benchmarks.bench_model`) is run under
``valgrind --tool=cachegrind`` twice, for ``A`` and for ``B`` steps; the difference divided by
``B - A`` is the count per step of steps ``A+1 … B``, free of imports and set-up. A revision is
checked out into a temporary git worktree; a directory is used as it is.

Usage::

    python -m benchmarks.instructions HEAD~3 HEAD              # steps 21-60 at 1,000 actors
    python -m benchmarks.instructions --steps 10 30 --actors 300 HEAD /path/to/a/checkout

About 3 minutes per revision at the defaults (valgrind runs Python about 30 times slower);
the two runs of a revision go in parallel on two cores.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Runs the model from the checkout given as argv[1] (put first on sys.path, so its ``abm``
#: and ``agents`` are the ones imported), for argv[3] steps at argv[2] actors.
_CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
from benchmarks.bench_model import population
from abm.model import InnovationModel
model = InnovationModel(rng=1, **population(int(sys.argv[2])))
for _ in range(int(sys.argv[3])):
    model.step()
"""


#: One BLAS/OpenMP thread and a fixed hash seed: otherwise the idle threads of the BLAS
#: library and the order of string hashing add a few million instructions per step at random
#: (the same code counted 342.1 and 338.4 M).
_PINNED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}


def count(checkout: Path, actors: int, steps: int) -> int:
    """Instructions valgrind counts for importing, building and running ``steps`` steps."""
    cmd = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        "-c",
        _CHILD,
        str(checkout),
        str(actors),
        str(steps),
    ]
    out = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        env={**os.environ, **_PINNED},
    )
    total = parse_refs(out.stderr)
    if out.returncode != 0 or total is None:
        raise RuntimeError(f"valgrind run failed for {checkout}:\n{out.stderr[-2000:]}")
    return total


def parse_refs(report: str) -> int | None:
    """The instruction count (``I refs``) of a cachegrind report, ``None`` if there is none."""
    found = re.search(r"I\s+refs:\s+([\d,]+)", report)
    return int(found.group(1).replace(",", "")) if found else None


def per_step(checkout: Path, actors: int, first: int, last: int) -> float:
    """Instructions per step over steps ``first+1 … last``."""
    with cf.ThreadPoolExecutor(2) as pool:
        a, b = pool.map(lambda s: count(checkout, actors, s), (first, last))
    return (b - a) / (last - first)


def _checkout(rev: str, into: Path) -> Path:
    """``rev`` as a directory: itself if it is one, else a detached git worktree in ``into``."""
    if Path(rev).is_dir():
        return Path(rev).resolve()
    path = into / re.sub(r"[^\w.-]", "_", rev)
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(path), rev],
        cwd=ROOT,
        check=True,
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revisions", nargs="+", help="git revisions or checkout directories")
    parser.add_argument("--actors", type=int, default=1000, help="innovating actors (1000)")
    parser.add_argument(
        "--steps", type=int, nargs=2, default=(20, 60), metavar=("A", "B"), help="(20 60)"
    )
    args = parser.parse_args(argv)
    first, last = args.steps
    if not 0 <= first < last:
        parser.error(f"--steps needs 0 <= A < B, got {first} {last}")
    if args.actors < 1:
        parser.error(f"--actors must be >= 1, got {args.actors}")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (Debian: apt-get install valgrind)")
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for rev in args.revisions:
                checkout = _checkout(rev, Path(tmp))
                n = per_step(checkout, args.actors, first, last)
                change = "" if base is None else f"  {100 * (n / base - 1):+.1f} % vs first"
                base = n if base is None else base
                print(f"{rev:>20}  {n / 1e6:9.1f} M instructions per step{change}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
