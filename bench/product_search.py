"""Customer message → products on screen, with the real Rasa, action server and catalogue:
p50 from sending a search ("un maglione senza lana entro i 60 euro") to the first `catalog`
message on the widget's socket, against a direct POST of the same messages to Rasa's REST
channel in the same run (which runs the same actions and catalogue queries).

Target (issue W2 1/9): p50 under 1.5x the direct Rasa call.
"""

from __future__ import annotations

from typing import Any

from bench import common
from bench.bot_reply import play

SCRIPTS: list[tuple[str, list[str]]] = [
    ("it", ["vorrei un maglione da uomo senza lana", "il più economico"]),
    ("en", ["a cashmere scarf", "under 100 euro"]),
    ("it", ["cardigan da donna", "in lana"]),
    ("en", ["a jumper for my son, he is 5"]),
    ("it", ["pantaloni da uomo taglia M"]),
    ("en", ["linen shirts for men"]),
]
TARGET_RATIO = 1.5


def run() -> dict[str, Any]:
    widget, rest = play(SCRIPTS, kind="catalog")
    p50, base_p50 = common.median(widget), common.median(rest)
    ratio = p50 / base_p50
    p90 = common.percentile(widget, 0.9)
    return {
        "name": "product_search",
        "turns": len(widget),
        "p50_ms": common.ms(p50),
        "p90_ms": common.ms(p90),
        "baseline": "the same messages POSTed to Rasa's REST channel directly",
        "baseline_p50_ms": common.ms(base_p50),
        "ratio_p50": common.ratio(p50, base_p50),
        "database": common.database_label(),
        "channel_layer": common.channel_layer_label(),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio < TARGET_RATIO,
        "row": {
            "benchmark": f"Products on screen after a search message, {len(widget)} turns",
            "result": f"p50 {p50 * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms",
            "baseline": f"direct Rasa REST call: p50 {base_p50 * 1000:.1f} ms",
            "ratio": common.ratio_text(p50, base_p50),
            "target": f"p50 < {TARGET_RATIO}× direct Rasa",
        },
        "note": (
            f"{common.database_label()}, {common.channel_layer_label()}; a widget sample ends "
            "at the first catalog message of the turn."
        ),
    }
