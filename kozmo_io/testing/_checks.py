"""The public behavioural checks: ``check_*`` (own event loop) and ``acheck_*`` (inside one)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeAlias

from kozmo_io.conformance import ConformanceReport
from kozmo_io.protocols import (
    InputFilePaths,
    InputReader,
    OutputFilePaths,
    OutputReader,
    OutputWriter,
)
from kozmo_io.storage import BlobStore
from kozmo_io.testing._kit import DEFAULT_TIMEOUT, Kit, in_new_loop
from kozmo_io.testing._path_getters import check_input_paths_of, check_output_paths_of
from kozmo_io.testing._readers import check_input_reader_of, check_output_reader_of
from kozmo_io.testing._stores import check_blob_store_of
from kozmo_io.testing._writer import check_output_writer_of

__all__ = (
    "BlobStoreFactory",
    "InputFilePathsFactory",
    "InputReaderFactory",
    "OutputFilePathsFactory",
    "OutputReaderFactory",
    "OutputWriterFactory",
    "acheck_blob_store",
    "acheck_input_file_paths",
    "acheck_input_reader",
    "acheck_output_file_paths",
    "acheck_output_reader",
    "acheck_output_writer",
    "check_blob_store",
    "check_input_file_paths",
    "check_input_reader",
    "check_output_file_paths",
    "check_output_reader",
    "check_output_writer",
)

BlobStoreFactory: TypeAlias = Callable[[], BlobStore | Awaitable[BlobStore]]
"""Builds the store under test (sync or async); the kit calls it once per check."""

InputFilePathsFactory: TypeAlias = Callable[
    [BlobStore, InputFilePaths], InputFilePaths | Awaitable[InputFilePaths]
]
"""Builds the object under test from the kit's store and input paths (sync or async)."""

InputReaderFactory: TypeAlias = Callable[
    [BlobStore, InputFilePaths], InputReader | Awaitable[InputReader]
]
"""Builds the reader under test from the kit's store and input paths (sync or async)."""

OutputFilePathsFactory: TypeAlias = Callable[
    [BlobStore, OutputFilePaths], OutputFilePaths | Awaitable[OutputFilePaths]
]
"""Builds the object under test from the kit's store and output paths (sync or async)."""

OutputReaderFactory: TypeAlias = Callable[
    [BlobStore, OutputFilePaths], OutputReader | Awaitable[OutputReader]
]
"""Builds the reader under test from the kit's store and output paths (sync or async)."""

OutputWriterFactory: TypeAlias = Callable[
    [BlobStore, OutputFilePaths], OutputWriter | Awaitable[OutputWriter]
]
"""Builds the writer under test from the kit's store and output paths (sync or async)."""


async def acheck_blob_store(
    factory: BlobStoreFactory,
    /,
    *,
    root: str,
    call_timeout: float = DEFAULT_TIMEOUT,
    strict: bool = False,
) -> ConformanceReport:
    """Check the BlobStore behaviour of the stores ``factory`` builds (async variant).

    Every check of :data:`~kozmo_io.testing.BLOB_STORE_CHECKS` runs on a store of its own, under
    its own folder ``<root>/kozmo-kit-<token>/<check>/`` (a fresh token per run), so the store
    need not be empty and may be shared: put/get round trips (empty, every byte value, 3 MiB),
    head, NotFoundError for a missing object, limits (``max_bytes``, the store's own
    ``max_payload_bytes``, an oversized object refused without reading it), byte ranges, bad
    arguments, overwrites (atomic as seen by concurrent readers), delete, listing (prefix matching,
    odd keys, paging with cursors), hostile references, and errors that carry the reference with
    its credentials redacted. A problem reads ``<Store>.<method>() [<check>] <situation>: expected
    <...>, found <...>``. At the end the kit deletes what it wrote.

    Args:
        factory: Called with no argument once per check; returns the store (or an awaitable of
            it). ``MemoryBlobStore`` is one; ``lambda: S3BlobStore("bucket", ...)`` another.
        root: Reference prefix the kit writes under, without a trailing ``/``: e.g.
            ``"s3://bucket/ci/store-check"``, ``"memory://kit"``, or ``""`` for a local store's
            root (references ``/a/b``).
        call_timeout: Seconds one call of the store (or the factory) may take before it counts
            as hanging.
        strict: Raise when the runtime check cannot tell, too.

    Returns:
        The report (checks ``runtime`` and ``behaviour``), when there is no problem: its verdict
        is "conforms", or "cannot tell" with the runtime check's reasons.

    Raises:
        ConformanceError: At least one problem (``.problems``, ``.report``); with ``strict``,
            also a reason the runtime check cannot tell.
        ValueError: ``call_timeout`` is not a positive number, or ``root`` is not a string.
    """
    given: object = root  # annotations do not hold at run time
    if not isinstance(given, str):
        msg = f"root must be a reference prefix (str), got {given!r}"
        raise ValueError(msg)  # noqa: TRY004 - a bad argument, like a bad call_timeout
    kit = Kit(factory, BlobStore, call_timeout, strict=strict)
    # One trailing "/" is the folder's own ("s3://b/ci/" is "s3://b/ci"); "file://" keeps its "//".
    folder = root[:-1] if root.endswith("/") and not root.endswith("://") else root
    await check_blob_store_of(kit, folder)
    return kit.report()


