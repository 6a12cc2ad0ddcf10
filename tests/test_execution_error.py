"""ExecutionError, ErrorKind and GpuFault: validation and lossless round trips through the wire."""

from __future__ import annotations

import datetime as dt
import importlib

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kozmo_io import core
from kozmo_io.errors import InvalidArgumentError
from kozmo_io.execution_error import (
    ErrorKind,
    ExecutionError,
    GpuFault,
    GpuFaultKind,
    GpuFaultSeverity,
)

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
    gpu_fault=st.none()
    | st.builds(
        GpuFault,
        kind=st.sampled_from(GpuFaultKind),
        code=st.integers(0, 2**32 - 1),
        name=st.text(max_size=10),
        severity=st.sampled_from(GpuFaultSeverity),
        gpu_uuid=st.text(max_size=10),
        gpu_index=st.none() | st.integers(0, 2**32 - 1),
        pci_bus_id=st.text(max_size=10),
        node=st.text(max_size=10),
        pid=st.integers(0, 2**32 - 1),
        process=st.text(max_size=10),
    ),
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
def test_error_document_round_trip_keeps_all_but_error_uri_and_gpu_fault(
    err: ExecutionError,
) -> None:
    wire = err.to_error_document().SerializeToString(deterministic=True)
    back = ExecutionError.from_error_document(core.ErrorDocument.FromString(wire))
    assert back == attrs.evolve(err, error_uri="", gpu_fault=None)


XID_79 = core.GpuFault(
    kind=core.GpuFault.KIND_XID,
    code=79,
    name="GPU has fallen off the bus",
    severity=core.GpuFault.SEVERITY_CRITICAL,
    gpu_uuid="GPU-5c1f",
    gpu_index=0,
    pci_bus_id="00000000:3B:00.0",
    node="node-7",
    pid=4242,
    process="python",
)


def test_gpu_fault_reads_from_the_message_with_every_field() -> None:
    err = ExecutionError.from_proto(core.ExecutionError(code="GPU", gpu_fault=XID_79))
    assert err.gpu_fault == GpuFault(
        kind=GpuFaultKind.XID,
        code=79,
        name="GPU has fallen off the bus",
        severity=GpuFaultSeverity.CRITICAL,
        gpu_uuid="GPU-5c1f",
        gpu_index=0,
        pci_bus_id="00000000:3B:00.0",
        node="node-7",
        pid=4242,
        process="python",
    )
    assert err.to_proto().gpu_fault == XID_79
    assert err.to_proto().SerializeToString(deterministic=True) == core.ExecutionError(
        code="GPU", gpu_fault=XID_79
    ).SerializeToString(deterministic=True)


def test_absent_gpu_fault_stays_absent_and_an_empty_one_stays_present() -> None:
    assert ExecutionError.from_proto(core.ExecutionError(code="c")).gpu_fault is None
    assert not ExecutionError(code="c").to_proto().HasField("gpu_fault")
    empty = ExecutionError.from_proto(core.ExecutionError(gpu_fault=core.GpuFault()))
    assert empty.gpu_fault == GpuFault()
    assert empty.to_proto().HasField("gpu_fault")


def test_gpu_index_zero_differs_from_unknown() -> None:
    assert GpuFault(gpu_index=0).to_proto().HasField("gpu_index")
    assert not GpuFault().to_proto().HasField("gpu_index")
    assert GpuFault.from_proto(core.GpuFault(gpu_index=0)).gpu_index == 0
    assert GpuFault.from_proto(core.GpuFault()).gpu_index is None


def test_gpu_fault_enums_a_newer_engine_adds_read_as_unspecified() -> None:
    fault = GpuFault.from_proto(core.GpuFault(kind=9, severity=7))  # type: ignore[arg-type]
    assert fault.kind is GpuFaultKind.UNSPECIFIED
    assert fault.severity is GpuFaultSeverity.UNSPECIFIED


@pytest.mark.parametrize("field", ["code", "gpu_index", "pid"])
@pytest.mark.parametrize("value", [-1, 2**32, True, 1.5])
def test_gpu_fault_refuses_numbers_outside_uint32(field: str, value: object) -> None:
    with pytest.raises(InvalidArgumentError, match=field):
        GpuFault(**{field: value})  # type: ignore[arg-type]


def test_gpu_fault_is_a_hashable_frozen_value() -> None:
    fault = GpuFault(code=79)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fault.code = 1  # type: ignore[misc]
    assert hash(ExecutionError(gpu_fault=fault)) == hash(
        ExecutionError(gpu_fault=GpuFault(code=79))
    )


def test_gpu_fault_from_a_flyteidl2_message_round_trips_byte_for_byte() -> None:
    flyte2 = importlib.import_module("flyteidl2.core.execution_pb2")
    theirs = flyte2.ExecutionError(
        code="GPUFault",
        kind=flyte2.ExecutionError.SYSTEM,
        recoverability=flyte2.ContainerError.RECOVERABLE,
        gpu_fault=flyte2.GpuFault(
            kind=flyte2.GpuFault.KIND_SXID,
            code=20034,
            severity=flyte2.GpuFault.SEVERITY_WARN,
            gpu_index=3,
            node="node-2",
        ),
    )
    wire = theirs.SerializeToString(deterministic=True)

    value = ExecutionError.from_proto(core.ExecutionError.FromString(wire))

    assert value.gpu_fault == GpuFault(
        kind=GpuFaultKind.SXID,
        code=20034,
        severity=GpuFaultSeverity.WARN,
        gpu_index=3,
        node="node-2",
    )
    assert value.to_proto().SerializeToString(deterministic=True) == wire
