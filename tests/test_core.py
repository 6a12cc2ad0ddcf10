from __future__ import annotations

import importlib
import math
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _support import varint
from google.protobuf import (
    descriptor,
    descriptor_pb2,
    descriptor_pool,
    json_format,
    message,
    message_factory,
    struct_pb2,
    text_format,
)
from google.protobuf.duration_pb2 import Duration
from google.protobuf.internal import api_implementation
from google.protobuf.timestamp_pb2 import Timestamp
from google.protobuf.unknown_fields import UnknownFieldSet
from hypothesis import given
from hypothesis import strategies as st

from kozmo_io import core
from kozmo_io.core import (
    artifact_id_pb2,
    common_pb2,
    errors_pb2,
    execution_pb2,
    identifier_pb2,
    literals_pb2,
    types_pb2,
)

ROOT = Path(__file__).resolve().parent.parent
OUR_FILES = (
    literals_pb2,
    types_pb2,
    execution_pb2,
    errors_pb2,
    identifier_pb2,
    artifact_id_pb2,
    common_pb2,
)
FLYTE_FILES = tuple(
    importlib.import_module(f"flyteidl.core.{name}_pb2")
    for name in ("literals", "types", "execution", "errors", "identifier")
)
FLYTE2_FILES = tuple(
    importlib.import_module(f"flyteidl2.{name}_pb2")
    for name in (
        "core.literals",
        "core.types",
        "core.execution",
        "core.identifier",
        "core.artifact_id",
        "task.common",
    )
)
# Declared in the flyteidl files we mirror but never read by task IO; each .proto header names them.
NOT_MIRRORED = frozenset(
    {
        "Binding",
        "BindingData",
        "BindingDataCollection",
        "BindingDataMap",
        "ContainerContext",
        "LogContext",
        "NodeExecution",
        "OutputReference",
        "PodLogContext",
        "PromiseAttribute",
        "QualityOfService",
        "QualityOfServiceSpec",
        "RetryStrategy",
        "SignalIdentifier",
        "TaskExecution",
        "TaskLog",
        "UnionInfo",
        "WorkflowExecution",
    }
)
# The same for the flyteidl2 files: the above, the artifact queries and the triggers.
NOT_MIRRORED_2 = NOT_MIRRORED | frozenset(
    {
        "ArtifactID",
        "ArtifactQuery",
        "ArtifactTag",
        "ArtifactTrigger",
        "Backoff",
        "ConnectorLogContext",
        "Cron",
        "FixedRate",
        "FixedRateUnit",
        "NamedParameter",
        "OutputReferences",
        "Schedule",
        "TimeoutStrategy",
        "TriggerAutomationSpec",
        "TriggerAutomationSpecType",
    }
)
# Declared here for the second generation only: flyteidl v1's files do not have them.
SECOND_GENERATION_ONLY = frozenset(
    {
        "ArtifactBindingData",
        "ArtifactCard",
        "ArtifactInfo",
        "ArtifactKey",
        "ArtifactVersionId",
        "GpuFault",
        "Granularity",
        "InputBindingData",
        "Inputs",
        "LabelValue",
        "NamedLiteral",
        "Operator",
        "Outputs",
        "Partitions",
        "ProducedArtifact",
        "RuntimeBinding",
        "TimePartition",
        "TimeTransform",
    }
)
# Fields we declare that flyteidl v1 does not (all from flyteidl2), and those flyteidl2 lacks.
ADDITIONS = {"ExecutionError": frozenset({7, 8}), "Literal": frozenset({9})}
ADDITIONS_2 = {"ContainerError": frozenset({5, 6})}
OUR_MESSAGES = sorted({name for f in OUR_FILES for name in f.DESCRIPTOR.message_types_by_name})
OUR_ENUMS = sorted({name for f in OUR_FILES for name in f.DESCRIPTOR.enum_types_by_name})
GEN1_MESSAGES = sorted(set(OUR_MESSAGES) - SECOND_GENERATION_ONLY)
GEN1_ENUMS = sorted(set(OUR_ENUMS) - SECOND_GENERATION_ONLY)

TS = Timestamp(seconds=1_700_000_000, nanos=123_456_789)


# --- generated code -------------------------------------------------------------------------------


