"""The policy file: defaults, merging, and errors that name the key."""

from decimal import Decimal

import pytest

from policy import PolicyError, changed_keys, load_policy, parse_policy


def test_defaults_are_the_spec_values():
    p = load_policy()
    assert p.name == "Store policy"
    assert (p.processing.hours, p.returns.window_days, p.warranty.months) == (48, 30, 3)
    assert str(p.partial_refund_rates["slight_defect"]) == "0.15"
    assert p.calendar.timezone == "Asia/Shanghai"


def test_file_merges_over_defaults(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('name = "Longer window"\n[returns]\nwindow_days = 45\n')
    p = load_policy(path)
    assert (p.name, p.returns.window_days, p.working_days.reply) == ("Longer window", 45, 3)
    assert changed_keys(load_policy(), p) == [("name", "Store policy", "Longer window"),
                                              ("returns.window_days", 30, 45)]


def test_round_trip_through_toml():
    p = load_policy().replace({"partial_refund_rates.carrier_delay": 0.125, "warranty.categories": ["electronics", "phones"]})
    assert parse_policy(p.to_toml()) == p


@pytest.mark.parametrize("text, key, words", [
    pytest.param("[returns]\nwindow_days = -1", "returns.window_days", "below 0", id="negative-days"),
    pytest.param("[working_days]\nreply = 2.5", "working_days.reply", "whole number", id="fractional-days"),
    pytest.param('[working_days]\nreply = "3"', "working_days.reply", "whole number", id="text-days"),
    pytest.param("[partial_refund_rates]\nslight_defect = 1.5", "partial_refund_rates.slight_defect", "above 1", id="rate-above-1"),
    pytest.param("[partial_refund_rates]\nslight_defect = -0.1", "partial_refund_rates.slight_defect", "below 0", id="rate-below-0"),
    pytest.param('[calendar]\ncountry = "XX"', "calendar.country", "unknown country", id="unknown-country"),
    pytest.param('[calendar]\ntimezone = "Mars/Olympus"', "calendar.timezone", "unknown time zone", id="unknown-zone"),
    pytest.param('[calendar]\nsubdivision = "ZZ"', "calendar.subdivision", "unknown subdivision", id="unknown-subdivision"),
    pytest.param('[processing]\npause_on = "weekends"', "processing.pause_on", "must be one of", id="unknown-pause-switch"),
    pytest.param("[returns]\nwindow = 30", "returns.window", "unknown key", id="unknown-key"),
    pytest.param("[refunds]\nx = 1", "refunds", "unknown key", id="unknown-section"),
    pytest.param("returns = 5", "returns", "must be a table", id="section-not-a-table"),
    pytest.param('[money]\ncurrency = "dollars"', "money.currency", "ISO 4217", id="bad-currency"),
    pytest.param("[warranty]\nmonths = true", "warranty.months", "whole number", id="boolean-months"),
    pytest.param('effective_from = "soon"', "effective_from", "date", id="bad-date"),
    pytest.param("[calendar]\nweekend = [0,1,2,3,4,5,6]", "calendar.weekend", "every day", id="all-week-weekend"),
    pytest.param('[return_freight]\nchanged_mind = "store"', "return_freight.changed_mind", "'customer' (F1) or 'merchant' (F2)",
                 id="freight-payer-unknown"),
    pytest.param("[return_freight]\nfaulty = true", "return_freight.faulty", "'customer' (F1) or 'merchant' (F2)",
                 id="freight-payer-not-text"),
    pytest.param('[pictures_required]\ndamaged = "yes"', "pictures_required.damaged", "true or false",
                 id="pictures-not-a-boolean"),
    pytest.param("[pictures_required]\nlost_in_transit = true", "pictures_required.lost_in_transit", "unknown key",
                 id="pictures-for-a-lost-parcel"),
    pytest.param('[return_freight]\ncarrier_delay = "merchant"', "return_freight.carrier_delay", "unknown key",
                 id="freight-for-a-reason-that-returns-nothing"),
])
def test_errors_name_the_key(text, key, words):
    with pytest.raises(PolicyError) as err:
        parse_policy(text)
    assert err.value.key == key
    assert words in str(err.value)


def test_not_toml_is_a_clear_error():
    with pytest.raises(PolicyError, match="not a valid TOML"):
        parse_policy("[returns\nwindow_days = 3")


def test_missing_file(tmp_path):
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "nope.toml")


