"""Self-drawn product pictures: one flat garment silhouette per category, as SVG.

The demo catalogue needs images that carry no licence and no download, so they are
drawn here from a handful of hand-written paths. Pure functions, no Django.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

SIZE = 400
BACKGROUND = "#f4f1ec"
LABEL_COLOUR = "#333333"
UNKNOWN_COLOUR = "#9e9e9e"
LABEL_MAX_CHARS = 40

COLOURS: dict[str, str] = {
    "blue": "#2f5d9e",
    "navy": "#1f2a44",
    "grey": "#8a8d91",
    "gray": "#8a8d91",
    "red": "#c0392b",
    "green": "#3f7d4e",
    "beige": "#d8c3a5",
    "white": "#fbfbf8",
    "black": "#222222",
    "brown": "#6b4423",
    "pink": "#e8a0b4",
    "yellow": "#f2c94c",
    "camel": "#c19a6b",
    "burgundy": "#7b1e34",
    "cream": "#f3e9d2",
    "light-blue": "#9cc3e6",
    "orange": "#e67e22",
    "purple": "#6c3483",
}

# Each shape: the filled outline (one path, may hold several sub-paths) and the
# stroked details (seams, ribbing, collars) drawn on top without fill.
_Shape = tuple[str, str, tuple[tuple[int, int], ...]]  # body, details, button centres

_SHAPES: dict[str, _Shape] = {
    "pullover": (
        "M150 70 Q200 100 250 70 L318 92 Q340 100 346 124 L372 262 L334 270 L298 160 "
        "L298 330 L102 330 L102 160 L66 270 L28 262 L54 124 Q60 100 82 92 Z",
        "M150 70 Q200 114 250 70 M102 310 L298 310 M34 244 L72 252 M366 244 L328 252",
        (),
    ),
    "cardigan": (
        "M160 70 L200 150 L240 70 L318 92 Q340 100 346 124 L372 262 L334 270 L298 160 "
        "L298 330 L102 330 L102 160 L66 270 L28 262 L54 124 Q60 100 82 92 Z",
        "M200 150 L200 330 M102 310 L298 310 M34 244 L72 252 M366 244 L328 252",
        ((212, 180), (212, 220), (212, 260), (212, 296)),
    ),
    "shirt": (
        "M160 64 L200 92 L240 64 L318 90 Q338 98 344 120 L370 262 L334 270 L298 160 "
        "L298 336 L102 336 L102 160 L66 270 L30 262 L56 120 Q62 98 82 90 Z",
        "M160 64 L176 112 L200 92 L224 112 L240 64 M200 92 L200 336 "
        "M38 240 L72 248 M362 240 L328 248",
        ((208, 140), (208, 185), (208, 230), (208, 275), (208, 318)),
    ),
    "tshirt": (
        "M152 70 Q200 100 248 70 L322 96 L364 168 L312 190 L298 164 L298 330 L102 330 "
        "L102 164 L88 190 L36 168 L78 96 Z",
        "M152 70 Q200 114 248 70 M46 152 L96 174 M354 152 L304 174",
        (),
    ),
    "trousers": (
        "M122 50 L278 50 L300 352 L222 352 L200 132 L178 352 L100 352 Z",
        "M121 74 L279 74 M200 74 L200 132 M132 74 Q152 98 138 120 M268 74 Q248 98 262 120",
        (),
    ),
    "jacket": (
        "M158 62 L200 80 L242 62 L320 88 Q340 96 346 120 L372 272 L336 280 L300 168 "
        "L302 346 L98 346 L100 168 L64 280 L28 272 L54 120 Q60 96 80 88 Z",
        "M158 62 L178 130 L200 210 L222 130 L242 62 M178 130 L160 118 M222 130 L240 118 "
        "M200 210 L200 346 M124 272 L176 272 M224 272 L276 272",
        ((212, 240), (212, 290)),
    ),
    "scarf": (
        "M110 70 Q200 170 290 70 L270 58 Q200 140 130 58 Z "
        "M140 104 L190 112 L180 318 L130 313 Z M204 112 L254 104 L264 338 L214 342 Z",
        "M134 280 L183 285 M133 294 L182 299 M212 300 L262 296 M213 314 L263 310 "
        "M136 313 L134 336 M150 315 L148 338 M164 316 L162 339 M178 318 L176 341 "
        "M220 342 L221 364 M234 341 L235 363 M248 340 L249 362 M262 338 L263 360",
        (),
    ),
    "dress": (
        "M168 50 L180 50 Q200 72 220 50 L232 50 L240 120 Q236 150 228 165 L322 352 "
        "L78 352 L172 165 Q164 150 160 120 Z",
        "M172 165 Q200 176 228 165 M90 332 L310 332",
        (),
    ),
}

# Anything not drawn above still gets a neutral tag shape rather than an error.
_FALLBACK: _Shape = ("M110 60 L290 60 L290 330 L110 330 Z", "M110 300 L290 300", ())


def colour_hex(colour: str) -> str:
    """The hex value of a colour name ("Light blue", "light_blue" → light-blue)."""
    key = colour.strip().lower().replace("_", "-").replace(" ", "-")
    return COLOURS.get(key, UNKNOWN_COLOUR)


def _mix(hex_colour: str, target: int, share: float) -> str:
    channels = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (target - c) * share) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _line_colour(fill: str) -> str:
    # Seams must show on both cream and navy: darken light fills, lighten dark ones.
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.299 * r + 0.587 * g + 0.114 * b
    return _mix(fill, 0, 0.45) if luminance > 110 else _mix(fill, 255, 0.45)


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def product_svg(*, category: str, colour: str, label: str) -> str:
    """A 400x400 SVG of a garment of `category` in `colour`, captioned with `label`."""
    body, details, buttons = _SHAPES.get(category, _FALLBACK)
    fill = colour_hex(colour)
    line = _line_colour(fill)
    caption = escape(_short(label))
    button_tags = "".join(
        f'<circle cx="{x}" cy="{y}" r="5" fill="{line}" stroke="none"/>' for x, y in buttons
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img">'
        f"<title>{caption}</title>"
        f'<rect width="{SIZE}" height="{SIZE}" fill="{BACKGROUND}"/>'
        f'<g stroke="{line}" stroke-width="3" stroke-linejoin="round" stroke-linecap="round">'
        f'<path d="{body}" fill="{fill}"/>'
        f'<path d="{details}" fill="none"/>'
        f"{button_tags}</g>"
        f'<text x="{SIZE // 2}" y="382" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="18" text-anchor="middle" fill="{LABEL_COLOUR}">{caption}</text>'
        "</svg>\n"
    )
