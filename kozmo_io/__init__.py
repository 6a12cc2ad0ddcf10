"""kozmo_io: typed contracts for a Kozmo task plugin's inputs, outputs and errors.

The protocols (:mod:`kozmo_io.protocols`) say what a reader or writer must look like; the values
(:class:`DataReference`, :class:`ExecutionError`) are what flows through them, and
:mod:`kozmo_io.literals` turns Python values into literals and back; the exception tree
(:mod:`kozmo_io.errors`) is what they raise. Storage lives in :mod:`kozmo_io.storage`, the
reference implementations in :mod:`kozmo_io.ioutils`, the conformance checks in
:mod:`kozmo_io.conformance` and the behavioural kit for plugin tests in :mod:`kozmo_io.testing`
(imported on demand only).
"""

from __future__ import annotations

from kozmo_io.errors import ConformanceError as ConformanceError
from kozmo_io.errors import CorruptDataError as CorruptDataError
from kozmo_io.errors import DuplicateNameError as DuplicateNameError
from kozmo_io.errors import InvalidArgumentError as InvalidArgumentError
from kozmo_io.errors import InvalidReferenceError as InvalidReferenceError
from kozmo_io.errors import KozmoIOError as KozmoIOError
from kozmo_io.errors import LiteralConversionError as LiteralConversionError
from kozmo_io.errors import NotFoundError as NotFoundError
from kozmo_io.errors import NothingToWriteError as NothingToWriteError
from kozmo_io.errors import PayloadTooLargeError as PayloadTooLargeError
from kozmo_io.errors import StorageError as StorageError
from kozmo_io.execution_error import ErrorKind as ErrorKind
from kozmo_io.execution_error import ExecutionError as ExecutionError
from kozmo_io.execution_error import GpuFault as GpuFault
from kozmo_io.execution_error import GpuFaultKind as GpuFaultKind
from kozmo_io.execution_error import GpuFaultSeverity as GpuFaultSeverity
from kozmo_io.literals import BlobRef as BlobRef
from kozmo_io.literals import StructuredDatasetRef as StructuredDatasetRef
from kozmo_io.literals import from_literal as from_literal
from kozmo_io.literals import from_literal_map as from_literal_map
from kozmo_io.literals import to_literal as to_literal
from kozmo_io.literals import to_literal_map as to_literal_map
from kozmo_io.protocols import CheckpointPaths as CheckpointPaths
from kozmo_io.protocols import ErrorReader as ErrorReader
from kozmo_io.protocols import InputFilePaths as InputFilePaths
from kozmo_io.protocols import InputReader as InputReader
from kozmo_io.protocols import OrderedInputReader as OrderedInputReader
from kozmo_io.protocols import OrderedOutputReader as OrderedOutputReader
from kozmo_io.protocols import OutputFilePaths as OutputFilePaths
from kozmo_io.protocols import OutputReader as OutputReader
from kozmo_io.protocols import OutputWriter as OutputWriter
from kozmo_io.protocols import RawOutputPaths as RawOutputPaths
from kozmo_io.protocols import ShardSelector as ShardSelector
from kozmo_io.protocols import SimpleTaskReader as SimpleTaskReader
from kozmo_io.reference import DataReference as DataReference
from kozmo_io.reference import construct_reference as construct_reference

__all__ = (
    "BlobRef",
    "CheckpointPaths",
    "ConformanceError",
    "CorruptDataError",
    "DataReference",
    "DuplicateNameError",
    "ErrorKind",
    "ErrorReader",
    "ExecutionError",
    "GpuFault",
    "GpuFaultKind",
    "GpuFaultSeverity",
    "InputFilePaths",
    "InputReader",
    "InvalidArgumentError",
    "InvalidReferenceError",
    "KozmoIOError",
    "LiteralConversionError",
    "NotFoundError",
    "NothingToWriteError",
    "OrderedInputReader",
    "OrderedOutputReader",
    "OutputFilePaths",
    "OutputReader",
    "OutputWriter",
    "PayloadTooLargeError",
    "RawOutputPaths",
    "ShardSelector",
    "SimpleTaskReader",
    "StorageError",
    "StructuredDatasetRef",
    "construct_reference",
    "from_literal",
    "from_literal_map",
    "to_literal",
    "to_literal_map",
)

__version__ = "0.1.0"
