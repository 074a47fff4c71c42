"""compiler.units: TOSCA 1.3 §3.3.6 scalar-unit parsing and normalisation."""

from __future__ import annotations

import pytest

from compiler.units import ScalarError, canonical_unit, parse_scalar, to_bps, to_bytes, to_seconds


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("256 MiB", 256 * 1024**2, "MiB"),
        ("1 GB", 1e9, "GB"),
        ("1GiB", 1024**3, "GiB"),
        ("512 kB", 512_000, "kB"),
        ("2 KiB", 2048, "KiB"),
        ("10 B", 10, "B"),
        ("1.5 TiB", 1.5 * 1024**4, "TiB"),
        ("512 mb", 512e6, "MB"),  # case-insensitive, as tosca-parser
        ("4 gib", 4 * 1024**3, "GiB"),
    ],
)
def test_size(text: str, value: float, unit: str) -> None:
    s = parse_scalar(text, "size")
    assert s.value == value and s.unit == unit and s.text == text


def test_time_and_helpers() -> None:
    assert to_seconds("30 s") == 30.0
    assert to_seconds("2 m") == 120.0
    assert to_seconds("1 h") == 3600.0
    assert to_seconds("1 d") == 86400.0
    assert to_seconds("500 ms") == 0.5
    assert to_seconds("10 us") == pytest.approx(1e-5)
    assert to_seconds("3 ns") == pytest.approx(3e-9)
    assert to_bytes("256 MiB") == 268435456.0


def test_frequency() -> None:
    assert parse_scalar("0.1 GHz", "frequency").value == pytest.approx(1e8)
    assert parse_scalar("2.4GHz", "scalar-unit.frequency").unit == "GHz"
    assert parse_scalar("10 khz", "frequency").value == 1e4


def test_bitrate_keeps_bits_and_bytes_apart() -> None:
    assert to_bps("10 Mbps") == 10e6
    assert to_bps("10 mbps") == 10e6  # prefix case-insensitive
    assert to_bps("10 MBps") == 80e6  # bytes per second
    assert to_bps("1 Kibps") == 1024
    assert to_bps("1 KiBps") == 8192
    assert to_bps("3 bps") == 3
    assert canonical_unit("gibps", "bitrate") == "Gibps"
    assert canonical_unit("MBPS", "bitrate") is None  # "PS" is neither bps nor Bps


@pytest.mark.parametrize(
    "value, kind, fragment",
    [
        (0, "size", "has no unit"),
        ("0", "size", "is not a scalar-unit.size"),
        ("12 parsecs", "size", "'parsecs' is not a size unit"),
        ("10 s", "size", "'s' is not a size unit"),
        ("MiB", "size", "is not a scalar-unit.size"),
        (True, "time", "must be a string"),
        ([1], "time", "must be a string"),
        ("1 GHz", "bitrate", "is not a bitrate unit"),
    ],
)
def test_errors(value: object, kind: str, fragment: str) -> None:
    with pytest.raises(ScalarError) as exc:
        parse_scalar(value, kind)
    assert fragment in str(exc.value)


def test_ordering_compares_normalised_values() -> None:
    assert parse_scalar("1 GiB", "size") > parse_scalar("1000 MB", "size")
    assert parse_scalar("1024 MiB", "size") == parse_scalar("1 GiB", "size")
    assert parse_scalar("59 s", "time") < parse_scalar("1 m", "time")
