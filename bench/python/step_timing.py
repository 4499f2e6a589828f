"""The timing the benches' Python steps share: a training step is loss().backward(),
optimizer.step(), optimizer.zero_grad(); one warm-up step (tables get their rows), then the best
of `repeats` timed steps, printed as {"seconds": ...} — the line the C++ side of the bench reads."""

import json
import time


def report_best_step(loss, optimizer, repeats):
    def step():
        loss().backward()
        optimizer.step()
        optimizer.zero_grad()

    step()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best}))
