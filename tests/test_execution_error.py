"""ExecutionError and ErrorKind: validation and lossless round trips through the wire messages."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kozmo_io import core
from kozmo_io.execution_error import ErrorKind, ExecutionError

WHEN = dt.datetime(2024, 11, 5, 12, 30, 1, 250000, tzinfo=dt.UTC)

errors = st.builds(
    ExecutionError,
    code=st.text(max_size=20),
    message=st.text(max_size=200),
    kind=st.sampled_from(ErrorKind),
    is_recoverable=st.booleans(),
    timestamp=st.none()
    | st.datetimes(
        min_value=dt.datetime(1970, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds with timezones=
        max_value=dt.datetime(9999, 1, 1),  # noqa: DTZ001 - same
        timezones=st.just(dt.UTC),
    ),
    worker=st.text(max_size=20),
)


def test_defaults_are_the_zero_error() -> None:
    zero = ExecutionError()
    assert (zero.code, zero.message, zero.kind, zero.is_recoverable) == (
        "",
        "",
        ErrorKind.UNKNOWN,
        False,
    )
    assert zero.timestamp is None
    assert zero.to_proto().ByteSize() == 0


def test_value_is_frozen() -> None:
    err = ExecutionError(code="x")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        err.code = "y"  # type: ignore[misc]


def test_naive_timestamp_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ExecutionError(timestamp=dt.datetime(2024, 1, 1))  # noqa: DTZ001 - the naive value under test


def test_timestamp_is_normalised_to_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    err = ExecutionError(timestamp=dt.datetime(2024, 1, 1, 13, tzinfo=paris))
    assert err.timestamp == dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
    assert err.timestamp is not None
    assert err.timestamp.tzinfo is dt.UTC


def test_unknown_kind_number_reads_as_unknown() -> None:
    assert ExecutionError(kind=7).kind is ErrorKind.UNKNOWN


def test_container_error_recoverable_and_origin_map_both_ways() -> None:
    err = ExecutionError(
        code="red",
        message="hi",
        kind=ErrorKind.SYSTEM,
        is_recoverable=True,
        timestamp=WHEN,
        worker="w-1",
    )
    msg = err.to_container_error()
    assert msg.kind == core.ContainerError.RECOVERABLE
    assert msg.origin == core.ExecutionError.SYSTEM
    assert msg.worker == "w-1"
    assert msg.timestamp.ToDatetime(tzinfo=dt.UTC) == WHEN
    assert ExecutionError.from_container_error(msg) == err


def test_non_recoverable_user_error_reads_back() -> None:
    msg = core.ContainerError(
        code="red",
        message="hi",
        kind=core.ContainerError.NON_RECOVERABLE,
        origin=core.ExecutionError.USER,
    )
    err = ExecutionError.from_container_error(msg)
    assert err.kind is ErrorKind.USER
    assert err.is_recoverable is False
    assert err.timestamp is None
    assert err.worker == ""


def test_document_without_error_is_bad_format() -> None:
    err = ExecutionError.from_error_document(core.ErrorDocument(), path="s3://b/error.pb")
    assert err.code == "ErrorFileBadFormat"
    assert err.kind is ErrorKind.SYSTEM
    assert err.is_recoverable is True
    assert "s3://b/error.pb" in err.message


def test_proto_carries_recoverability_field() -> None:
    msg = ExecutionError(code="c", is_recoverable=True, error_uri="s3://b/e").to_proto()
    assert msg.recoverability == core.ContainerError.RECOVERABLE
    assert msg.error_uri == "s3://b/e"


@given(errors)
def test_proto_round_trip_is_lossless(err: ExecutionError) -> None:
    wire = err.to_proto().SerializeToString(deterministic=True)
    assert ExecutionError.from_proto(core.ExecutionError.FromString(wire)) == err


@given(errors)
def test_error_document_round_trip_keeps_all_but_error_uri(err: ExecutionError) -> None:
    wire = err.to_error_document().SerializeToString(deterministic=True)
    back = ExecutionError.from_error_document(core.ErrorDocument.FromString(wire))
    assert back == attrs.evolve(err, error_uri="")