async def acheck_input_file_paths(
    factory: InputFilePathsFactory,
    /,
    *,
    call_timeout: float = DEFAULT_TIMEOUT,
    strict: bool = False,
) -> ConformanceReport:
    """Check the InputFilePaths getters of the objects ``factory`` builds (async variant).

    For input prefixes ``memory://kozmo-kit/paths/inputs``, the same with a trailing ``/``, and
    ``/kozmo-kit/paths/inputs``: ``get_input_prefix_path()`` is the prefix as given and
    ``get_input_path()`` is ``<prefix>/inputs.pb`` joined as :func:`~kozmo_io.construct_reference`
    joins; each is a :class:`~kozmo_io.DataReference`, the same on every call, made without a
    storage request.

    Args:
        factory: Called as ``factory(store, paths)`` once per prefix with a fresh, empty store and
            the kit's :class:`~kozmo_io.ioutils.SimpleInputFilePaths`; may return an awaitable.
        call_timeout: Seconds one call of the object under test (or the factory) may take
            before it counts as hanging.
        strict: Raise when the runtime check cannot tell, too.

    Returns:
        The report (checks ``runtime`` and ``behaviour``), when there is no problem: its verdict
        is "conforms", or "cannot tell" with the runtime check's reasons.

    Raises:
        ConformanceError: At least one problem (with ``strict``, also a reason the runtime check
            cannot tell); ``.problems`` lists every one, ``.report`` holds the report.
        ValueError: ``call_timeout`` is not a positive number.
    """
    kit = Kit(factory, InputFilePaths, call_timeout, strict=strict)
    await check_input_paths_of(kit)
    return kit.report()


async def acheck_input_reader(
    factory: InputReaderFactory, /, *, call_timeout: float = DEFAULT_TIMEOUT, strict: bool = False
) -> ConformanceReport:
    """Check the InputReader behaviour of the readers ``factory`` builds (async variant).

    The InputFilePaths rules of :func:`acheck_input_file_paths`, then ``get()`` with ``inputs.pb``
    holding literals (returns them, also on a second call), empty (an empty LiteralMap, never
    ``None``), missing (:class:`~kozmo_io.errors.NotFoundError` raised) and undecodable
    (:class:`~kozmo_io.errors.CorruptDataError` raised).

    Args:
        factory: Called as ``factory(store, paths)`` once per scenario with a fresh store holding
            the scenario's ``inputs.pb`` and the kit's
            :class:`~kozmo_io.ioutils.SimpleInputFilePaths`; may return an awaitable.
        call_timeout: Seconds one call of the object under test (or the factory) may take
            before it counts as hanging.
        strict: Raise when the runtime check cannot tell, too.

    Returns:
        The report (checks ``runtime`` and ``behaviour``), when there is no problem: its verdict
        is "conforms", or "cannot tell" with the runtime check's reasons.

    Raises:
        ConformanceError: At least one problem (``.problems``, ``.report``); with ``strict``,
            also a reason the runtime check cannot tell.
        ValueError: ``call_timeout`` is not a positive number.
    """
    kit = Kit(factory, InputReader, call_timeout, strict=strict)
    await check_input_reader_of(kit)
    return kit.report()


async def acheck_output_file_paths(
    factory: OutputFilePathsFactory,
    /,
    *,
    call_timeout: float = DEFAULT_TIMEOUT,
    strict: bool = False,
) -> ConformanceReport:
    """Check the OutputFilePaths getters of the objects ``factory`` builds (async variant).

    For three output prefixes (plain, trailing ``/`` with a previous checkpoint, scheme-less):
    the output prefix as given; ``<prefix>/outputs.pb`` and ``<prefix>/error.pb``; a deck file
    directly under the prefix; the raw output prefix as given; a checkpoint prefix under it; the
    previous checkpoint prefix as given (``None`` on a first attempt, never ``""``). Each is a
    :class:`~kozmo_io.DataReference`, the same on every call, made without a storage request.

    Args:
        factory: Called as ``factory(store, paths)`` once per prefix with a fresh, empty store and
            the kit's :class:`~kozmo_io.ioutils.CheckpointRemoteFilePaths`; may return an
            awaitable.
        call_timeout: Seconds one call of the object under test (or the factory) may take
            before it counts as hanging.
        strict: Raise when the runtime check cannot tell, too.

    Returns:
        The report (checks ``runtime`` and ``behaviour``), when there is no problem: its verdict
        is "conforms", or "cannot tell" with the runtime check's reasons.

    Raises:
        ConformanceError: At least one problem (``.problems``, ``.report``); with ``strict``,
            also a reason the runtime check cannot tell.
        ValueError: ``call_timeout`` is not a positive number.
    """
    kit = Kit(factory, OutputFilePaths, call_timeout, strict=strict)
    await check_output_paths_of(kit)
    return kit.report()


