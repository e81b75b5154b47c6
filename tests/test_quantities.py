import pytest

from diary.quantities import format_duration, format_water, parse_duration, parse_water_ml


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
