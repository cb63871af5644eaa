"""Capaian, categories, aggregation and trends: the regulation's worked examples and the edges."""

from decimal import Decimal

import pytest

from kinerja.measurement import analysis


def pct(result):
    return result.rounded(1)


@pytest.mark.parametrize(
    "realisation,kwargs,expected",
    [
        # Higher is better: realisation / target.
        (80, {"target": 100}, Decimal("80.0")),
        (120, {"target": 100}, Decimal("120.0")),
        ("8785", {"target": "8000"}, Decimal("109.8")),
        # Lower is better: 1 + (1 - realisation / target).
        (8, {"target": 10, "polarity": "lower"}, Decimal("120.0")),
        (12, {"target": 10, "polarity": "lower"}, Decimal("80.0")),
        # ... never below 0 %: twice the target or more is 0 %.
        (25, {"target": 10, "polarity": "lower"}, Decimal("0.0")),
        (20, {"target": 10, "polarity": "lower"}, Decimal("0.0")),
        (19, {"target": 10, "polarity": "lower"}, Decimal("10.0")),
        # A lower-is-better target of zero (zero conflicts): met by zero, missed by anything else.
        (0, {"target": 0, "polarity": "lower"}, Decimal("100.0")),
        (3, {"target": 0, "polarity": "lower"}, Decimal("0.0")),
        # The regulation's worked examples: target 80-90%.
        (70, {"low": 80, "high": 90}, Decimal("87.5")),
        (92, {"low": 80, "high": 90}, Decimal("102.2")),  # the printed 113% is an arithmetic slip
        (85, {"low": 80, "high": 90}, Decimal("100.0")),
        (80, {"low": 80, "high": 90}, Decimal("100.0")),
        # Lower is better, target 7-8 months.
        ("6.5", {"low": 7, "high": 8, "polarity": "lower"}, Decimal("107.1")),
        (9, {"low": 7, "high": 8, "polarity": "lower"}, Decimal("87.5")),
        # A range given upside down is read the right way round.
        (70, {"low": 90, "high": 80}, Decimal("87.5")),
        # "Best within the range": short of it as higher-is-better, over it as lower-is-better.
        (60, {"low": 80, "high": 90, "polarity": "range"}, Decimal("75.0")),
        (99, {"low": 80, "high": 90, "polarity": "range"}, Decimal("90.0")),
        # Zero and negative realisations are measured.
        (0, {"target": 50}, Decimal("0.0")),
        (-5, {"target": 50}, Decimal("-10.0")),
    ],
)
def test_capaian_follows_the_formula(realisation, kwargs, expected):
    assert pct(analysis.capaian(realisation, **kwargs)) == expected


@pytest.mark.parametrize(
    "realisation,kwargs,reason",
    [
        (80, {"target": 0}, "nol"),
        (80, {"target": -10}, "negatif"),
        (80, {}, "target belum ada"),
        (None, {"target": 10}, "realisasi belum ada"),
        (5, {"low": 0, "high": 0, "polarity": "lower"}, "nol"),
    ],
)
def test_capaian_that_cannot_be_measured_says_why_and_never_divides_by_zero(realisation, kwargs, reason):
    result = analysis.capaian(realisation, **kwargs)
    assert result.value is None and not result.measurable
    assert reason in result.reason


@pytest.mark.parametrize(
    "value,label",
    [(100, "Sangat tinggi"), (91, "Sangat tinggi"), ("90.9", "Tinggi"), (76, "Tinggi"), (75, "Sedang"),
     (66, "Sedang"), (65, "Rendah"), (51, "Rendah"), (50, "Sangat rendah"), (-20, "Sangat rendah"),
     (None, "Tidak dapat diukur")],
)  # fmt: skip
def test_categories_follow_the_default_thresholds(value, label):
    assert analysis.category(value) == label


def test_categories_use_the_offices_own_thresholds():
    thresholds = [(Decimal(100), "Tercapai"), (Decimal(0), "Belum tercapai")]
    assert analysis.category(100, thresholds) == "Tercapai"
    assert analysis.category("99.9", thresholds) == "Belum tercapai"
    assert analysis.category(0, thresholds) == "Belum tercapai"


@pytest.mark.parametrize("value", [-1, "-0.01", -250])
def test_a_capaian_below_the_offices_lowest_bound_takes_the_lowest_category(value):
    """A measured capaian is never "Tidak dapat diukur": below the office's table (here from 0 or
    from 51 up) it takes the lowest category, as below 51 the regulation's own table does."""
    assert analysis.category(value, [(Decimal(100), "Tercapai"), (Decimal(0), "Belum tercapai")]) == "Belum tercapai"
    assert analysis.category(value, [(Decimal(76), "Tinggi"), (Decimal(51), "Rendah")]) == "Rendah"


@pytest.mark.parametrize(
    "values,method,expected",
    [
        ([1, 2, None, 4], "sum", Decimal(7)),
        ([1, 2, None, 4], "latest", Decimal(4)),
        ([1, 2, 3, None], "latest", Decimal(3)),
        ([1, 2, None, 3], "average", Decimal(2)),
        ([None, None], "sum", None),
        ([], "average", None),
    ],
)
def test_aggregation_of_quarters(values, method, expected):
    assert analysis.aggregate(values, method) == expected


def test_unknown_aggregation_is_an_error():
    with pytest.raises(ValueError):
        analysis.aggregate([1], "median")


def test_trends_and_backwards_cumulative_values():
    assert analysis.trend(90, 85) == analysis.Trend(Decimal(5), "naik")
    assert analysis.trend(80, 85).direction == "turun"
    assert analysis.trend(80, 80).direction == "tetap"
    assert analysis.trend(None, 80).label == "—"
    assert analysis.went_backwards([5, 11, 9, 12]) == [3]
    assert analysis.went_backwards([5, None, 4, 6]) == [3]
    assert analysis.went_backwards([1, 2, 3, 4]) == []


def test_differences_between_figures():
    assert analysis.differs(10, "10.00") is False
    assert analysis.differs(10, 11) is True
    assert analysis.differs(None, 1) is True
    assert analysis.differs(None, None) is False


@pytest.mark.parametrize(
    "realisation,target,kept,label",
    [
        # The cases: the figure and its category agree.
        ("70.04", 77, Decimal("90.96"), "Tinggi"),  # 90,961… is kept as 90,96 (never shown as 91,0)
        ("39.24", 77, Decimal("50.96"), "Sangat rendah"),  # 50,961… is below 51
        # Boundaries, capaian against 100 so the kept value is the realisation.
        ("90.5", 100, Decimal("90.50"), "Tinggi"),
        ("90.96", 100, Decimal("90.96"), "Tinggi"),
        ("75.5", 100, Decimal("75.50"), "Sedang"),
        ("65.5", 100, Decimal("65.50"), "Rendah"),
        ("50.5", 100, Decimal("50.50"), "Sangat rendah"),
        # Half-up at the third decimal: 90,995 is kept as 91,00 and is "Sangat tinggi".
        ("90.995", 100, Decimal("91.00"), "Sangat tinggi"),
        ("90.994", 100, Decimal("90.99"), "Tinggi"),
    ],
)
def test_capaian_is_kept_to_two_decimals_half_up_and_its_category_comes_from_the_kept_value(
    realisation, target, kept, label
):
    result = analysis.capaian(realisation, target)
    assert result.value == kept and str(result.value) == str(kept)
    assert analysis.category(result.value) == label
