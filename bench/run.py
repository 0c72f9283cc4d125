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

from bench import (  # noqa: E402
    bot_reply,
    bot_training,
    email_autoreply,
    idle_sockets,
    kb_search,
    product_search,
    relay,
)

BENCHMARKS = [
    kb_search,
    relay,
    idle_sockets,
    bot_reply,
    product_search,
    email_autoreply,
    bot_training,
]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    only = set(sys.argv[1:])  # `bench/run.py kb_search` runs one; the others keep their figures
    names = [b.__name__.split(".")[-1] for b in BENCHMARKS]
    previous = {r["name"]: r for r in _previous_results()}
    fresh = {
        name: b.run() for name, b in zip(names, BENCHMARKS, strict=True) if not only or name in only
    }
    results = [
        fresh.get(name) or previous[name] for name in names if name in fresh or name in previous
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    (ROOT / "bench" / "results.json").write_text(
        json.dumps({"when": when, "machine": machine, "results": results}, indent=2) + "\n"
    )
    (ROOT / "docs" / "performance.md").write_text(_report(results, when, machine))
    for result in results:
        print(json.dumps(result))


def _previous_results() -> list[dict]:
    path = ROOT / "bench" / "results.json"
    return json.loads(path.read_text())["results"] if path.exists() else []


def _report(results: list[dict], when: str, machine: str) -> str:
    """One table row per benchmark, from each result's `row` (benchmark, result, baseline,
    ratio, target) and `meets_target`."""
    rows = "\n".join(
        "| {benchmark} | {result} | {baseline} | {ratio} | {target}: {verdict} |".format(
            **r["row"], verdict="met" if r["meets_target"] else "**NOT met**"
        )
        for r in results
    )
    notes = "\n".join(f"- {r['row']['benchmark']}: {r['note']}" for r in results if r.get("note"))
    return f"""# Performance

Measured by `make bench` ({when}; {machine}); raw figures in `bench/results.json`.
Each figure comes with a baseline measured in the same run.

| benchmark | result | baseline (same run) | ratio | target |
|---|---|---|---|---|
{rows}
{chr(10) + notes + chr(10) if notes else ""}{_findings()}"""


def _findings() -> str:
    """What the profiles say, kept by hand in bench/findings.md (numbers above are fresh)."""
    path = ROOT / "bench" / "findings.md"
    return "\n" + path.read_text() if path.exists() else ""


if __name__ == "__main__":
    main()
