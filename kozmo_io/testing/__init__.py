"""Behavioural conformance kit and fakes for plugin tests (in the style of ``trio.testing``).

:mod:`kozmo_io.conformance` judges the shape of a class; this kit judges what its objects *do*.
Each ``check_*`` function takes a **factory** and calls it as ``factory(store, paths)`` for every
scenario: ``store`` is a fresh in-memory :class:`~kozmo_io.storage.BlobStore` (wrapped in a
:class:`~kozmo_io.storage.CountingStore`) already holding the scenario's files, ``paths`` the kit's
path holder (:class:`~kozmo_io.ioutils.SimpleInputFilePaths` or
:class:`~kozmo_io.ioutils.CheckpointRemoteFilePaths` under ``memory://kozmo-kit/...``). The factory
returns the object under test, or an awaitable of it. The reference constructors fit as they are::

    from kozmo_io.ioutils import RemoteFileOutputReader
    from kozmo_io.testing import check_output_reader

    check_output_reader(RemoteFileOutputReader)
    check_output_reader(lambda store, paths: MyReader(store, paths, retries=0))

Every check first runs the runtime conformance check (:func:`kozmo_io.conformance.check`) on the
first object built, then every scenario, collecting every problem: it raises
:class:`~kozmo_io.errors.ConformanceError` (``.problems``, ``.report``: a
:class:`~kozmo_io.conformance.ConformanceReport` with checks ``runtime`` and ``behaviour``) or
returns the report. Problems found by the scenarios have rule ``behaviour`` and read
``<Class>.<member>() <situation>: expected <...>, found <...>``. A call that takes longer than
``call_timeout`` seconds counts as a problem. Nothing here imports pytest: the checks work in any
test runner, a script or a REPL. ``check_*`` run their own event loop; inside a running loop
await the ``acheck_*`` variants instead.

:func:`check_blob_store` judges a :class:`~kozmo_io.storage.BlobStore` the same way; its
factory takes no argument, and ``root`` names where in the store the kit may write::

    from kozmo_io.storage import MemoryBlobStore
    from kozmo_io.testing import check_blob_store

    check_blob_store(MemoryBlobStore, root="memory://kit")
    check_blob_store(lambda: MyStore("bucket"), root="my://bucket/ci/store-check")

Fakes for a plugin's own tests: :func:`memory_store`, :class:`ScriptedInputReader`,
:class:`ScriptedOutputReader` (records calls) and :class:`RecordingOutputWriter` (records
:class:`RecordedPut` values), each satisfying its protocol; and :class:`FaultyStore`, a store
wrapper that injects errors, timeouts and truncated reads at seeded rates (:class:`Faults`), to
prove a plugin survives a failing store.

Import every name from ``kozmo_io.testing`` itself: its modules are private (``_checks``,
``_fakes``, ``_faults``...) and may be reorganised.

``import kozmo_io`` never imports this package.
"""

from __future__ import annotations

from kozmo_io.testing._checks import BlobStoreFactory as BlobStoreFactory
from kozmo_io.testing._checks import InputFilePathsFactory as InputFilePathsFactory
from kozmo_io.testing._checks import InputReaderFactory as InputReaderFactory
from kozmo_io.testing._checks import OutputFilePathsFactory as OutputFilePathsFactory
from kozmo_io.testing._checks import OutputReaderFactory as OutputReaderFactory
from kozmo_io.testing._checks import OutputWriterFactory as OutputWriterFactory
from kozmo_io.testing._checks import acheck_blob_store as acheck_blob_store
from kozmo_io.testing._checks import acheck_input_file_paths as acheck_input_file_paths
from kozmo_io.testing._checks import acheck_input_reader as acheck_input_reader
from kozmo_io.testing._checks import acheck_output_file_paths as acheck_output_file_paths
from kozmo_io.testing._checks import acheck_output_reader as acheck_output_reader
from kozmo_io.testing._checks import acheck_output_writer as acheck_output_writer
from kozmo_io.testing._checks import check_blob_store as check_blob_store
from kozmo_io.testing._checks import check_input_file_paths as check_input_file_paths
from kozmo_io.testing._checks import check_input_reader as check_input_reader
from kozmo_io.testing._checks import check_output_file_paths as check_output_file_paths
from kozmo_io.testing._checks import check_output_reader as check_output_reader
from kozmo_io.testing._checks import check_output_writer as check_output_writer
from kozmo_io.testing._fakes import RecordedPut as RecordedPut
from kozmo_io.testing._fakes import RecordingOutputWriter as RecordingOutputWriter
from kozmo_io.testing._fakes import ScriptedInputReader as ScriptedInputReader
from kozmo_io.testing._fakes import ScriptedOutputReader as ScriptedOutputReader
from kozmo_io.testing._fakes import memory_store as memory_store
from kozmo_io.testing._faults import FaultCounts as FaultCounts
from kozmo_io.testing._faults import Faults as Faults
from kozmo_io.testing._faults import FaultyStore as FaultyStore
from kozmo_io.testing._stores import BLOB_STORE_CHECKS as BLOB_STORE_CHECKS

__all__ = (
    "BLOB_STORE_CHECKS",
    "BlobStoreFactory",
    "FaultCounts",
    "Faults",
    "FaultyStore",
    "InputFilePathsFactory",
    "InputReaderFactory",
    "OutputFilePathsFactory",
    "OutputReaderFactory",
    "OutputWriterFactory",
    "RecordedPut",
    "RecordingOutputWriter",
    "ScriptedInputReader",
    "ScriptedOutputReader",
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
    "memory_store",
)
