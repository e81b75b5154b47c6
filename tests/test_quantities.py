import pytest

from diary.quantities import (
    explain_water,
    format_duration,
    format_water,
    parse_duration,
    parse_water_ml,
)


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("30s", 30),
        ("30 s", 30),
        ("2 min", 120),
        ("2min", 120),
        ("1:30", 90),
        ("90", 90),
        ("1 min 30 s", 90),
        ("1.5 min", 90),
        ("1,5 min", 90),
        ("1h", 3600),
        ("1:02:03", 3723),
        (" 45 seconds ", 45),
    ],
)
def test_it_reads_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "soon", "2 fortnights", "1:75", "1:2:3:4", "-5", "2 min later"]
)
def test_it_rejects_unreadable_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    "seconds, text", [(90, "1 min 30 s"), (30, "30 s"), (0, "0 s"), (3600, "1 h"), (None, "")]
)
def test_it_formats_durations(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    "text, ml",
    [
        ("1500", 1500),
        ("1500 ml", 1500),
        ("1.5 l", 1500),
        ("1,5 L", 1500),
        ("2 litres", 2000),
        ("6 glasses", 1500),
        ("1 glass", 250),
        ("0", 0),
    ],
)
def test_it_reads_water(text, ml):
    assert parse_water_ml(text) == ml


def test_it_asks_for_a_unit_when_a_bare_number_is_too_small_for_ml():
    with pytest.raises(ValueError, match="litres or 2 glasses"):
        parse_water_ml("2")


@pytest.mark.parametrize("text", ["lots", "2 buckets", "-1 l", ""])
def test_it_rejects_unreadable_water(text):
    with pytest.raises(ValueError):
        parse_water_ml(text)


def test_it_formats_water_in_litres():
    assert format_water(1500) == "1.5 L"
    assert format_water(2000) == "2 L"
    assert format_water(None) == ""


# Numbers are read as meant: separators, decimal commas and the units people use.


@pytest.mark.parametrize(
    "text, ml",
    [
        # Thousands separators, once read as decimal points: 1.5 ml or 2 ml is no one's water.
        ("1,500 ml", 1500),
        ("2.000 ml", 2000),
        ("1,500", 1500),
        ("1 500 ml", 1500),
        ("1\u00a0500 ml", 1500),
        ("12,000 ml", 12000),
        ("1,500.5 ml", 1500),
        ("1.500,5 ml", 1500),
        ("0,500 l", 500),
        # 1500 litres is past any limit, so the comma is a decimal one.
        ("1,500 l", 1500),
        ("1,25 l", 1250),
        ("2 cups", 500),
        ("1 cup", 250),
        ("16 fl oz", 473),
        ("16 fl. oz.", 473),
        ("16 floz", 473),
        ("8 oz", 237),
        ("2 dl", 200),
        ("33 cl", 330),
        ("1,250 glasses", 312),
    ],
)
def test_it_reads_water_with_separators_and_units_as_meant(text, ml):
    assert parse_water_ml(text) == ml


@pytest.mark.parametrize(
    "text, message",
    [
        ("1,50,0 ml", "Couldn't read '1,50,0' as a number."),
        ("1.500.5 ml", "Couldn't read '1.500.5' as a number."),
        ("1,500,5 ml", "Couldn't read '1,500,5' as a number."),
        # 1500 oz is 44 L, 1.5 oz only a sip under the least we read a separator as: we ask.
        ("1.500 oz", "'1.500' could be 1500 or 1.5: write 1500, or 1.5 with a decimal point."),
        ("2 buckets", "Unknown unit 'buckets'; use ml, l, glasses, cups or fl oz."),
    ],
)
def test_it_refuses_water_it_cannot_read_with_a_message(text, message):
    with pytest.raises(ValueError) as error:
        parse_water_ml(text)
    assert str(error.value) == message


@pytest.mark.parametrize("text, seconds", [("1,5 min", 90), ("1.500 min", 90), ("1 500 s", 1500)])
def test_it_reads_durations_with_separators_as_meant(text, seconds):
    assert parse_duration(text) == seconds


def test_it_asks_when_a_duration_with_a_separator_makes_sense_both_ways():
    # 1500 s and 1.5 s are both cramps someone could log.
    with pytest.raises(ValueError, match="could be 1500 or 1.5"):
        parse_duration("1,500 s")


def test_it_says_how_water_was_read():
    assert explain_water("1,500 ml", parse_water_ml("1,500 ml")) == "1,500 ml = 1.5 L"
