"""Geometry for the dashboard's server-rendered SVG: a tile map of the 47 prefectures and
bar charts. Pure functions over plain data; templates draw the shapes.

The map is a tile grid (one square per prefecture, placed roughly where it lies) rather
than outlines: squares are equally readable for small prefectures such as 香川 or 東京,
are easy to click, and need no geometry package (japanmap would pull in OpenCV for raster
output we do not use).
"""

from __future__ import annotations

from dataclasses import dataclass

# JIS prefecture code → (column, row) on the grid.
TILES: dict[int, tuple[int, int]] = {
    1: (13, 0),
    2: (13, 2),
    5: (12, 3),
    3: (13, 3),
    17: (9, 4),
    16: (10, 4),
    15: (11, 4),
    6: (12, 4),
    4: (13, 4),
    32: (3, 5),
    31: (4, 5),
    28: (5, 5),
    26: (6, 5),
    25: (7, 5),
    18: (8, 5),
    21: (9, 5),
    20: (10, 5),
    10: (11, 5),
    7: (12, 5),
    35: (2, 6),
    34: (3, 6),
    33: (4, 6),
    27: (6, 6),
    29: (7, 6),
    24: (8, 6),
    23: (9, 6),
    19: (10, 6),
    11: (11, 6),
    9: (12, 6),
    8: (13, 6),
    40: (1, 7),
    30: (6, 7),
    22: (10, 7),
    13: (11, 7),
    12: (12, 7),
    41: (0, 8),
    43: (1, 8),
    44: (2, 8),
    38: (3, 8),
    37: (4, 8),
    14: (11, 8),
    42: (0, 9),
    46: (1, 9),
    45: (2, 9),
    39: (3, 9),
    36: (4, 9),
    47: (0, 11),
}

TILE = 44
GAP = 4
STEP = TILE + GAP
MAP_WIDTH = 14 * STEP
MAP_HEIGHT = 12 * STEP

# Sequential blues, light → dark; text turns white on the last two.
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY = "#f4f4f4"
OUTSIDE = "#d9d9d9"


@dataclass(frozen=True)
class Tile:
    code: int
    label: str
    name: str
    value: int
    x: int
    y: int
    fill: str
    text_fill: str
    in_scope: bool
    selected: bool
    url: str


def short_name(name: str) -> str:
    """東京都 → 東京, 京都府 → 京都, 北海道 stays; English names keep 3 letters."""
    if name.isascii():
        return name[:3]
    if name != "北海道" and name[-1] in "都府県":
        return name[:-1]
    return name


def fill_for(value: int, maximum: int) -> tuple[str, str]:
    if value <= 0 or maximum <= 0:
        return EMPTY, "#333333"
    index = min(len(PALETTE) - 1, (value * len(PALETTE) - 1) // maximum)
    return PALETTE[index], "#ffffff" if index >= 3 else "#1b1b1b"


def map_tiles(
    *,
    names: dict[int, str],
    values: dict[int, int],
    scope: set[int] | None,
    selected: int | None,
    url_for: dict[int, str],
) -> list[Tile]:
    """One tile per prefecture; those outside `scope` are grey and carry no link."""
    in_scope_values = [v for code, v in values.items() if scope is None or code in scope]
    maximum = max(in_scope_values, default=0)
    tiles = []
    for code, (column, row) in sorted(TILES.items()):
        in_scope = scope is None or code in scope
        value = values.get(code, 0) if in_scope else 0
        fill, text_fill = fill_for(value, maximum) if in_scope else (OUTSIDE, "#555555")
        name = names.get(code, str(code))
        tiles.append(
            Tile(
                code=code,
                label=short_name(name),
                name=name,
                value=value,
                x=column * STEP,
                y=row * STEP,
                fill=fill,
                text_fill=text_fill,
                in_scope=in_scope,
                selected=code == selected,
                url=url_for.get(code, "") if in_scope else "",
            )
        )
    return tiles


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    fill: str


def horizontal_bars(
    rows: list[tuple[str, int, str]], *, width: int = 360, bar: int = 18, gap: int = 6
) -> tuple[list[Bar], int]:
    """(label, value, colour) rows → bars and the chart height. Labels sit in the table and
    in <title>; the bars start at x = 0 and scale to the largest value."""
    maximum = max((value for _, value, _ in rows), default=0) or 1
    bars = [
        Bar(
            label=label,
            value=value,
            x=0,
            y=index * (bar + gap),
            width=round(width * value / maximum, 1),
            height=bar,
            fill=colour,
        )
        for index, (label, value, colour) in enumerate(rows)
    ]
    return bars, max(1, len(rows) * (bar + gap))


def vertical_bars(
    rows: list[tuple[str, int]],
    *,
    height: int = 120,
    bar: int = 22,
    gap: int = 8,
    fill: str = "#3182bd",
) -> tuple[list[Bar], int]:
    """(label, value) columns → bars and the chart width; y grows downwards in SVG."""
    maximum = max((value for _, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        h = round(height * value / maximum, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=index * (bar + gap),
                y=height - h,
                width=bar,
                height=h,
                fill=fill,
            )
        )
    return bars, max(1, len(rows) * (bar + gap))
