"""Reference implementations of the kozmo_io protocols, one small module each.

Each module copies alone: it imports only kozmo_io's public values (:mod:`kozmo_io.reference`,
:mod:`kozmo_io.task_files`, :mod:`kozmo_io.execution_error`, :mod:`kozmo_io.errors`,
:mod:`kozmo_io.generations`), messages (:mod:`kozmo_io.core`), protocols
(:mod:`kozmo_io.protocols`) and storage (:mod:`kozmo_io.storage`), never another ioutils module
and never a private ``_name``, so a plugin author can copy one file into their project and adapt
it. What plugin authors use is re-exported here; Go-port details (alphabet generation, hash
variants, the rarer file names) stay importable from their modules.
"""

from __future__ import annotations

from kozmo_io.ioutils.buffered_output_writer import BufferedOutputWriter as BufferedOutputWriter
from kozmo_io.ioutils.cached_input_reader import CachedInputReader as CachedInputReader
from kozmo_io.ioutils.earliest_error_reader import EarliestErrorReader as EarliestErrorReader
from kozmo_io.ioutils.file_names import get_task_template_path as get_task_template_path
from kozmo_io.ioutils.in_memory_output_reader import InMemoryOutputReader as InMemoryOutputReader
from kozmo_io.ioutils.input_file_paths import SimpleInputFilePaths as SimpleInputFilePaths
from kozmo_io.ioutils.output_file_paths import (
    CheckpointRemoteFilePaths as CheckpointRemoteFilePaths,
)
from kozmo_io.ioutils.output_file_paths import ReadOnlyOutputFilePaths as ReadOnlyOutputFilePaths
from kozmo_io.ioutils.output_file_paths import RemoteFileOutputPaths as RemoteFileOutputPaths
from kozmo_io.ioutils.raw_output_paths import PrecomputedRawOutputPaths as PrecomputedRawOutputPaths
from kozmo_io.ioutils.raw_output_paths import (
    deterministic_unique_raw_output_path as deterministic_unique_raw_output_path,
)
from kozmo_io.ioutils.raw_output_paths import (
    sharded_deterministic_raw_output_path as sharded_deterministic_raw_output_path,
)
from kozmo_io.ioutils.raw_output_paths import sharded_raw_output_path as sharded_raw_output_path
from kozmo_io.ioutils.raw_output_paths import task_id_raw_output_path as task_id_raw_output_path
from kozmo_io.ioutils.remote_file_input_reader import RemoteFileInputReader as RemoteFileInputReader
from kozmo_io.ioutils.remote_file_input_writer import RemoteFileInputWriter as RemoteFileInputWriter
from kozmo_io.ioutils.remote_file_output_reader import (
    RemoteFileOutputReader as RemoteFileOutputReader,
)
from kozmo_io.ioutils.remote_file_output_writer import (
    RemoteFileOutputWriter as RemoteFileOutputWriter,
)
from kozmo_io.ioutils.shard_selector import PrecomputedShardSelector as PrecomputedShardSelector
from kozmo_io.ioutils.shard_selector import (
    base36_prefix_shard_selector as base36_prefix_shard_selector,
)
from kozmo_io.ioutils.shard_selector import constant_shard_selector as constant_shard_selector
from kozmo_io.ioutils.stream_outputs import OutcomeKind as OutcomeKind
from kozmo_io.ioutils.stream_outputs import OutputOutcome as OutputOutcome
from kozmo_io.ioutils.stream_outputs import read_outputs_many as read_outputs_many
from kozmo_io.ioutils.stream_outputs import stream_outputs as stream_outputs
from kozmo_io.ioutils.stream_outputs import stream_reads as stream_reads
from kozmo_io.ioutils.task_folders import TaskFolder as TaskFolder
from kozmo_io.ioutils.task_folders import list_task_folders as list_task_folders
from kozmo_io.ioutils.task_reader import LazyUploadingTaskReader as LazyUploadingTaskReader
from kozmo_io.ioutils.unique_id import fixed_length_unique_id as fixed_length_unique_id
from kozmo_io.ioutils.unique_id import (
    fixed_length_unique_id_for_parts as fixed_length_unique_id_for_parts,
)

__all__ = (
    "BufferedOutputWriter",
    "CachedInputReader",
    "CheckpointRemoteFilePaths",
    "EarliestErrorReader",
    "InMemoryOutputReader",
    "LazyUploadingTaskReader",
    "OutcomeKind",
    "OutputOutcome",
    "PrecomputedRawOutputPaths",
    "PrecomputedShardSelector",
    "ReadOnlyOutputFilePaths",
    "RemoteFileInputReader",
    "RemoteFileInputWriter",
    "RemoteFileOutputPaths",
    "RemoteFileOutputReader",
    "RemoteFileOutputWriter",
    "SimpleInputFilePaths",
    "TaskFolder",
    "base36_prefix_shard_selector",
    "constant_shard_selector",
    "deterministic_unique_raw_output_path",
    "fixed_length_unique_id",
    "fixed_length_unique_id_for_parts",
    "get_task_template_path",
    "list_task_folders",
    "read_outputs_many",
    "sharded_deterministic_raw_output_path",
    "sharded_raw_output_path",
    "stream_outputs",
    "stream_reads",
    "task_id_raw_output_path",
)
