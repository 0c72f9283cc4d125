"""Run the benchmarks on a scratch database and write bench/results.json and
docs/performance.md. `make bench` runs this; CI does not (timings are not tests).

Results are reported as ratios to a baseline measured in the same run: the machines are
noisy, the ratios much less so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SPORTELLO_VAR_DIR"] = tempfile.mkdtemp(prefix="sportello-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench import kb_search  # noqa: E402

BENCHMARKS = [kb_search]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    results = [benchmark.run() for benchmark in BENCHMARKS]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    (ROOT / "bench" / "results.json").write_text(
        json.dumps({"when": when, "machine": machine, "results": results}, indent=2) + "\n"
    )
    (ROOT / "docs" / "performance.md").write_text(_report(results, when, machine))
    for result in results:
        print(json.dumps(result))


def _report(results: list[dict], when: str, machine: str) -> str:
    kb = next(r for r in results if r["name"] == "kb_search")
    verdict = "met" if kb["meets_target"] else "NOT met"
    row = (
        f"| KB search, {kb['trees']} trees, {kb['questions']} questions "
        f"| p50 {kb['p50_ms']} ms, p99 {kb['p99_ms']} ms "
        f"| {kb['baseline']}: p99 {kb['baseline_p99_ms']} ms "
        f"| {kb['ratio_p99']}× | p99 < {kb['target_p99_ms']:.0f} ms: {verdict} |"
    )
    return f"""# Performance

Measured by `make bench` ({when}; {machine}); raw figures in `bench/results.json`.
Each figure comes with a baseline measured in the same run.

| benchmark | result | baseline (same run) | ratio | target |
|---|---|---|---|---|
{row}

Not measured yet (ARCHITECTURE §9): websocket relay latency at 1,000 open conversations
against a bare echo, customer message → bot reply in the widget, 5,000 idle sockets per web
process, e-mail auto-reply time.
"""


if __name__ == "__main__":
    main()
