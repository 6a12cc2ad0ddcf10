"""Protobuf messages a task reads and writes, wire-compatible with the engine's two generations.

The first generation (``flyteidl.core``) stores a task's inputs and outputs as a
:class:`LiteralMap`; the second (``flyteidl2``) as :class:`Inputs` and :class:`Outputs`: ordered
:class:`NamedLiteral` lists, with the run's context (:class:`KeyValuePair`) and the artifacts the
task produced (:class:`ProducedArtifact`). A ``NamedLiteral`` is encoded exactly like a
``LiteralMap`` entry, so either message decodes either file. Every message keeps flyteidl's field
numbers, names, types and enum values, so bytes written by either side parse on the other; fields
this package does not declare survive a round trip as unknown fields. Nested enums are reached
through their message, e.g. ``ExecutionError.ErrorKind.USER`` or ``GpuFault.Kind.KIND_XID``. The
generated modules keep flyteidl's module names (``literals_pb2``, ``types_pb2``, ``execution_pb2``,
``errors_pb2``, ``identifier_pb2``; ``artifact_id_pb2`` as in ``flyteidl2.core`` and
``common_pb2`` as in ``flyteidl2.task``).
"""

from __future__ import annotations

from kozmo_io.core.artifact_id_pb2 import ArtifactBindingData as ArtifactBindingData
from kozmo_io.core.artifact_id_pb2 import ArtifactCard as ArtifactCard
from kozmo_io.core.artifact_id_pb2 import ArtifactInfo as ArtifactInfo
from kozmo_io.core.artifact_id_pb2 import ArtifactKey as ArtifactKey
from kozmo_io.core.artifact_id_pb2 import ArtifactVersionId as ArtifactVersionId
from kozmo_io.core.artifact_id_pb2 import Granularity as Granularity
from kozmo_io.core.artifact_id_pb2 import InputBindingData as InputBindingData
from kozmo_io.core.artifact_id_pb2 import LabelValue as LabelValue
from kozmo_io.core.artifact_id_pb2 import Operator as Operator
from kozmo_io.core.artifact_id_pb2 import Partitions as Partitions
from kozmo_io.core.artifact_id_pb2 import RuntimeBinding as RuntimeBinding
from kozmo_io.core.artifact_id_pb2 import TimePartition as TimePartition
from kozmo_io.core.artifact_id_pb2 import TimeTransform as TimeTransform
from kozmo_io.core.common_pb2 import Inputs as Inputs
from kozmo_io.core.common_pb2 import NamedLiteral as NamedLiteral
from kozmo_io.core.common_pb2 import Outputs as Outputs
from kozmo_io.core.common_pb2 import ProducedArtifact as ProducedArtifact
from kozmo_io.core.execution_pb2 import ContainerError as ContainerError
from kozmo_io.core.execution_pb2 import ErrorDocument as ErrorDocument
from kozmo_io.core.execution_pb2 import ExecutionError as ExecutionError
from kozmo_io.core.execution_pb2 import GpuFault as GpuFault
from kozmo_io.core.identifier_pb2 import Identifier as Identifier
from kozmo_io.core.identifier_pb2 import NodeExecutionIdentifier as NodeExecutionIdentifier
from kozmo_io.core.identifier_pb2 import ResourceType as ResourceType
from kozmo_io.core.identifier_pb2 import TaskExecutionIdentifier as TaskExecutionIdentifier
from kozmo_io.core.identifier_pb2 import WorkflowExecutionIdentifier as WorkflowExecutionIdentifier
from kozmo_io.core.literals_pb2 import Binary as Binary
from kozmo_io.core.literals_pb2 import Blob as Blob
from kozmo_io.core.literals_pb2 import BlobMetadata as BlobMetadata
from kozmo_io.core.literals_pb2 import KeyValuePair as KeyValuePair
from kozmo_io.core.literals_pb2 import Literal as Literal
from kozmo_io.core.literals_pb2 import LiteralCollection as LiteralCollection
from kozmo_io.core.literals_pb2 import LiteralMap as LiteralMap
from kozmo_io.core.literals_pb2 import LiteralOffloadedMetadata as LiteralOffloadedMetadata
from kozmo_io.core.literals_pb2 import Primitive as Primitive
from kozmo_io.core.literals_pb2 import Scalar as Scalar
from kozmo_io.core.literals_pb2 import Schema as Schema
from kozmo_io.core.literals_pb2 import StructuredDataset as StructuredDataset
from kozmo_io.core.literals_pb2 import StructuredDatasetMetadata as StructuredDatasetMetadata
from kozmo_io.core.literals_pb2 import Union as Union
from kozmo_io.core.literals_pb2 import Void as Void
from kozmo_io.core.types_pb2 import BlobType as BlobType
from kozmo_io.core.types_pb2 import EnumType as EnumType
from kozmo_io.core.types_pb2 import Error as Error
from kozmo_io.core.types_pb2 import LiteralType as LiteralType
from kozmo_io.core.types_pb2 import SchemaType as SchemaType
from kozmo_io.core.types_pb2 import SimpleType as SimpleType
from kozmo_io.core.types_pb2 import StructuredDatasetType as StructuredDatasetType
from kozmo_io.core.types_pb2 import TypeAnnotation as TypeAnnotation
from kozmo_io.core.types_pb2 import TypeStructure as TypeStructure
from kozmo_io.core.types_pb2 import UnionType as UnionType

__all__ = (
    "ArtifactBindingData",
    "ArtifactCard",
    "ArtifactInfo",
    "ArtifactKey",
    "ArtifactVersionId",
    "Binary",
    "Blob",
    "BlobMetadata",
    "BlobType",
    "ContainerError",
    "EnumType",
    "Error",
    "ErrorDocument",
    "ExecutionError",
    "GpuFault",
    "Granularity",
    "Identifier",
    "InputBindingData",
    "Inputs",
    "KeyValuePair",
    "LabelValue",
    "Literal",
    "LiteralCollection",
    "LiteralMap",
    "LiteralOffloadedMetadata",
    "LiteralType",
    "NamedLiteral",
    "NodeExecutionIdentifier",
    "Operator",
    "Outputs",
    "Partitions",
    "Primitive",
    "ProducedArtifact",
    "ResourceType",
    "RuntimeBinding",
    "Scalar",
    "Schema",
    "SchemaType",
    "SimpleType",
    "StructuredDataset",
    "StructuredDatasetMetadata",
    "StructuredDatasetType",
    "TaskExecutionIdentifier",
    "TimePartition",
    "TimeTransform",
    "TypeAnnotation",
    "TypeStructure",
    "Union",
    "UnionType",
    "Void",
    "WorkflowExecutionIdentifier",
)
