"""The timing the benches' Python steps share: one warm-up call of step() (tables get their rows),
then the best of `repeats` timed calls, printed as {"seconds": ...} — the line the C++ side of
the bench reads."""

import json
import time


def report_best_step(step, repeats):
    step()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best}))
