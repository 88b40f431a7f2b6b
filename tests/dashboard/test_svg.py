"""The SVG geometry is pure: no database."""

from sankangaku.dashboard import svg


def test_every_prefecture_has_its_own_tile():
    assert sorted(svg.TILES) == list(range(1, 48))
    assert len(set(svg.TILES.values())) == 47


def test_tiles_outside_the_scope_are_grey_and_unlinked():
    tiles = svg.map_tiles(
        names={1: "北海道", 47: "沖縄県"},
        values={1: 4, 47: 9},
        scope={1},
        selected=None,
        url_for={1: "?prefecture=1", 47: "?prefecture=47"},
    )
    by_code = {t.code: t for t in tiles}
    assert by_code[1].url == "?prefecture=1" and by_code[1].fill == svg.PALETTE[-1]
    assert by_code[47].url == "" and by_code[47].value == 0 and by_code[47].fill == svg.OUTSIDE


def test_short_names():
    assert svg.short_name("東京都") == "東京"
    assert svg.short_name("北海道") == "北海道"
    assert svg.short_name("Hokkaido") == "Hok"


def test_bars_scale_to_the_largest_value():
    bars, height = svg.horizontal_bars([("a", 2, "#000"), ("b", 4, "#111")], width=100)
    assert [b.width for b in bars] == [50.0, 100.0] and height == 48
    columns, width = svg.vertical_bars([("x", 0), ("y", 3)], height=60)
    assert columns[0].height == 0 and columns[1].height == 60 and width == 60
