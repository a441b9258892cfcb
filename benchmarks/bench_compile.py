"""Compile-speed benchmark: run with `.venv/bin/python benchmarks/bench_compile.py`.

Reports, from one run on this machine, the time to compile every criterion of the corpus, the
time per criterion, and how a 20,000-character criterion compares with an ordinary one (a ratio,
so the figure means the same on a slower or faster machine).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from screening.compile import compile_criterion
from screening.ingest import read_trial

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def _best_of(runs: int, func) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    from screening.vocabulary import load_vocabulary

    start = time.perf_counter()
    load_vocabulary.__wrapped__()
    print(f"vocabulary load:           {time.perf_counter() - start:.3f} s ({len(load_vocabulary().concepts)} concepts)")
    compile_criterion("warm up: serum creatinine > 1.5 mg/dL", "exclusion")  # load vocabulary and parsers
    criteria = [c for p in sorted(CORPUS.glob("*.json")) for c in read_trial(p).criteria]
    criteria += [c for p in sorted((ROOT / "examples" / "trials").glob("*.txt")) for c in read_trial(p).criteria]

    def compile_all() -> None:
        for c in criteria:
            compile_criterion(c.text, c.kind)

    total = _best_of(3, compile_all)
    lengths = [len(c.text) for c in criteria]
    ordinary = "Serum creatinine ≥ 265.2 µmol/L or ALT > 1.5 times the upper limit of normal"
    long_text = (ordinary + "; unreadable words about something else; ") * 200
    long_text = long_text[:20000]
    one = _best_of(20, lambda: compile_criterion(ordinary, "exclusion"))
    big = _best_of(5, lambda: compile_criterion(long_text, "exclusion"))
    print(f"criteria compiled:         {len(criteria)} (median {statistics.median(lengths):.0f} characters)")
    print(f"whole corpus:              {total:.3f} s, {1000 * total / len(criteria):.2f} ms per criterion")
    print(f"ordinary criterion:        {1000 * one:.2f} ms ({len(ordinary)} characters)")
    print(f"20,000-character criterion: {1000 * big:.1f} ms = {big / one:.0f} x an ordinary one "
          f"for {len(long_text) / len(ordinary):.0f} x the text")


if __name__ == "__main__":
    main()