def test_every_key_is_described_next_to_its_default():
    """default.toml gives each key its clause, label and kind; validation is built from them."""
    from policy.params import _VALIDATORS, PARAMETERS

    keys = [k for k in load_policy().flat() if "." in k]
    assert sorted(PARAMETERS) == sorted(keys) == sorted(_VALIDATORS)
    assert all(p.label and p.kind and p.clause for p in PARAMETERS.values())
    assert PARAMETERS["working_days.reply"].unit == "working days"
    assert (PARAMETERS["working_days.reply"].low, PARAMETERS["working_days.reply"].high) == (0, 365)


@pytest.mark.parametrize("text, key, words", [
    pytest.param('[x]\ny = 1\n[x._meta]\n', "x.y", "describes no such parameter", id="key-without-metadata"),
    pytest.param('[x]\ny = 1\n[x._meta]\ny = { kind = "whole", min = 0, max = 3 }\n', None, None, id="described-key"),
])
def test_metadata_must_cover_every_key(text, key, words):
    import tomllib

    from policy.params import _parameters

    if key is None:
        params, _ = _parameters(tomllib.loads(text))
        assert params["x.y"].kind == "whole"
        return
    with pytest.raises(PolicyError) as err:
        _parameters(tomllib.loads(text))
    assert err.value.key == key and words in str(err.value)


@pytest.mark.parametrize("rates, key, words", [
    pytest.param({"missing_accessory": 0.2, "slight_defect": 0.15}, "partial_refund_rates.carrier_delay",
                 "needs a rate", id="partial-reason-without-rate"),
    pytest.param({"missing_accessory": 0.2, "slight_defect": 0.15, "carrier_delay": 0.1, "bogus": 0.1},
                 "partial_refund_rates.bogus", "not a reason", id="rate-for-no-reason"),
])
def test_rates_are_keyed_by_partial_reason(rates, key, words):
    from policy.params import _rates

    with pytest.raises(PolicyError) as err:
        _rates(rates)
    assert err.value.key == key and words in str(err.value)


def test_rates_are_a_mapping_by_reason():
    from policy import Reason
    from policy.decision import PARTIAL_REASONS

    rates = load_policy().partial_refund_rates
    assert rates[Reason.SLIGHT_DEFECT] == rates["slight_defect"] == Decimal("0.15")
    assert set(rates) == PARTIAL_REASONS


def test_return_freight_defaults_are_the_seed_f1_f2_lists():
    """F1: the customer's own reasons; F2: product problems and late delivery."""
    freight = load_policy().return_freight
    assert {r.value for r in freight.paid_by("customer")} == {"changed_mind", "not_suitable"}
    assert {r.value for r in freight.paid_by("merchant")} == {
        "damaged", "dirty", "not_as_described", "faulty", "delayed_shipping"}


def test_a_file_saved_before_return_freight_loads_with_its_defaults():
    old = parse_policy('name = "Saved last year"\n[returns]\nwindow_days = 45\n')
    assert old.return_freight == load_policy().return_freight
    assert old.pictures_required == load_policy().pictures_required
    assert changed_keys(load_policy(), old) == [("name", "Store policy", "Saved last year"),
                                                ("returns.window_days", 30, 45)]


def test_return_freight_round_trips_and_reports_its_change():
    p = load_policy().replace({"return_freight.changed_mind": "merchant"})
    assert parse_policy(p.to_toml()) == p
    assert changed_keys(load_policy(), p) == [("return_freight.changed_mind", "customer", "merchant")]


def test_country_codes_are_the_holidays_packages_own():
    """The registry read (fast) names exactly the countries the package supports."""
    import holidays

    from policy.params import _countries

    assert _countries() == frozenset(holidays.list_supported_countries())