async def acheck_output_reader(
    factory: OutputReaderFactory, /, *, call_timeout: float = DEFAULT_TIMEOUT, strict: bool = False
) -> ConformanceReport:
    """Check the OutputReader behaviour of the readers ``factory`` builds (async variant).

    Scenarios (the files under ``memory://kozmo-kit/<scenario>/outputs``):

    * ``outputs.pb`` with literals: ``is_file()`` a bool, ``is_error()`` False, ``exists()`` True,
      ``read()`` ``(outputs, None)`` after ``exists()`` and on a fresh reader, ``deck_exists()``
      False;
    * ``outputs.pb`` with an empty map: ``exists()`` True, ``read()`` ``(None, error)`` with code
      ``No outputs produced``, kind UNKNOWN, recoverable (never the empty map, never void);
    * nothing: ``is_error()`` and ``exists()`` False, ``read()`` raises
      :class:`~kozmo_io.errors.NotFoundError` (not a returned error), ``deck_exists()`` False;
    * a deck file at ``get_deck_path()``: ``deck_exists()`` True;
    * undecodable ``outputs.pb``: ``read()`` raises :class:`~kozmo_io.errors.CorruptDataError`;
    * ``error.pb`` with a recoverable SYSTEM error (timestamp, worker) and with a non-recoverable
      USER error: ``is_error()`` True, ``read_error()`` keeps code, message, kind (from the origin),
      recoverability (from the container kind), timestamp and worker, after ``is_error()`` and on a
      fresh reader;
    * ``error.pb`` without an error: ``read_error()`` gives ``ErrorFileBadFormat``, SYSTEM,
      recoverable; undecodable ``error.pb``: it raises CorruptDataError.

    Args:
        factory: Called as ``factory(store, paths)`` (one or two readers per scenario) with the
            scenario's store and the kit's :class:`~kozmo_io.ioutils.CheckpointRemoteFilePaths`;
            may return an awaitable. :class:`~kozmo_io.ioutils.RemoteFileOutputReader` is one.
        call_timeout: Seconds one call of the object under test (or the factory) may take
            before it counts as hanging.
        strict: Raise when the runtime check cannot tell, too.

    Returns:
        The report (checks ``runtime`` and ``behaviour``), when there is no problem: its verdict
        is "conforms", or "cannot tell" with the runtime check's reasons.

    Raises:
        ConformanceError: At least one problem (``.problems``, ``.report``); with ``strict``,
            also a reason the runtime check cannot tell.
        ValueError: ``call_timeout`` is not a positive number.
    """
    kit = Kit(factory, OutputReader, call_timeout, strict=strict)
    await check_output_reader_of(kit)
    return kit.report()


async def acheck_output_writer(
    factory: OutputWriterFactory, /, *, call_timeout: float = DEFAULT_TIMEOUT, strict: bool = False
) -> ConformanceReport:
    """Check the OutputWriter behaviour of the writers ``factory`` builds (async variant).

    The OutputFilePaths rules of :func:`acheck_output_file_paths`, then ``put`` of a
    :class:`~kozmo_io.testing.ScriptedOutputReader` holding: literals, and an empty map (each
    written to ``outputs.pb``, no ``error.pb``); a recoverable SYSTEM error with timestamp and
    worker, a non-recoverable USER error, and an error with outputs (``error.pb`` read back keeps
    code, message, kind, recoverability, timestamp and worker; no ``outputs.pb``: the error wins);
    neither (:class:`~kozmo_io.errors.NothingToWriteError`, nothing written); and a reader whose
    every method raises (that same exception propagates, nothing written).

    Args:
        factory: Called as ``factory(store, paths)`` once per scenario with a fresh, empty store and
            the kit's :class:`~kozmo_io.ioutils.CheckpointRemoteFilePaths`; may return an
            awaitable. :class:`~kozmo_io.ioutils.RemoteFileOutputWriter` is one.
        call_timeout: Seconds one call of the object under test (or the factory) may take
            before it counts as hanging.
        strict: Raise when the runtime check cannot tell, too.

    Returns:
        The report (checks ``runtime`` and ``behaviour``), when there is no problem: its verdict
        is "conforms", or "cannot tell" with the runtime check's reasons.

    Raises:
        ConformanceError: At least one problem (``.problems``, ``.report``); with ``strict``,
            also a reason the runtime check cannot tell.
        ValueError: ``call_timeout`` is not a positive number.
    """
    kit = Kit(factory, OutputWriter, call_timeout, strict=strict)
    await check_output_writer_of(kit)
    return kit.report()


# The synchronous forms, for scripts and engines that run no event loop.
check_blob_store = in_new_loop(acheck_blob_store)
check_input_file_paths = in_new_loop(acheck_input_file_paths)
check_input_reader = in_new_loop(acheck_input_reader)
check_output_file_paths = in_new_loop(acheck_output_file_paths)
check_output_reader = in_new_loop(acheck_output_reader)
check_output_writer = in_new_loop(acheck_output_writer)
