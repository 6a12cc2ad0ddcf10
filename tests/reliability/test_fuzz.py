"""Fuzzing the decoders and the reference handling with hypothesis (derandomized: same cases).

Stored bytes (random, truncated or bit-flipped valid messages) in outputs.pb, error.pb and inputs.pb
must read as a value or raise CorruptDataError or PayloadTooLargeError; references and keys (random
text, with the characters that matter to URIs over-represented) must work or raise
InvalidReferenceError (NotFoundError for a missing object). Nothing else is raised and nothing runs
past its deadline.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from _support import runner
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kozmo_io import core
from kozmo_io.errors import (
    CorruptDataError,
    InvalidReferenceError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    EarliestErrorReader,
    ReadOnlyOutputFilePaths,
    RemoteFileInputReader,
    RemoteFileOutputReader,
    SimpleInputFilePaths,
)
from kozmo_io.reference import DataReference, construct_reference
from kozmo_io.storage import MemoryBlobStore, open_store
from reliability._tally import TALLY

DEADLINE_SECONDS = 5.0
FUZZ = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
BYTES_LIMITS = st.sampled_from([None, 1, 64, 4096])
PREFIX = "memory://bucket/task"


# Each run is a fuzz case, cancelled and failed when it outlives DEADLINE_SECONDS.
run = runner(deadline=DEADLINE_SECONDS, count=TALLY.count_fuzz_case)


# Messages ----------------------------------------------------------------------------------------

primitives = st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(lambda v: ("integer", v)),
    st.floats(allow_nan=False).map(lambda v: ("float_value", v)),
    st.text(max_size=40).map(lambda v: ("string_value", v)),
    st.booleans().map(lambda v: ("boolean", v)),
)


def _literal(value: object) -> core.Literal:
    literal = core.Literal()
    if isinstance(value, tuple):
        field, scalar = value
        setattr(literal.scalar.primitive, field, scalar)
    elif isinstance(value, bytes):
        literal.scalar.binary.value = value
    elif isinstance(value, list):
        literal.collection.literals.extend(_literal(item) for item in value)
    else:
        assert isinstance(value, dict)
        for name, item in value.items():
            literal.map.literals[name].CopyFrom(_literal(item))
    return literal


literal_values = st.recursive(
    st.one_of(primitives, st.binary(max_size=40)),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=8), children, max_size=4),
    ),
    max_leaves=12,
)
literal_maps = st.dictionaries(st.text(max_size=12), literal_values, max_size=5).map(
    lambda values: core.LiteralMap(
        literals={name: _literal(value) for name, value in values.items()}
    )
)
timestamps = st.datetimes(
    min_value=dt.datetime(1, 1, 1),  # noqa: DTZ001 - made aware by timezones below
    max_value=dt.datetime(9999, 12, 31),  # noqa: DTZ001 - made aware by timezones below
    timezones=st.just(dt.UTC),
)
execution_errors = st.builds(
    ExecutionError,
    code=st.text(max_size=20),
    message=st.text(max_size=80),
    kind=st.sampled_from(ErrorKind),
    is_recoverable=st.booleans(),
    timestamp=st.none() | timestamps,
    worker=st.text(max_size=12),
)


def _raw_error_document(  # noqa: PLR0913 - one argument per field
    *, code: str, kind: int, origin: int, seconds: int | None, nanos: int, worker: str
) -> core.ErrorDocument:
    document = core.ErrorDocument()
    error = document.error
    error.code, error.worker = code, worker
    error.kind = kind  # type: ignore[assignment] # proto3 enums are open: any int32 is on the wire
    error.origin = origin  # type: ignore[assignment] # same
    if seconds is not None:
        error.timestamp.seconds, error.timestamp.nanos = seconds, nanos
    return document


# Documents an ExecutionError writes, documents with any field value the wire allows (open enums,
# timestamps outside the range a datetime holds), and an empty one.
error_documents = st.one_of(
    execution_errors.map(ExecutionError.to_error_document),
    st.builds(
        _raw_error_document,
        code=st.text(max_size=12),
        kind=st.integers(-(2**31), 2**31 - 1),
        origin=st.integers(-(2**31), 2**31 - 1),
        seconds=st.none() | st.integers(-(2**63), 2**63 - 1),
        nanos=st.integers(-(2**31), 2**31 - 1),
        worker=st.text(max_size=8),
    ),
    st.just(core.ErrorDocument()),
)


def _flip(data: bytes, positions: list[int]) -> bytes:
    flipped = bytearray(data)
    for position in positions:
        flipped[(position // 8) % len(flipped)] ^= 1 << (position % 8)
    return bytes(flipped)


def stored_bytes(messages: st.SearchStrategy[Message]) -> st.SearchStrategy[bytes]:
    """Random bytes, and valid messages whole, truncated or with bits flipped."""
    valid = messages.map(lambda message: message.SerializeToString())
    truncated = st.tuples(valid, st.floats(0, 1)).map(lambda v: v[0][: int(len(v[0]) * v[1])])
    flipped = st.tuples(
        valid.filter(bool), st.lists(st.integers(0, 2**16), min_size=1, max_size=4)
    ).map(lambda v: _flip(*v))
    return st.one_of(st.binary(max_size=300), valid, truncated, flipped)


# Stored bytes ------------------------------------------------------------------------------------

DECODE_ERRORS = (CorruptDataError, PayloadTooLargeError)


@FUZZ
@given(data=stored_bytes(literal_maps), limit=BYTES_LIMITS)
def test_outputs_bytes_read_as_outputs_or_a_declared_error(data: bytes, limit: int | None) -> None:
    store = MemoryBlobStore()
    paths = ReadOnlyOutputFilePaths(PREFIX)

    async def read_outputs() -> None:
        await store.put(paths.get_output_path(), data)
        reader = RemoteFileOutputReader(store, paths, max_payload_bytes=limit)
        assert await reader.exists()
        outputs, error = await reader.read()
        assert (outputs is None) != (error is None)
        outputs, error = await RemoteFileOutputReader(store, paths, max_payload_bytes=limit).read()
        assert (outputs is None) != (error is None)

    with contextlib.suppress(*DECODE_ERRORS):
        run(read_outputs)


@FUZZ
@given(data=stored_bytes(error_documents), limit=BYTES_LIMITS)
def test_error_bytes_read_as_an_error_or_a_declared_error(data: bytes, limit: int | None) -> None:
    store = MemoryBlobStore()
    paths = ReadOnlyOutputFilePaths(PREFIX)

    async def read_error(error_reader: EarliestErrorReader | None) -> None:
        reader = RemoteFileOutputReader(
            store, paths, max_payload_bytes=limit, error_reader=error_reader
        )
        assert await reader.is_error()
        assert isinstance(await reader.read_error(), ExecutionError)

    async def read_errors() -> None:
        await store.put(paths.get_error_path(), data)
        await store.put(f"{PREFIX}/error-worker1.pb", data[::-1])
        earliest = EarliestErrorReader(store, paths.get_error_path(), max_payload_bytes=limit)
        for error_reader in (None, earliest):
            with contextlib.suppress(*DECODE_ERRORS):
                await read_error(error_reader)

    run(read_errors)


@FUZZ
@given(data=stored_bytes(literal_maps), limit=BYTES_LIMITS)
def test_inputs_bytes_read_as_inputs_or_a_declared_error(data: bytes, limit: int | None) -> None:
    store = MemoryBlobStore()
    paths = SimpleInputFilePaths(PREFIX)

    async def read_inputs() -> None:
        await store.put(paths.get_input_path(), data)
        inputs = await RemoteFileInputReader(store, paths, max_payload_bytes=limit).get()
        assert isinstance(inputs, core.LiteralMap)

    with contextlib.suppress(*DECODE_ERRORS):
        run(read_inputs)


# References and keys -----------------------------------------------------------------------------

# Text with the characters that matter to URIs, paths and escapes over-represented.
uri_text = st.text(
    st.one_of(
        st.sampled_from("/.:%@?#\\ \x00\n\t\x7f~2eEfF"),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)
references = st.one_of(
    uri_text,
    st.tuples(
        st.sampled_from(["s3://", "memory://", "file://", "gs://", "az://", "/", "", "x:"]),
        uri_text,
    ).map("".join),
)


@FUZZ
@given(base=st.sampled_from(["s3://bucket/prefix", "/local/prefix", "memory://b/p"]), key=uri_text)
def test_joining_any_key_gives_a_reference_under_the_base_or_invalid_reference_error(
    base: str, key: str
) -> None:
    TALLY.fuzz_cases += 1
    try:
        joined = construct_reference(base, key)
    except InvalidReferenceError:
        return
    assert joined.split()[:2] == DataReference(base).split()[:2]
    assert "/../" not in f"{joined}/"


@FUZZ
@given(reference=references)
def test_any_reference_splits_opens_and_reads_or_raises_invalid_reference_error(
    reference: str,
) -> None:
    TALLY.fuzz_cases += 1
    with contextlib.suppress(InvalidReferenceError):
        DataReference(reference).split()
    refusal = ""
    try:
        open_store(reference)
    except InvalidReferenceError:
        pass
    except StorageError as exc:  # documented: obstore refuses the configuration
        refusal = str(exc)
    # The one configuration refused here: an Azure store without an account.
    assert not refusal or "Account must be specified" in refusal
    store = MemoryBlobStore()

    async def use() -> None:
        for operation in (
            lambda: store.put(reference, b"x"),
            lambda: store.head(reference),
            lambda: store.get(reference),
            lambda: store.list(reference),
            lambda: store.delete(reference),
            lambda: RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(reference)).read(),
        ):
            with contextlib.suppress(InvalidReferenceError, NotFoundError):
                await operation()

    run(use)


@pytest.mark.parametrize("seconds", [-(2**62), 253402300800, 2**62])
def test_error_file_with_an_out_of_range_timestamp_is_corrupt_data(seconds: int) -> None:
    document = core.ErrorDocument()
    document.error.code = "E"
    document.error.timestamp.seconds = seconds
    store = MemoryBlobStore()
    paths = ReadOnlyOutputFilePaths(PREFIX)

    async def read_error() -> ExecutionError:
        await store.put(paths.get_error_path(), document.SerializeToString())
        return await RemoteFileOutputReader(store, paths).read_error()

    with pytest.raises(CorruptDataError):
        run(read_error)
