"""The What-if lab's figures in plain words: a period's change scaled to a year, labels for codes."""

import datetime as dt

import pandas as pd
import pytest

from ui.whatif_view import changed_cases_table, changes_table, costs_table, parameter_label, per_year


@pytest.mark.parametrize("change, first, last, expected", [
    pytest.param(100.0, dt.date(2026, 1, 1), dt.date(2026, 12, 31), 100.0, id="a-whole-year-is-itself"),
    pytest.param(100.0, dt.date(2026, 1, 1), dt.date(2026, 1, 1), 36500.0, id="one-day-times-365"),
    pytest.param(-50.0, dt.date(2026, 1, 1), dt.date(2026, 7, 2), -50.0 * 365 / 183, id="half-year-negative"),
    pytest.param(0.0, dt.date(2026, 1, 1), dt.date(2026, 3, 31), 0.0, id="no-change"),
])
def test_per_year_scales_the_periods_change(change, first, last, expected):
    assert per_year(change, first, last) == pytest.approx(expected)


def test_costs_table_adds_the_yearly_change():
    costs = pd.DataFrame({"before": [10.0], "after": [40.0], "change": [30.0]},
                         index=pd.Index(["store-paid freight"], name="cost"))
    table = costs_table(costs, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert table.loc["Store-paid freight", "change per year"] == pytest.approx(30.0 * 365 / 31)


@pytest.mark.parametrize("key, label", [
    pytest.param("return_freight.changed_mind", "Return freight (F1, F2): Changed mind", id="freight"),
    pytest.param("working_days.freight_reimburse", "Working days: Reimburse prepaid freight (F2)", id="working-day"),
    pytest.param("name", "Name", id="top-level"),
])
def test_parameters_are_named_by_label(key, label):
    assert parameter_label(key) == label


def test_changes_and_cases_show_words_not_codes():
    changes = changes_table([("return_freight.changed_mind", "customer", "merchant"),
                             ("calendar.weekend", [], [4, 5]), ("pictures_required.dirty", True, False)])
    assert changes.values.tolist() == [
        ["Return freight (F1, F2): Changed mind", "Customer", "The store"],
        ["Calendar: Weekend", "(the country's own)", "Friday, Saturday"],
        ["Pictures required (RE3, RF1): Dirty", "Required", "Not required"]]
    rows = changed_cases_table(pd.DataFrame({
        "case_id": ["RC1"], "reason": ["changed_mind"], "outcome_before": ["return_refund"],
        "outcome_after": ["return_refund"], "freight_payer_before": ["customer"], "freight_payer_after": ["merchant"]}))
    assert rows.iloc[0].to_dict() == {
        "case_id": "RC1", "reason": "Changed mind", "outcome (baseline)": "Return, then full refund",
        "outcome (scenario)": "Return, then full refund", "return freight (baseline)": "Customer",
        "return freight (scenario)": "The store"}
