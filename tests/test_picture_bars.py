"""Honest bars in the pictures (issue 15, item 2): a full track is 100 % of the ballots
(for multiple choice, of the voters), never the leading choice; a scale's bar reaching
its row's top is all of that statement's answers; a ranking's full bar is the most points
the room could give. Checked on the layout, and on what each painter draws: the SVG's
rects and the PNG's pixels."""

from __future__ import annotations

import pytest

from tests import question_picture_samples as samples
from tests.picture_geometry import (
    color_run,
    column_run,
    png,
    session,
    svg_boxes,
    tracks_and_fills,
)
from tohyo import charts, palette
from tohyo.charts import Box, render_question
from tohyo.charts.question_pictures import layout_question

SIZE = (1280, 720)


def _poll_boxes(vote_type: str, counts: list[int], ballots: int) -> tuple[list[Box], bytes, bytes]:
    poll = session(["Ramen", "Curry", "Sushi"], counts, ballots, vote_type)
    pic = charts.layout(poll, "bar", "en", *SIZE, now=0)
    boxes = [s for s in pic.shapes if isinstance(s, Box)]
    svg = charts.render(poll, fmt="svg", kind="bar", now=0)
    body = charts.render(poll, fmt="png", kind="bar", now=0)
    return boxes, svg, body


@pytest.mark.parametrize(
    ("vote_type", "counts", "ballots"),
    [
        ("single", [3, 1, 0], 4),  # the leader, 75 %, fills three quarters
        ("single", [69, 66, 65], 200),  # 34.5 % of the track, not all of it
        ("multiple", [3, 2, 1], 4),  # of the 4 voters, however many marks each made
        ("multiple", [4, 4, 4], 4),  # every voter chose every choice: all full
    ],
)
def test_a_choice_bar_fills_its_share_of_the_ballots(
    vote_type: str, counts: list[int], ballots: int
) -> None:
    boxes, svg, body = _poll_boxes(vote_type, counts, ballots)
    for drawn in (boxes, svg_boxes(svg)):
        tracks, fills = tracks_and_fills(drawn)
        assert len(tracks) == 3
        filled = [c for c in counts if c]
        assert len(fills) == len(filled)
        for track, fill, count in zip(tracks, fills, filled, strict=False):
            assert fill.x == pytest.approx(track.x, abs=0.05)
            assert fill.w / track.w == pytest.approx(count / ballots, abs=0.002)
    image = png(body)
    tracks, fills = tracks_and_fills(boxes)
    for track, fill, count in zip(tracks, fills, [c for c in counts if c], strict=False):
        middle = track.y + track.h / 2
        run = color_run(image, middle, track.x - 2, track.x + track.w + 2, fill.color)
        assert run == pytest.approx(track.w * count / ballots, abs=3), (count, ballots)


def test_no_ballots_no_fill_in_either_format() -> None:
    boxes, svg, body = _poll_boxes("single", [0, 0, 0], 0)
    for drawn in (boxes, svg_boxes(svg)):
        tracks, fills = tracks_and_fills(drawn)
        assert len(tracks) == 3 and fills == []
    image = png(body)
    for track in tracks_and_fills(boxes)[0]:
        middle = track.y + track.h / 2
        for color in palette.COLORS:
            inside = (track.x + 3, track.x + track.w - 3)  # the edge is gray, as one color is
            assert color_run(image, middle, *inside, color) == 0


def _scale_bars(counts: list[list[int]]) -> tuple[list[Box], list[Box], bytes]:
    picture = samples.scale(counts)
    pic = layout_question(picture, "en", *SIZE)
    bars = [s for s in pic.shapes if isinstance(s, Box) and s.color in palette.COLORS[:2]]
    svg = render_question(picture, fmt="svg", lang="en", width=SIZE[0], height=SIZE[1])
    svg_bars = [b for b in svg_boxes(svg) if b.color in palette.COLORS[:2]]
    return (
        bars,
        svg_bars,
        render_question(picture, fmt="png", lang="en", width=SIZE[0], height=SIZE[1]),
    )


def test_a_scale_bar_is_its_share_of_the_statements_answers() -> None:
    # The same geometry twice: in `whole` the first row has every answer at 1 (a bar of
    # the full height); in `spread` it has 1 and 3 of 4 — its 3 must be three quarters
    # of that height, not the full height because it is the tallest bar.
    whole, whole_svg, whole_png = _scale_bars([[4, 0, 0, 0, 0], [1, 3, 0, 0, 0]])
    spread, spread_svg, spread_png = _scale_bars([[1, 3, 0, 0, 0], [1, 3, 0, 0, 0]])
    for full_bars, bars in ((whole, spread), (whole_svg, spread_svg)):
        full = full_bars[0]
        first_row = [b for b in bars if b.color == palette.COLORS[0]]
        assert [b.h / full.h for b in first_row] == pytest.approx([0.25, 0.75], abs=0.002)
        second_row = [b for b in bars if b.color == palette.COLORS[1]]
        assert [b.h / full.h for b in second_row] == pytest.approx([0.25, 0.75], abs=0.002)
    full = whole[0]
    three = [b for b in spread if b.color == palette.COLORS[0]][1]
    tall = column_run(
        png(whole_png), full.x + full.w / 2, full.y - 4, full.y + full.h + 4, full.color
    )
    short = column_run(
        png(spread_png), three.x + three.w / 2, three.y - 4, three.y + three.h + 4, three.color
    )
    assert tall == pytest.approx(full.h, abs=3)
    assert short == pytest.approx(0.75 * full.h, abs=3)


def test_a_ranking_bar_is_its_share_of_the_most_points_possible() -> None:
    # 10 ballots, 4 items: the most points an item can get is 4 × 10 (first on every
    # ballot); 16 points fill 40 % of the track in both formats.
    picture = samples.ranking(points=[16, 14, 12, 8], answers=10)
    pic = layout_question(picture, "en", *SIZE)
    svg = render_question(picture, fmt="svg", lang="en", width=SIZE[0], height=SIZE[1])
    body = render_question(picture, fmt="png", lang="en", width=SIZE[0], height=SIZE[1])
    boxes = [s for s in pic.shapes if isinstance(s, Box)]
    for drawn in (boxes, svg_boxes(svg)):
        tracks, fills = tracks_and_fills(drawn)
        ratios = [fill.w / track.w for track, fill in zip(tracks, fills, strict=True)]
        assert ratios == pytest.approx([16 / 40, 14 / 40, 12 / 40, 8 / 40], abs=0.002)
    image = png(body)
    tracks, fills = tracks_and_fills(boxes)
    for track, fill, points in zip(tracks, fills, (16, 14, 12, 8), strict=True):
        run = color_run(image, track.y + track.h / 2, track.x - 2, track.x + track.w, fill.color)
        assert run == pytest.approx(track.w * points / 40, abs=3)