@pytest.mark.slow
def test_generated_code_matches_proto_sources() -> None:
    result = subprocess.run(  # noqa: S603 - fixed argv: the repository's own script
        [str(ROOT / "scripts" / "gen-protos"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_protobuf_runs_on_the_upb_backend() -> None:
    assert api_implementation.Type() == "upb"


def test_public_names_are_every_top_level_message_and_enum() -> None:
    assert list(core.__all__) == sorted(core.__all__)
    assert set(core.__all__) == set(OUR_MESSAGES) | set(OUR_ENUMS)
    for name in OUR_MESSAGES:
        assert getattr(core, name).DESCRIPTOR.full_name == f"kozmo.core.{name}"
    for name in OUR_ENUMS:
        assert getattr(core, name).DESCRIPTOR.full_name == f"kozmo.core.{name}"


def test_errors_module_reexports_the_error_messages_like_flyteidl_v1() -> None:
    assert errors_pb2.ContainerError is core.ContainerError
    assert errors_pb2.ErrorDocument is core.ErrorDocument


# --- descriptors ----------------------------------------------------------------------------------


def _normalized(desc: descriptor.Descriptor, drop: frozenset[int] = frozenset()) -> str:
    """Render a message descriptor without its package and with fields in number order."""
    proto = descriptor_pb2.DescriptorProto()
    desc.CopyToProto(proto)
    _normalize(proto, drop)
    return text_format.MessageToString(proto)


def _normalize(proto: descriptor_pb2.DescriptorProto, drop: frozenset[int]) -> None:
    fields = [
        descriptor_pb2.FieldDescriptorProto.FromString(f.SerializeToString())
        for f in sorted(proto.field, key=lambda f: f.number)
        if f.number not in drop
    ]
    for field in fields:
        # flyteidl's descriptors spell json_name out, protoc's omit it; it is compared as computed.
        field.ClearField("json_name")
        # flyteidl2's validation rules (buf.validate) constrain values, not the encoding.
        field.ClearField("options")
        for package in (".flyteidl.core.", ".flyteidl2.core.", ".flyteidl2.task.", ".kozmo.core."):
            field.type_name = field.type_name.replace(package, ".")
    del proto.field[:]
    proto.field.extend(fields)
    for nested in proto.nested_type:
        _normalize(nested, frozenset())


def _flyte_descriptor(name: str) -> descriptor.Descriptor:
    return descriptor_pool.Default().FindMessageTypeByName(f"flyteidl.core.{name}")


def _flyte2_name(name: str) -> str:
    package = "task" if name in common_pb2.DESCRIPTOR.message_types_by_name else "core"
    return f"flyteidl2.{package}.{name}"


def _flyte2_descriptor(name: str) -> descriptor.Descriptor:
    return descriptor_pool.Default().FindMessageTypeByName(_flyte2_name(name))


def _declared(files: tuple[Any, ...]) -> set[str]:
    return {
        n
        for f in files
        for n in (*f.DESCRIPTOR.message_types_by_name, *f.DESCRIPTOR.enum_types_by_name)
    }


def test_we_declare_what_flyteidl_declares_except_documented_omissions() -> None:
    flyte = _declared(FLYTE_FILES)
    ours = set(OUR_MESSAGES) | set(OUR_ENUMS)
    assert ours - flyte == SECOND_GENERATION_ONLY
    assert flyte - ours == NOT_MIRRORED


def test_we_declare_what_flyteidl2_declares_except_documented_omissions() -> None:
    flyte2 = _declared(FLYTE2_FILES)
    ours = set(OUR_MESSAGES) | set(OUR_ENUMS)
    assert ours <= flyte2
    assert flyte2 - ours == NOT_MIRRORED_2


@pytest.mark.parametrize("name", GEN1_MESSAGES)
def test_message_descriptor_matches_flyteidl(name: str) -> None:
    ours = getattr(core, name).DESCRIPTOR
    theirs = _flyte_descriptor(name)
    assert _normalized(ours, ADDITIONS.get(name, frozenset())) == _normalized(theirs)
    assert {f.number: f.json_name for f in theirs.fields} == {
        f.number: f.json_name for f in ours.fields if f.number in theirs.fields_by_number
    }


@pytest.mark.parametrize("name", OUR_MESSAGES)
def test_message_descriptor_matches_flyteidl2(name: str) -> None:
    ours = getattr(core, name).DESCRIPTOR
    theirs = _flyte2_descriptor(name)
    assert _normalized(ours, ADDITIONS_2.get(name, frozenset())) == _normalized(theirs)
    assert {f.number: f.json_name for f in theirs.fields} == {
        f.number: f.json_name for f in ours.fields if f.number in theirs.fields_by_number
    }


@pytest.mark.parametrize("name", GEN1_ENUMS)
def test_enum_descriptor_matches_flyteidl(name: str) -> None:
    ours = descriptor_pb2.EnumDescriptorProto()
    theirs = descriptor_pb2.EnumDescriptorProto()
    getattr(core, name).DESCRIPTOR.CopyToProto(ours)
    descriptor_pool.Default().FindEnumTypeByName(f"flyteidl.core.{name}").CopyToProto(theirs)
    assert ours == theirs


@pytest.mark.parametrize("name", OUR_ENUMS)
def test_enum_descriptor_matches_flyteidl2(name: str) -> None:
    ours = descriptor_pb2.EnumDescriptorProto()
    theirs = descriptor_pb2.EnumDescriptorProto()
    getattr(core, name).DESCRIPTOR.CopyToProto(ours)
    descriptor_pool.Default().FindEnumTypeByName(f"flyteidl2.core.{name}").CopyToProto(theirs)
    assert ours == theirs


def test_execution_error_adds_flyteidl2_recoverability_and_gpu_fault() -> None:
    recoverability = core.ExecutionError.DESCRIPTOR.fields_by_number[7]
    assert recoverability.name == "recoverability"
    assert recoverability.enum_type is not None
    assert recoverability.enum_type.full_name == "kozmo.core.ContainerError.Kind"
    gpu_fault = core.ExecutionError.DESCRIPTOR.fields_by_number[8]
    assert gpu_fault.name == "gpu_fault"
    assert gpu_fault.message_type is core.GpuFault.DESCRIPTOR
    assert set(core.ExecutionError.DESCRIPTOR.fields_by_number) == {1, 2, 3, 4, 5, 6, 7, 8}


def test_literal_adds_flyteidl2_artifact_id() -> None:
    field = core.Literal.DESCRIPTOR.fields_by_number[9]
    assert field.name == "artifact_id"
    assert field.message_type is core.ArtifactVersionId.DESCRIPTOR


# --- wire round trips -----------------------------------------------------------------------------


def _flyte_class(ours: message.Message, generation: int = 1) -> type[message.Message]:
    name = ours.DESCRIPTOR.full_name.removeprefix("kozmo.core.")
    found = _flyte_descriptor(name) if generation == 1 else _flyte2_descriptor(name)
    return message_factory.GetMessageClass(found)


def assert_wire_compatible(ours: message.Message, *, generations: tuple[int, ...] = (1, 2)) -> None:
    """Build the flyteidl (and flyteidl2) twin of ``ours`` and cross-parse both encodings."""
    for generation in generations:
        _assert_wire_compatible(ours, _flyte_class(ours, generation))


def _assert_wire_compatible(ours: message.Message, flyte_cls: type[message.Message]) -> None:
    ours_wire = ours.SerializeToString(deterministic=True)
    theirs = json_format.ParseDict(json_format.MessageToDict(ours), flyte_cls())
    theirs_wire = theirs.SerializeToString(deterministic=True)
    assert ours_wire == theirs_wire

    parsed_by_flyte = flyte_cls.FromString(ours_wire)
    assert parsed_by_flyte == theirs
    assert json_format.MessageToDict(parsed_by_flyte) == json_format.MessageToDict(ours)
    assert parsed_by_flyte.SerializeToString(deterministic=True) == ours_wire

    parsed_by_us = type(ours).FromString(theirs_wire)
    assert parsed_by_us == ours
    assert json_format.MessageToDict(parsed_by_us) == json_format.MessageToDict(theirs)
    assert parsed_by_us.SerializeToString(deterministic=True) == theirs_wire


def _lit(scalar: core.Scalar) -> core.Literal:
    return core.Literal(scalar=scalar)


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(value)
    return result


INT_TYPE = core.LiteralType(simple=core.SimpleType.INTEGER)
STR_TYPE = core.LiteralType(simple=core.SimpleType.STRING)
CSV = core.BlobType(format="csv", dimensionality=core.BlobType.SINGLE)
PARQUET_DIR = core.BlobType(format="parquet", dimensionality=core.BlobType.MULTIPART)
DATASET_TYPE = core.StructuredDatasetType(
    columns=[
        core.StructuredDatasetType.DatasetColumn(name="a", literal_type=INT_TYPE),
        core.StructuredDatasetType.DatasetColumn(
            name="b", literal_type=core.LiteralType(collection_type=STR_TYPE)
        ),
    ],
    format="parquet",
    external_schema_type="arrow",
    external_schema_bytes=b"\x00\xffschema",
)
RICH_TYPE = core.LiteralType(
    map_value_type=core.LiteralType(
        union_type=core.UnionType(
            variants=[
                INT_TYPE,
                core.LiteralType(blob=PARQUET_DIR),
                core.LiteralType(enum_type=core.EnumType(values=["red", "green"])),
                core.LiteralType(structured_dataset_type=DATASET_TYPE),
                core.LiteralType(
                    schema=core.SchemaType(
                        columns=[
                            core.SchemaType.SchemaColumn(
                                name="t", type=core.SchemaType.SchemaColumn.DATETIME
                            )
                        ]
                    )
                ),
                core.LiteralType(simple=core.SimpleType.NONE),
            ]
        )
    ),
    metadata=_struct({"origin": "sdk", "version": 2}),
    annotation=core.TypeAnnotation(annotations=_struct({"cache": True})),
    structure=core.TypeStructure(tag="dc", dataclass_type={"x": INT_TYPE, "y": STR_TYPE}),
)

LITERALS = {
    "integer": _lit(core.Scalar(primitive=core.Primitive(integer=-(2**63)))),
    "integer-zero": _lit(core.Scalar(primitive=core.Primitive(integer=0))),
    "float": _lit(core.Scalar(primitive=core.Primitive(float_value=-1.5e300))),
    "float-inf": _lit(core.Scalar(primitive=core.Primitive(float_value=math.inf))),
    "string": _lit(core.Scalar(primitive=core.Primitive(string_value="héllo \u2603 \x00"))),
    "boolean-false": _lit(core.Scalar(primitive=core.Primitive(boolean=False))),
    "datetime": _lit(core.Scalar(primitive=core.Primitive(datetime=TS))),
    "datetime-before-epoch": _lit(
        core.Scalar(primitive=core.Primitive(datetime=Timestamp(seconds=-62135596800)))
    ),
    "duration": _lit(
        core.Scalar(primitive=core.Primitive(duration=Duration(seconds=-3, nanos=-500)))
    ),
    "blob-single": _lit(
        core.Scalar(
            blob=core.Blob(metadata=core.BlobMetadata(type=CSV), uri="s3://bucket/data.csv")
        )
    ),
    "blob-multipart": _lit(
        core.Scalar(
            blob=core.Blob(metadata=core.BlobMetadata(type=PARQUET_DIR), uri="gs://bucket/dir/")
        )
    ),
    "binary": _lit(core.Scalar(binary=core.Binary(value=bytes(range(256)), tag="msgpack"))),
    "schema": _lit(
        core.Scalar(
            schema=core.Schema(
                uri="s3://b/schema",
                type=core.SchemaType(
                    columns=[
                        core.SchemaType.SchemaColumn(
                            name="i", type=core.SchemaType.SchemaColumn.INTEGER
                        ),
                        core.SchemaType.SchemaColumn(
                            name="d", type=core.SchemaType.SchemaColumn.DURATION
                        ),
                    ]
                ),
            )
        )
    ),
    "union": _lit(
        core.Scalar(
            union=core.Union(
                value=_lit(core.Scalar(primitive=core.Primitive(integer=7))),
                type=core.LiteralType(union_type=core.UnionType(variants=[INT_TYPE, STR_TYPE])),
            )
        )
    ),
    "structured-dataset": _lit(
        core.Scalar(
            structured_dataset=core.StructuredDataset(
                uri="s3://b/sd/",
                metadata=core.StructuredDatasetMetadata(structured_dataset_type=DATASET_TYPE),
            )
        )
    ),
    "structured-dataset-in-memory": _lit(core.Scalar(structured_dataset=core.StructuredDataset())),
    "void": _lit(core.Scalar(none_type=core.Void())),
    "error": _lit(core.Scalar(error=core.Error(failed_node_id="n0", message="upstream failed"))),
    "generic": _lit(
        core.Scalar(
            generic=_struct(
                {"a": 1.5, "b": [True, None, "x", {"c": []}], "d": {}, "e": -0.0, "f": "😀"}
            )
        )
    ),
    "offloaded": core.Literal(
        offloaded_metadata=core.LiteralOffloadedMetadata(
            uri="s3://b/offloaded.pb", size_bytes=2**64 - 1, inferred_type=RICH_TYPE
        )
    ),
    "hash-and-metadata": core.Literal(
        scalar=core.Scalar(primitive=core.Primitive(string_value="x")),
        hash="sha256:abc",
        metadata={"k": "v", "": "empty key", "z": ""},
    ),
    "nested": core.Literal(
        collection=core.LiteralCollection(
            literals=[
                core.Literal(
                    map=core.LiteralMap(
                        literals={
                            "inner": core.Literal(
                                collection=core.LiteralCollection(
                                    literals=[
                                        _lit(core.Scalar(primitive=core.Primitive(integer=1))),
                                        core.Literal(map=core.LiteralMap()),
                                    ]
                                )
                            ),
                            "": core.Literal(),
                        }
                    )
                ),
                core.Literal(collection=core.LiteralCollection()),
            ]
        )
    ),
    "empty": core.Literal(),
}


@pytest.mark.parametrize("name", sorted(LITERALS))
def test_literal_kind_crosses_the_wire_both_ways(name: str) -> None:
    assert_wire_compatible(LITERALS[name])


def test_literal_map_of_every_kind_crosses_the_wire_both_ways() -> None:
    assert_wire_compatible(core.LiteralMap(literals=LITERALS))


def test_literal_type_family_crosses_the_wire_both_ways() -> None:
    assert_wire_compatible(RICH_TYPE)


def test_empty_literal_map_is_zero_bytes_on_both_sides() -> None:
    assert core.LiteralMap().SerializeToString() == b""
    assert_wire_compatible(core.LiteralMap())


def test_error_document_crosses_the_wire_both_ways() -> None:
    doc = core.ErrorDocument(
        error=core.ContainerError(
            code="OOMKilled",
            message="Traceback ...\n",
            kind=core.ContainerError.RECOVERABLE,
            origin=core.ExecutionError.USER,
            timestamp=TS,
            worker="worker-3",
        )
    )
    assert_wire_compatible(doc, generations=(1,))
    flyte_doc = _flyte_class(doc).FromString(doc.SerializeToString())
    assert json_format.MessageToDict(flyte_doc, preserving_proto_field_name=True) == {
        "error": {
            "code": "OOMKilled",
            "message": "Traceback ...\n",
            "kind": "RECOVERABLE",
            "origin": "USER",
            "timestamp": "2023-11-14T22:13:20.123456789Z",
            "worker": "worker-3",
        }
    }


def test_error_document_crosses_to_flyteidl2_which_keeps_timestamp_and_worker_unknown() -> None:
    doc = core.ErrorDocument(
        error=core.ContainerError(
            code="USER:Boom", kind=core.ContainerError.RECOVERABLE, origin=core.ExecutionError.USER
        )
    )
    assert_wire_compatible(doc, generations=(2,))
    doc.error.timestamp.CopyFrom(TS)
    doc.error.worker = "w-1"
    wire = doc.SerializeToString(deterministic=True)
    theirs = _flyte_class(doc, 2).FromString(wire)
    assert _unknown_numbers(getattr(theirs, "error")) == [5, 6]  # noqa: B009 - untyped message
    assert theirs.SerializeToString(deterministic=True) == wire


def test_execution_error_crosses_the_wire_both_ways() -> None:
    assert_wire_compatible(
        core.ExecutionError(
            code="USER:Failed",
            message="boom",
            error_uri="s3://b/error.pb",
            kind=core.ExecutionError.SYSTEM,
            timestamp=TS,
            worker="w-0",
        )
    )


def test_task_execution_identifier_crosses_the_wire_both_ways() -> None:
    assert_wire_compatible(
        core.TaskExecutionIdentifier(
            task_id=core.Identifier(
                resource_type=core.ResourceType.TASK,
                project="p",
                domain="d",
                name="t",
                version="v1",
                org="o",
            ),
            node_execution_id=core.NodeExecutionIdentifier(
                node_id="n0",
                execution_id=core.WorkflowExecutionIdentifier(
                    project="p", domain="d", name="exec", org="o"
                ),
            ),
            retry_attempt=2,
        )
    )


# --- unknown fields -------------------------------------------------------------------------------


def _unknown_numbers(msg: message.Message) -> list[int]:
    unknown = UnknownFieldSet(msg)
    return [unknown[i].field_number for i in range(len(unknown))]


def test_recoverability_survives_a_round_trip_through_flyteidl_v1() -> None:
    ours = core.ExecutionError(
        code="c",
        kind=core.ExecutionError.SYSTEM,
        recoverability=core.ContainerError.RECOVERABLE,
    )
    wire = ours.SerializeToString(deterministic=True)
    theirs = _flyte_class(ours).FromString(wire)
    assert _unknown_numbers(theirs) == [7]
    back_wire = theirs.SerializeToString(deterministic=True)
    assert back_wire == wire
    back = core.ExecutionError.FromString(back_wire)
    assert back.recoverability == core.ContainerError.RECOVERABLE
    assert back == ours


def test_unknown_fields_survive_a_round_trip_through_our_messages() -> None:
    known = _lit(core.Scalar(primitive=core.Primitive(integer=5))).SerializeToString()
    newer = varint(10 << 3 | 2) + varint(3) + b"new"  # a field a later engine may add
    far_away = varint(1000 << 3) + varint(42)
    wire = known + newer + far_away
    literal = core.Literal.FromString(wire)
    assert literal.scalar.primitive.integer == 5
    assert _unknown_numbers(literal) == [10, 1000]
    assert literal.SerializeToString(deterministic=True) == wire

    outer = core.LiteralMap()
    outer.literals["x"].CopyFrom(literal)
    nested = core.LiteralMap.FromString(outer.SerializeToString(deterministic=True))
    assert _unknown_numbers(nested.literals["x"]) == [10, 1000]
    assert nested.literals["x"].SerializeToString(deterministic=True) == wire


GPU_FAULT = core.GpuFault(
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
ARTIFACT_ID = core.ArtifactVersionId(
    key=core.ArtifactKey(project="p", domain="d", name="model", org="o"), version="v3"
)
PRODUCED = core.ProducedArtifact(
    output="o0",
    name="model",
    version="v3",
    info=core.ArtifactInfo(
        description="trained weights",
        user_metadata={"epochs": "3", "lr": "0.1"},
        card=core.ArtifactCard(uri="s3://b/card.md", format="md", type="model"),
    ),
    type=INT_TYPE,
    parent_artifacts=[ARTIFACT_ID],
    partitions=core.Partitions(
        value={
            "region": core.LabelValue(static_value="eu"),
            "day": core.LabelValue(time_value=TS),
            "from": core.LabelValue(input_binding=core.InputBindingData(var="x")),
            "now": core.LabelValue(runtime_binding=core.RuntimeBinding()),
            "bound": core.LabelValue(
                triggered_binding=core.ArtifactBindingData(
                    partition_key="k",
                    time_transform=core.TimeTransform(transform="P1D", op=core.Operator.MINUS),
                )
            ),
        }
    ),
    time_partition=core.TimePartition(
        value=core.LabelValue(time_value=TS), granularity=core.Granularity.DAY, key="ds"
    ),
)


def _named(**literals: core.Literal) -> list[core.NamedLiteral]:
    return [core.NamedLiteral(name=name, value=value) for name, value in literals.items()]


def test_gpu_fault_crosses_the_wire_to_flyteidl2_both_ways() -> None:
    assert_wire_compatible(GPU_FAULT, generations=(2,))
    assert_wire_compatible(
        core.ExecutionError(code="GPUFault", gpu_fault=GPU_FAULT), generations=(2,)
    )


def test_gpu_index_zero_is_present_and_unset_is_absent() -> None:
    assert core.GpuFault(gpu_index=0).HasField("gpu_index")
    assert not core.GpuFault().HasField("gpu_index")
    assert core.GpuFault(gpu_index=0).SerializeToString() == b"\x30\x00"


def test_gpu_fault_and_recoverability_survive_a_round_trip_through_flyteidl_v1() -> None:
    ours = core.ExecutionError(
        code="c",
        kind=core.ExecutionError.SYSTEM,
        recoverability=core.ContainerError.RECOVERABLE,
        gpu_fault=GPU_FAULT,
    )
    wire = ours.SerializeToString(deterministic=True)
    theirs = _flyte_class(ours).FromString(wire)
    assert _unknown_numbers(theirs) == [7, 8]
    back_wire = theirs.SerializeToString(deterministic=True)
    assert back_wire == wire
    back = core.ExecutionError.FromString(back_wire)
    assert back.gpu_fault == GPU_FAULT
    assert back == ours


def test_literal_artifact_id_crosses_the_wire_to_flyteidl2_and_survives_flyteidl_v1() -> None:
    literal = core.Literal(
        scalar=core.Scalar(primitive=core.Primitive(integer=1)), artifact_id=ARTIFACT_ID
    )
    assert_wire_compatible(literal, generations=(2,))
    wire = literal.SerializeToString(deterministic=True)
    theirs = _flyte_class(literal).FromString(wire)
    assert _unknown_numbers(theirs) == [9]
    assert theirs.SerializeToString(deterministic=True) == wire


def test_produced_artifact_crosses_the_wire_to_flyteidl2_both_ways() -> None:
    assert_wire_compatible(PRODUCED, generations=(2,))


def test_inputs_with_context_cross_the_wire_to_flyteidl2_both_ways() -> None:
    inputs = core.Inputs(
        literals=_named(z=LITERALS["integer"], a=LITERALS["string"], m=LITERALS["nested"]),
        context=[core.KeyValuePair(key="team", value="ml"), core.KeyValuePair(key="", value="")],
    )
    assert_wire_compatible(inputs, generations=(2,))


def test_outputs_with_artifacts_cross_the_wire_to_flyteidl2_both_ways() -> None:
    outputs = core.Outputs(
        literals=_named(o1=LITERALS["blob-single"], o0=LITERALS["offloaded"]),
        produced_artifacts=[PRODUCED],
    )
    assert_wire_compatible(outputs, generations=(2,))


@pytest.mark.parametrize("message_type", [core.Inputs, core.Outputs])
def test_second_generation_file_is_a_first_generation_literal_map_on_the_wire(
    message_type: type[core.Inputs | core.Outputs],
) -> None:
    named = message_type(literals=_named(b=LITERALS["integer"], a=LITERALS["union"]))
    wire = named.SerializeToString(deterministic=True)
    as_map = core.LiteralMap(literals={"b": LITERALS["integer"], "a": LITERALS["union"]})
    assert core.LiteralMap.FromString(wire) == as_map
    flyte_map = _flyte_class(as_map).FromString(wire)
    assert json_format.MessageToDict(flyte_map) == json_format.MessageToDict(as_map)
    # Same entries, in the order given instead of sorted.
    assert wire != as_map.SerializeToString(deterministic=True)
    assert message_type.FromString(as_map.SerializeToString(deterministic=True)).literals == list(
        reversed(named.literals)
    )


def test_context_and_produced_artifacts_survive_a_first_generation_literal_map() -> None:
    inputs = core.Inputs(
        literals=_named(a=LITERALS["integer"]), context=[core.KeyValuePair(key="k", value="v")]
    )
    outputs = core.Outputs(literals=_named(o0=LITERALS["integer"]), produced_artifacts=[PRODUCED])
    for named, unknown in ((inputs, [2]), (outputs, [3])):
        wire = named.SerializeToString(deterministic=True)
        as_map = core.LiteralMap.FromString(wire)
        assert _unknown_numbers(as_map) == unknown
        assert as_map.SerializeToString(deterministic=True) == wire


# --- generated literal maps -----------------------------------------------------------------------

_TEXT = st.text(max_size=6)
_JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=6,
)
_TIMESTAMPS = st.builds(
    Timestamp,
    seconds=st.integers(-62135596800, 253402300799),
    nanos=st.integers(0, 999_999_999),
)


def _duration(nanoseconds: int) -> Duration:
    sign = -1 if nanoseconds < 0 else 1
    seconds, nanos = divmod(abs(nanoseconds), 10**9)
    return Duration(seconds=sign * seconds, nanos=sign * nanos)


_DURATIONS = st.integers(-315576000000 * 10**9, 315576000000 * 10**9).map(_duration)
_PRIMITIVES = st.one_of(
    st.builds(core.Primitive, integer=st.integers(-(2**63), 2**63 - 1)),
    st.builds(core.Primitive, float_value=st.floats(allow_nan=False)),
    st.builds(core.Primitive, string_value=_TEXT),
    st.builds(core.Primitive, boolean=st.booleans()),
    st.builds(core.Primitive, datetime=_TIMESTAMPS),
    st.builds(core.Primitive, duration=_DURATIONS),
)
_BLOB_TYPES = st.builds(
    core.BlobType,
    format=_TEXT,
    dimensionality=st.sampled_from([core.BlobType.SINGLE, core.BlobType.MULTIPART]),
)
_LITERAL_TYPES = st.recursive(
    st.one_of(
        st.builds(core.LiteralType, simple=st.sampled_from(list(core.SimpleType.values()))),
        st.builds(core.LiteralType, blob=_BLOB_TYPES),
        st.builds(
            core.LiteralType, enum_type=st.builds(core.EnumType, values=st.lists(_TEXT, max_size=3))
        ),
    ),
    lambda inner: st.one_of(
        st.builds(core.LiteralType, collection_type=inner),
        st.builds(core.LiteralType, map_value_type=inner),
        st.builds(
            core.LiteralType,
            union_type=st.builds(core.UnionType, variants=st.lists(inner, max_size=3)),
        ),
    ),
    max_leaves=4,
)
_SCALARS = st.one_of(
    st.builds(core.Scalar, primitive=_PRIMITIVES),
    st.builds(
        core.Scalar,
        blob=st.builds(
            core.Blob, metadata=st.builds(core.BlobMetadata, type=_BLOB_TYPES), uri=_TEXT
        ),
    ),
    st.builds(core.Scalar, binary=st.builds(core.Binary, value=st.binary(max_size=8), tag=_TEXT)),
    st.builds(core.Scalar, none_type=st.just(core.Void())),
    st.builds(core.Scalar, error=st.builds(core.Error, failed_node_id=_TEXT, message=_TEXT)),
    st.builds(core.Scalar, generic=st.dictionaries(_TEXT, _JSON, max_size=3).map(_struct)),
    st.builds(
        core.Scalar,
        union=st.builds(
            core.Union,
            value=st.builds(core.Literal, scalar=st.builds(core.Scalar, primitive=_PRIMITIVES)),
            type=_LITERAL_TYPES,
        ),
    ),
    st.builds(
        core.Scalar,
        structured_dataset=st.builds(
            core.StructuredDataset,
            uri=_TEXT,
            metadata=st.builds(
                core.StructuredDatasetMetadata,
                structured_dataset_type=st.builds(core.StructuredDatasetType, format=_TEXT),
            ),
        ),
    ),
)
_LEAVES = st.one_of(
    st.builds(core.Literal, scalar=_SCALARS),
    st.builds(
        core.Literal,
        offloaded_metadata=st.builds(
            core.LiteralOffloadedMetadata,
            uri=_TEXT,
            size_bytes=st.integers(0, 2**64 - 1),
            inferred_type=_LITERAL_TYPES,
        ),
    ),
)


def _decorated(literal: core.Literal, hash_: str, metadata: dict[str, str]) -> core.Literal:
    literal.hash = hash_
    literal.metadata.update(metadata)
    return literal


_LITERALS = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.builds(
            core.Literal,
            collection=st.builds(core.LiteralCollection, literals=st.lists(inner, max_size=3)),
        ),
        st.builds(
            core.Literal,
            map=st.builds(core.LiteralMap, literals=st.dictionaries(_TEXT, inner, max_size=3)),
        ),
        st.builds(_decorated, inner, _TEXT, st.dictionaries(_TEXT, _TEXT, max_size=2)),
    ),
    max_leaves=10,
)


@given(st.dictionaries(_TEXT, _LITERALS, max_size=4))
def test_generated_literal_maps_cross_the_wire_both_ways(literals: dict[str, core.Literal]) -> None:
    assert_wire_compatible(core.LiteralMap(literals=literals))


@given(
    st.lists(st.tuples(_TEXT, _LITERALS), max_size=4),
    st.lists(st.tuples(_TEXT, _TEXT), max_size=3),
)
def test_generated_inputs_cross_the_wire_to_flyteidl2_both_ways(
    literals: list[tuple[str, core.Literal]], context: list[tuple[str, str]]
) -> None:
    inputs = core.Inputs(
        literals=[core.NamedLiteral(name=name, value=value) for name, value in literals],
        context=[core.KeyValuePair(key=key, value=value) for key, value in context],
    )
    assert_wire_compatible(inputs, generations=(2,))
