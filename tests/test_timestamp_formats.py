"""Timestamp format detection (data.timestamp_formats): the one common layout that reads every
sample cell is taken; none or several (day-first vs month-first) are said, never guessed."""

from __future__ import annotations

import pytest

from data.timestamp_formats import CANDIDATES, ISO, detect_format

CASES = [
    # (cells, the detected format or None, the formats that fit)
    (["10/2/2017 10:56", "10/13/2017 11:00"], "%m/%d/%Y %H:%M", ("%m/%d/%Y %H:%M",)),
    (["13/2/2017 10:56", "1/2/2017 11:00"], "%d/%m/%Y %H:%M", ("%d/%m/%Y %H:%M",)),
    (["12/12/2017 10:56"], None, ("%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M")),
    (["3/4/2025 9:00", "5/6/2025 9:00"], None, ("%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M")),
    (["2025-03-04 09:00", "2025-03-05", "2025-03-06T10:00:00"], ISO, (ISO,)),
    (["04.03.2025 09:00", "13.03.2025 10:30"], "%d.%m.%Y %H:%M", ("%d.%m.%Y %H:%M",)),
    (["04.03.2025 09:00:05"], "%d.%m.%Y %H:%M:%S", ("%d.%m.%Y %H:%M:%S",)),
    (["3/14/2025 9:00 PM"], "%m/%d/%Y %I:%M %p", ("%m/%d/%Y %I:%M %p",)),
    (["2025/03/04 09:00"], ISO, (ISO,)),
    (["10/13/2017 10:56", "13/10/2017 10:56"], None, ()),  # mixed day-first and month-first
    (["10/13/2017 10:56", "10/14/2017"], None, ()),  # with and without a time
    (["yesterday"], None, ()),
    (["2/30/2025 10:00"], None, ()),  # no 30 February in any layout
    (["", "  ", None], ISO, (ISO,)),  # nothing to detect: the importer's default
    (["2025-03-04T09:00:00+08:00", "2025-03-04 09:00 +0800"], ISO, (ISO,)),  # offsets read alike
    (["2025-03-04T09:00:00+08:00", "13/10/2017 10:56"], "%d/%m/%Y %H:%M", ("%d/%m/%Y %H:%M",)),
]
IDS = ["month_first_by_a_13th", "day_first_by_a_13th", "both_within_twelve_ambiguous",
       "small_days_ambiguous", "iso_with_and_without_time", "dotted_day_first", "dotted_with_seconds",
       "twelve_hour_clock", "year_first_slashes_read_as_iso", "mixed_orders_none", "mixed_time_and_date_none",
       "words_none", "impossible_date_none", "blank_cells_iso", "offsets_only_iso", "offset_cells_ignored"]


@pytest.mark.parametrize("cells, fmt, fitting", CASES, ids=IDS)
def test_detects_the_one_fitting_format(cells, fmt, fitting):
    guess = detect_format(cells)
    assert (guess.fmt, guess.fitting) == (fmt, fitting)


@pytest.mark.parametrize("cells, words", [
    (["10/13/2017 10:56"], ["Detected %m/%d/%Y %H:%M", "month/day/year"]),
    (["3/4/2025 9:00"], ["Several formats", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "Type the one"]),
    (["yesterday"], ["No common format", "the closest", "type the file's format"]),
    ([], ["ISO 8601"]),
], ids=["detected_names_the_format", "ambiguous_asks", "none_asks", "empty_says_iso"])
def test_sentence_says_what_was_found(cells, words):
    sentence = detect_format(cells).sentence
    assert all(w in sentence for w in words), sentence


def test_every_candidate_reads_its_own_example():
    """Each listed format is a real strftime format the importer's try_strptime accepts."""
    from datetime import datetime

    moment = datetime(2025, 3, 14, 21, 5, 7)
    for fmt in CANDIDATES:
        text = moment.isoformat(sep=" ") if fmt == ISO else moment.strftime(fmt)
        assert fmt in detect_format([text]).fitting, fmt


@pytest.mark.parametrize("cells, to_use, reads", [
    (["10/13/2017 10:56", "10/14/2017 11:00", "yesterday"], "%m/%d/%Y %H:%M", 2),
    (["2017-10-13 10:56", "yesterday"], ISO, 1),
    (["yesterday", "soon"], ISO, 0),
    (["10/13/2017 10:56", "13/10/2017 10:56"], ISO, 0),  # a tie: no layout is preferred
    (["3/4/2025 9:00"], None, 1),
], ids=["one_bad_cell_keeps_the_layout", "iso_with_a_bad_cell", "nothing_reads", "tie_falls_back_to_iso",
        "ambiguous_imports_nothing_until_typed"])
def test_closest_format_when_none_reads_all(cells, to_use, reads):
    guess = detect_format(cells)
    assert guess.to_use == to_use
    if to_use is not None:
        assert guess.closest_reads == reads
