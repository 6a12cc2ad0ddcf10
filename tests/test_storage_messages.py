"""decode_message and error_with_path: an object's path kept in the errors of code that fetches."""

from __future__ import annotations

import pytest
from google.protobuf.message import DecodeError, Message

from kozmo_io import core
from kozmo_io.conformance import assert_conforms
from kozmo_io.errors import (
    CorruptDataError,
    InvalidReferenceError,
    KozmoIOError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.storage import EncodingSource, decode_message, encoding_of, error_with_path

CREDENTIALED_PATH = "s3://KEY:SECRET@bucket/out/outputs.pb"
SHOWN_PATH = "s3://***@bucket/out/outputs.pb"


def _literal_map() -> core.LiteralMap:
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=5)))
    return core.LiteralMap(literals={"v": literal})


def test_decode_message_decodes_and_remembers_nothing() -> None:
    # Entries in an order protobuf never writes: only the bytes handed on bring it back.
    data = b"".join(
        core.LiteralMap(literals={name: _literal_map().literals["v"]}).SerializeToString()
        for name in ("b", "a")
    )
    message = decode_message(core.LiteralMap, data, "s3://bucket/out/outputs.pb")
    assert set(message.literals) == {"a", "b"}
    assert encoding_of(message) == message.SerializeToString(deterministic=True) != data
    assert encoding_of(message, data) == data


def test_decode_message_of_no_bytes_is_the_empty_message() -> None:
    assert decode_message(core.ErrorDocument, b"", "s3://bucket/out/error.pb") == (
        core.ErrorDocument()
    )


@pytest.mark.parametrize(
    ("what", "start"),
    [("outputs", f"outputs @[{SHOWN_PATH}] does not decode as "), ("", f"{SHOWN_PATH} does not")],
)
def test_decode_message_names_what_the_path_and_the_type_of_bytes_that_do_not_decode(
    what: str, start: str
) -> None:
    with pytest.raises(CorruptDataError) as info:
        decode_message(core.LiteralMap, b"\xff\xff", CREDENTIALED_PATH, what=what)
    text = str(info.value)
    assert text.startswith(start)
    assert core.LiteralMap.DESCRIPTOR.full_name in text
    assert "(2 bytes)" in text
    assert "SECRET" not in text
    assert isinstance(info.value.__cause__, DecodeError)


def test_error_with_path_keeps_a_missing_object_missing() -> None:
    found = error_with_path(NotFoundError("key"), CREDENTIALED_PATH, what="the inputs")
    assert type(found) is NotFoundError
    assert str(found) == f"not found: {SHOWN_PATH}"


def test_error_with_path_keeps_the_size_and_limit_of_a_large_object() -> None:
    found = error_with_path(
        PayloadTooLargeError("key", 10, 4), CREDENTIALED_PATH, what="the inputs"
    )
    assert type(found) is PayloadTooLargeError
    assert (found.path, found.size, found.limit) == (SHOWN_PATH, 10, 4)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (CorruptDataError("bad bytes"), CorruptDataError),
        (StorageError("connection reset"), StorageError),
        (InvalidReferenceError("odd key"), StorageError),
    ],
)
def test_error_with_path_names_what_was_read_and_where(
    error: KozmoIOError, kind: type[KozmoIOError]
) -> None:
    found = error_with_path(error, CREDENTIALED_PATH, what="the inputs")
    assert type(found) is kind
    assert str(found) == f"failed to read the inputs @[{SHOWN_PATH}]: {error}"


def test_anything_that_gives_the_bytes_of_a_message_is_an_encoding_source() -> None:
    data = _literal_map().SerializeToString()
    decoded = core.LiteralMap.FromString(data)

    class Source:
        def decoded_from(self, message: Message, /) -> bytes | None:
            return data if message is decoded else None

    source = Source()
    assert_conforms(source, EncodingSource, strict=True)
    assert encoding_of(decoded, source.decoded_from(decoded)) == data
    assert not isinstance(object(), EncodingSource)
