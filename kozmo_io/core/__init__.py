"""Protobuf messages a task reads and writes, wire-compatible with ``flyteidl.core``.

Every message keeps flyteidl's field numbers, names, types and enum values, so bytes written by
either side parse on the other; fields this package does not declare survive a round trip as
unknown fields. Nested enums are reached through their message, e.g.
``ExecutionError.ErrorKind.USER`` or ``BlobType.BlobDimensionality.MULTIPART``. The generated
modules (``literals_pb2``, ``types_pb2``, ``execution_pb2``, ``errors_pb2``, ``identifier_pb2``)
keep flyteidl's module names.
"""

from __future__ import annotations

from kozmo_io.core.execution_pb2 import ContainerError as ContainerError
from kozmo_io.core.execution_pb2 import ErrorDocument as ErrorDocument
from kozmo_io.core.execution_pb2 import ExecutionError as ExecutionError
from kozmo_io.core.identifier_pb2 import Identifier as Identifier
from kozmo_io.core.identifier_pb2 import NodeExecutionIdentifier as NodeExecutionIdentifier
from kozmo_io.core.identifier_pb2 import ResourceType as ResourceType
from kozmo_io.core.identifier_pb2 import TaskExecutionIdentifier as TaskExecutionIdentifier
from kozmo_io.core.identifier_pb2 import WorkflowExecutionIdentifier as WorkflowExecutionIdentifier
from kozmo_io.core.literals_pb2 import Binary as Binary
from kozmo_io.core.literals_pb2 import Blob as Blob
from kozmo_io.core.literals_pb2 import BlobMetadata as BlobMetadata
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
    "Binary",
    "Blob",
    "BlobMetadata",
    "BlobType",
    "ContainerError",
    "EnumType",
    "Error",
    "ErrorDocument",
    "ExecutionError",
    "Identifier",
    "Literal",
    "LiteralCollection",
    "LiteralMap",
    "LiteralOffloadedMetadata",
    "LiteralType",
    "NodeExecutionIdentifier",
    "Primitive",
    "ResourceType",
    "Scalar",
    "Schema",
    "SchemaType",
    "SimpleType",
    "StructuredDataset",
    "StructuredDatasetMetadata",
    "StructuredDatasetType",
    "TaskExecutionIdentifier",
    "TypeAnnotation",
    "TypeStructure",
    "Union",
    "UnionType",
    "Void",
    "WorkflowExecutionIdentifier",
)
