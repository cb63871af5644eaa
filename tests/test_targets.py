"""One type for a target: a number, a range or a predicate, read from what people type."""

from decimal import Decimal

import pytest

from kinerja.measurement.targets import NotATarget, TargetValue, parse_target


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("85", TargetValue(value=Decimal("85"))),
        ("85,5", TargetValue(value=Decimal("85.5"))),
        (85.5, TargetValue(value=Decimal("85.5"))),
        ("1.234,5", TargetValue(value=Decimal("1234.5"))),
        ("Nihil", TargetValue(value=Decimal("0"))),
        ("80–90", TargetValue(low=Decimal("80"), high=Decimal("90"))),
        ("80 - 90", TargetValue(low=Decimal("80"), high=Decimal("90"))),
        ("80 s.d. 90", TargetValue(low=Decimal("80"), high=Decimal("90"))),
        ("80 sampai 90 %", TargetValue(low=Decimal("80"), high=Decimal("90"))),
        ("BB", TargetValue(text="BB")),
        ("WTP", TargetValue(text="WTP")),
        ("", None),
        ("-", None),
        (None, None),
    ],
)
def test_a_target_is_read_as_a_number_a_range_or_a_predicate(raw, expected):
    assert parse_target(raw) == expected


@pytest.mark.parametrize(
    "raw,message",
    [("90-80", "terbalik"), ("sepuluh", "ditulis dengan kata"), ("x" * 61, "paling panjang 60")],
)
def test_a_range_upside_down_a_number_in_words_and_long_text_are_refused(raw, message):
    with pytest.raises(NotATarget, match=message):
        parse_target(raw)


def test_a_target_is_shown_as_people_write_it():
    assert [
        t.shown
        for t in (
            TargetValue(value=Decimal("85.50")),
            TargetValue(low=Decimal(80), high=Decimal(90)),
            TargetValue(text="BB"),
        )
    ] == [
        "85,5",
        "80–90",
        "BB",
    ]
