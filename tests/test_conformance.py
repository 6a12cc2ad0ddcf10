# ruff: noqa: ARG001, ARG002, PLR0913  # implementations under test ignore their arguments
from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import types
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, Protocol, TypeVar

import pytest
from typing_extensions import runtime_checkable

from kozmo_io.conformance import (
    PROTOCOLS,
    ConformanceReport,
    Problem,
    Verdict,
    assert_conforms,
    check,
    check_auto,
    conforms,
    satisfied_protocols,
)
from kozmo_io.conformance._runtime import _function_signature
from kozmo_io.core import LiteralMap
from kozmo_io.errors import ConformanceError, KozmoIOError
from kozmo_io.execution_error import ExecutionError
from kozmo_io.protocols import InputFilePaths, InputReader, OutputReader, OutputWriter
from kozmo_io.reference import DataReference

T_co = TypeVar("T_co", covariant=True)


# --- protocols of our own: the checker must work on any Protocol ---------------------------------


@runtime_checkable
class Sized(Protocol):
    def size(self) -> int: ...


@runtime_checkable
class Store(Sized, Protocol):
    async def fetch(self, key: str, /) -> bytes | None: ...
    def label(self, name: str, *, upper: bool = False) -> str: ...


class Callback(Protocol):
    def __call__(self, value: int, /) -> str: ...


class Named(Protocol):  # not runtime-checkable, with a data member
    name: str
    nickname: str | None


class Box(Protocol[T_co]):
    def unwrap(self) -> T_co: ...


def rules(report: ConformanceReport) -> list[tuple[str, str]]:
    return [(p.member, p.rule) for p in report.problems]


# --- targets -------------------------------------------------------------------------------------


class GoodStore:
    def size(self) -> int:
        return 0

    async def fetch(self, anything: str, /) -> bytes | None:
        return None

    def label(self, name: str, *, upper: bool = False) -> str:
        return name.upper() if upper else name


class StoreMissingSize:
    async def fetch(self, key: str, /) -> bytes | None:
        return None

    def label(self, name: str, *, upper: bool = False) -> str:
        return name


class StoreNoneSize(GoodStore):
    size = None  # type: ignore[assignment]  # the broken case under test


class StoreAttributeSize(GoodStore):
    size = 3  # type: ignore[assignment]  # the broken case under test


class StoreAnnotatedSize(StoreMissingSize):
    size: int  # declared, never set on the class


class StorePropertySize(GoodStore):
    @property
    def size(self) -> int:  # type: ignore[override]  # the broken case under test
        return 3


class StoreSyncFetch(GoodStore):
    def fetch(self, key: str, /) -> bytes | None:  # type: ignore[override]  # broken on purpose
        return None


class StoreAsyncSize(GoodStore):
    async def size(self) -> int:  # type: ignore[override]  # broken on purpose
        return 0


class StoreAsyncGeneratorFetch(GoodStore):
    async def fetch(self, key: str, /) -> AsyncIterator[bytes]:  # type: ignore[override]  # broken
        yield b""


class StoreExtraRequired(GoodStore):
    def size(self, unit: str) -> int:  # type: ignore[override]  # broken on purpose
        return 0


class StoreExtraOptional(GoodStore):
    def size(self, unit: str = "B", *, exact: bool = True) -> int:
        return 0


class StoreMissingParameter(GoodStore):
    async def fetch(self) -> bytes | None:  # type: ignore[override]  # broken on purpose
        return None


class StorePositionalOnlyName(GoodStore):
    def label(self, name: str, /, *, upper: bool = False) -> str:
        return name


class StoreKeywordOnlyKey(GoodStore):
    async def fetch(self, *, key: str) -> bytes | None:  # type: ignore[override]  # broken
        return None


class StoreRenamedKeyword(GoodStore):
    def label(self, title: str, *, upper: bool = False) -> str:
        return title


class StoreRequiredUpper(GoodStore):
    def label(self, name: str, *, upper: bool) -> str:  # type: ignore[override]  # broken
        return name


class StoreVarArgs(GoodStore):
    def label(self, *args: Any, **kwargs: Any) -> str:
        return ""


class StoreNoSelf(GoodStore):
    def size() -> int:  # type: ignore[misc]  # broken on purpose: no self
        return 0


class StoreStaticSize(GoodStore):
    @staticmethod
    def size() -> int:
        return 0


class StoreWrongReturn(GoodStore):
    def size(self) -> str:  # type: ignore[override]  # broken on purpose
        return ""


class StoreNarrowReturn(GoodStore):
    async def fetch(self, key: str, /) -> bytes:
        return b""


class StoreAnyReturn(GoodStore):
    def size(self) -> Any:
        return 0


class StoreUnresolvableReturn(GoodStore):
    def size(self) -> NoSuchName:  # type: ignore[name-defined]  # noqa: F821 - unresolvable on purpose
        return 0


class StoreThreeProblems:
    size = "big"

    def fetch(self, key: str, /) -> bytes | None:
        return None

    def label(self, name: str, extra: int, *, upper: bool = False) -> str:
        return name


class StoreBase:
    def size(self) -> int:
        return 0


class StoreViaInheritance(StoreBase):
    async def fetch(self, key: str, /) -> bytes | None:
        return None

    def label(self, name: str, *, upper: bool = False) -> str:
        return name


class CallableSize:
    def __call__(self) -> int:
        return 0


class StoreCallableObjectSize(GoodStore):
    size = CallableSize()  # a callable object is not bound: it takes no self


class AsyncFetcher:
    async def __call__(self, key: str, /) -> bytes | None:
        return None


class SyncFetcher(AsyncFetcher):
    def __call__(self, key: str, /) -> bytes | None:  # type: ignore[override]  # broken on purpose
        return None


class StoreAsyncCallableFetch(GoodStore):
    fetch = AsyncFetcher()


class StoreSyncCallableFetch(GoodStore):
    fetch = SyncFetcher()  # type: ignore[assignment]  # broken on purpose


class StoreAttributeSetInInit:
    def __init__(self, size: Callable[[], int] | str) -> None:
        self.size = size

    async def fetch(self, key: str, /) -> bytes | None:
        return None

    def label(self, name: str, *, upper: bool = False) -> str:
        return name


def zero() -> int:
    return 0


class StoreDynamicSize(StoreAttributeSetInInit):
    def __init__(self) -> None:
        super().__init__(zero)
        del self.size

    def __getattr__(self, name: str) -> Any:
        if name == "size":
            return zero
        raise AttributeError(name)


class StoreRaisingProperty(GoodStore):
    @property
    def size(self) -> Callable[[], int]:
        msg = "not yet"
        raise RuntimeError(msg)


# Implementations of the kozmo_io protocols.


class PathsOnly:
    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://b/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://b/in/inputs.pb")


class GoodInputReader(PathsOnly):
    async def get(self) -> LiteralMap | None:
        return None


class NarrowInputReader(PathsOnly):
    async def get(self) -> LiteralMap:
        return LiteralMap()


class DictInputReader(PathsOnly):
    async def get(self) -> dict[str, object]:
        return {}


class StrPathInputReader(GoodInputReader):
    def get_input_path(self) -> str:  # type: ignore[override]  # str is wider than DataReference
        return "s3://b/in/inputs.pb"


class StringPathAttribute(GoodInputReader):
    get_input_path = "s3://b/in/inputs.pb"  # type: ignore[assignment]  # broken on purpose


class GoodOutputReader:
    def is_file(self) -> bool:
        return False

    async def is_error(self) -> bool:
        return False

    async def read_error(self) -> ExecutionError:
        return ExecutionError(code="c", message="m")

    async def exists(self) -> bool:
        return True

    async def read(self) -> tuple[LiteralMap | None, ExecutionError | None]:
        return None, None

    async def deck_exists(self) -> bool:
        return False


class TupleOutputReader(GoodOutputReader):
    async def read(self) -> tuple[LiteralMap, None]:
        return LiteralMap(), None


class WrongTupleOutputReader(GoodOutputReader):
    async def read(self) -> tuple[LiteralMap, str]:  # type: ignore[override]  # broken on purpose
        return LiteralMap(), ""


class GoodNamed:
    name: str = "n"
    nickname: str | None = None


class NamedInInit:
    def __init__(self) -> None:
        self.name = "n"
        self.nickname: str | None = None


class NamedWithoutName:
    nickname: str | None = None


class NamedNoneName:
    name = None
    nickname = None


class StrCallback:
    def __call__(self, value: int, /) -> str:
        return str(value)


class IntBox:
    def unwrap(self) -> int:
        return 1


# --- presence, None, callability -----------------------------------------------------------------


def test_conforming_class_has_no_problems() -> None:
    report = check(GoodStore, Store)
    assert report.ok
    assert report.problems == ()
    assert report.target == f"{__name__}:GoodStore"
    assert report.protocol == f"{__name__}:Store"


def test_missing_member_is_reported() -> None:
    report = check(StoreMissingSize, Store)
    assert rules(report) == [("size", "missing")]
    assert "StoreMissingSize.size is missing" in report.problems[0].message
    assert report.problems[0].expected == "def size(self) -> int"


def test_member_set_to_none_is_reported() -> None:
    assert rules(check(StoreNoneSize, Store)) == [("size", "none")]


def test_plain_attribute_where_a_method_is_expected_is_reported() -> None:
    report = check(StoreAttributeSize, Store)
    assert rules(report) == [("size", "not-callable")]
    assert report.problems[0].found == "int attribute 3"


def test_string_path_attribute_passes_isinstance_but_not_check() -> None:
    assert isinstance(StringPathAttribute(), InputReader)
    report = check(StringPathAttribute, InputReader)
    assert rules(report) == [("get_input_path", "not-callable")]


def test_annotated_attribute_where_a_method_is_expected_is_reported() -> None:
    report = check(StoreAnnotatedSize, Store)
    assert rules(report) == [("size", "not-callable")]
    assert report.problems[0].found == "attribute declared as int"


def test_property_where_a_method_is_expected_is_reported() -> None:
    report = check(StorePropertySize, Store)
    assert rules(report) == [("size", "not-callable")]
    assert report.problems[0].found == "property returning int"


def test_callable_object_on_the_class_is_judged_unbound() -> None:
    assert check(StoreCallableObjectSize, Store).ok


def test_callable_object_is_async_by_its_own_call_method() -> None:
    assert check(StoreAsyncCallableFetch, Store).ok
    assert rules(check(StoreSyncCallableFetch, Store)) == [("fetch", "async")]


def test_instance_attribute_callable_conforms_but_string_does_not() -> None:
    assert check(StoreAttributeSetInInit(zero), Store).ok
    unannotated = check(StoreAttributeSetInInit(lambda: 0), Store)
    assert unannotated.verdict is Verdict.CANNOT_TELL
    assert [r.rule for r in unannotated.cannot_tell] == ["undecidable-type"]
    report = check(StoreAttributeSetInInit("big"), Store)
    assert report.target == f"{__name__}:StoreAttributeSetInInit instance"
    assert rules(report) == [("size", "not-callable")]


def test_class_whose_method_is_only_set_in_init_cannot_be_told() -> None:
    report = check(StoreAttributeSetInInit, Store)
    assert report.verdict is Verdict.CANNOT_TELL
    assert [(r.member, r.rule) for r in report.cannot_tell] == [("size", "dynamic-member")]
    assert "set on instances by StoreAttributeSetInInit.__init__" in report.cannot_tell[0].message


def test_instance_member_from_getattr_is_judged() -> None:
    assert check(StoreDynamicSize(), Store).ok


def test_instance_member_whose_property_raises_is_reported() -> None:
    report = check(StoreRaisingProperty(), Store)
    assert rules(report) == [("size", "missing")]
    assert "RuntimeError: not yet" in report.problems[0].found


# --- async ---------------------------------------------------------------------------------------


def test_sync_def_where_async_is_expected_is_reported() -> None:
    report = check(StoreSyncFetch, Store)
    assert rules(report) == [("fetch", "async")]
    assert report.problems[0].expected == "async def fetch(self, key: str, /) -> bytes | None"
    assert report.problems[0].found == "def fetch(self, key: str, /) -> bytes | None"


def test_async_def_where_sync_is_expected_is_reported() -> None:
    report = check(StoreAsyncSize, Store)
    assert rules(report) == [("size", "async")]
    assert "callers get a coroutine" in report.problems[0].message


def test_async_generator_where_a_coroutine_is_expected_is_reported() -> None:
    assert ("fetch", "async") in rules(check(StoreAsyncGeneratorFetch, Store))


def test_protocol_async_member_is_checked_on_our_protocols() -> None:
    class SyncGet(PathsOnly):
        def get(self) -> LiteralMap | None:
            return None

    assert rules(check(SyncGet, InputReader)) == [("get", "async")]
    assert check(GoodInputReader, InputReader).ok


# --- signatures ----------------------------------------------------------------------------------


def test_extra_required_parameter_is_reported() -> None:
    report = check(StoreExtraRequired, Store)
    assert rules(report) == [("size", "signature")]
    assert "extra parameter 'unit' has no default" in report.problems[0].message


def test_extra_parameters_with_defaults_are_accepted() -> None:
    assert check(StoreExtraOptional, Store).ok


def test_missing_parameter_is_reported() -> None:
    report = check(StoreMissingParameter, Store)
    assert rules(report) == [("fetch", "signature")]
    assert "no parameter takes positional argument 1 ('key')" in report.problems[0].message


def test_positional_only_where_the_protocol_allows_keywords_is_reported() -> None:
    report = check(StorePositionalOnlyName, Store)
    assert rules(report) == [("label", "signature")]
    assert "'name' is positional-only" in report.problems[0].message


def test_keyword_only_where_the_protocol_passes_by_position_is_reported() -> None:
    report = check(StoreKeywordOnlyKey, Store)
    assert rules(report) == [("fetch", "signature")]
    assert "'key' is keyword-only" in report.problems[0].message


def test_renamed_positional_only_parameter_is_accepted() -> None:
    assert check(GoodStore, Store).ok  # GoodStore.fetch names the key "anything"


def test_renamed_keyword_parameter_is_reported() -> None:
    report = check(StoreRenamedKeyword, Store)
    assert rules(report) == [("label", "signature")]
    assert "does not accept 'name' by keyword" in report.problems[0].message


def test_required_parameter_where_the_protocol_has_a_default_is_reported() -> None:
    report = check(StoreRequiredUpper, Store)
    assert rules(report) == [("label", "signature")]
    assert "'upper' needs a default" in report.problems[0].message


def test_star_args_and_kwargs_accept_every_call() -> None:
    assert check(StoreVarArgs, Store).ok


def test_function_without_self_is_reported_and_staticmethod_accepted() -> None:
    report = check(StoreNoSelf, Store)
    assert rules(report) == [("size", "signature")]
    assert "no parameter to receive self" in report.problems[0].message
    assert check(StoreStaticSize, Store).ok


def test_our_protocols_positional_only_parameter_may_be_renamed() -> None:
    class Writer:
        def get_raw_output_prefix(self) -> DataReference:
            return DataReference("s3://b/raw")

        def get_previous_checkpoints_prefix(self) -> DataReference | None:
            return None

        def get_checkpoint_prefix(self) -> DataReference:
            return DataReference("s3://b/raw/_kozmocheckpoints")

        def get_output_prefix_path(self) -> DataReference:
            return DataReference("s3://b/out")

        def get_output_path(self) -> DataReference:
            return DataReference("s3://b/out/outputs.pb")

        def get_deck_path(self) -> DataReference:
            return DataReference("s3://b/out/deck.html")

        def get_error_path(self) -> DataReference:
            return DataReference("s3://b/out/error.pb")

        async def put(self, outputs: OutputReader) -> None:
            return None

    report = check(Writer, OutputWriter)
    assert report.ok, str(report)


# --- return annotations --------------------------------------------------------------------------


def test_wrong_return_type_is_reported() -> None:
    report = check(StoreWrongReturn, Store)
    assert rules(report) == [("size", "return")]
    assert (report.problems[0].expected, report.problems[0].found) == ("int", "str")


def test_dict_where_literal_map_or_none_is_expected_is_reported() -> None:
    report = check(DictInputReader, InputReader)
    assert rules(report) == [("get", "return")]
    assert report.problems[0].expected == "LiteralMap | None"
    assert report.problems[0].found == "dict[str, object]"


def test_narrower_return_type_is_accepted() -> None:
    assert check(NarrowInputReader, InputReader).ok
    assert check(StoreNarrowReturn, Store).ok


def test_str_where_data_reference_is_expected_is_reported() -> None:
    assert rules(check(StrPathInputReader, InputReader)) == [("get_input_path", "return")]


def test_tuple_returns_are_compared_item_by_item() -> None:
    assert check(TupleOutputReader, OutputReader).ok
    report = check(WrongTupleOutputReader, OutputReader)
    assert rules(report) == [("read", "return")]
    assert report.problems[0].found == "tuple[LiteralMap, str]"


def test_any_return_is_accepted() -> None:
    assert check(StoreAnyReturn, Store).ok


def test_unresolvable_return_annotation_cannot_be_told() -> None:
    report = check(StoreUnresolvableReturn, Store)
    assert report.verdict is Verdict.CANNOT_TELL
    assert not report.ok
    assert [(n.member, n.rule) for n in report.cannot_tell] == [("size", "unresolved-annotation")]
    assert "NoSuchName" in report.cannot_tell[0].message
    assert check(StoreUnresolvableReturn, Store, strict=True).verdict is Verdict.DOES_NOT_CONFORM


def test_generic_protocol_is_checked_by_its_origin() -> None:
    assert check(IntBox, Box[int]).ok
    assert check(IntBox, Box).ok


# --- inheritance, instances, all problems at once ------------------------------------------------


def test_members_inherited_by_the_target_count() -> None:
    assert check(StoreViaInheritance, Store).ok


def test_members_inherited_by_the_protocol_are_checked() -> None:
    assert rules(check(GoodStore.__base__, Store)) == [  # object: nothing at all
        ("size", "missing"),
        ("fetch", "missing"),
        ("label", "missing"),
    ]
    report = check(GoodInputReader, InputReader)
    assert report.ok
    broken = check(StrPathInputReader, InputReader)
    assert broken.problems[0].message.endswith("(InputFilePaths.get_input_path)")


def test_instance_target_is_checked() -> None:
    assert check(GoodStore(), Store).ok
    assert rules(check(StoreSyncFetch(), Store)) == [("fetch", "async")]


def test_every_problem_is_reported_at_once() -> None:
    report = check(StoreThreeProblems, Store)
    assert rules(report) == [("size", "not-callable"), ("fetch", "async"), ("label", "signature")]
    assert "3 problems" in str(report)


def test_data_members_are_checked_for_presence_and_none() -> None:
    assert check(GoodNamed, Named).ok
    assert check(NamedInInit(), Named).ok
    assert rules(check(NamedWithoutName, Named)) == [("name", "missing")]
    assert rules(check(NamedNoneName, Named)) == [("name", "none")]  # nickname may be None


def test_call_protocol_is_not_satisfied_by_the_metaclass() -> None:
    assert check(StrCallback, Callback).ok
    assert check(StrCallback(), Callback).ok
    assert rules(check(IntBox, Callback)) == [("__call__", "missing")]


def test_non_protocol_is_rejected() -> None:
    with pytest.raises(TypeError, match="expected a Protocol class"):
        check(GoodStore, GoodStore)


# --- the report ----------------------------------------------------------------------------------


def test_report_is_truthy_exactly_when_ok() -> None:
    assert bool(check(GoodStore, Store)) is True
    assert bool(check(StoreSyncFetch, Store)) is False


def test_report_str_lists_problems_with_expected_and_found() -> None:
    text = str(check(StoreSyncFetch, Store))
    summary = (
        f"{__name__}:StoreSyncFetch does not conform to {__name__}:Store (1 problem; runtime check)"
    )
    assert text.splitlines() == [
        summary,
        "  - StoreSyncFetch.fetch is a plain def, but Store.fetch is async def",
        "      expected: async def fetch(self, key: str, /) -> bytes | None",
        "      found:    def fetch(self, key: str, /) -> bytes | None",
    ]
    assert str(check(GoodStore, Store)) == (
        f"{__name__}:GoodStore conforms to {__name__}:Store (runtime check)"
    )


def test_report_json_round_trips_every_field() -> None:
    report = check(StoreThreeProblems, Store)
    document = json.loads(report.to_json())
    assert document["ok"] is False
    assert document["checks"] == ["runtime"]
    problems = tuple(Problem(**p) for p in document["problems"])
    assert problems == report.problems


def test_merge_combines_problems_and_checks() -> None:
    runtime = check(StoreSyncFetch, Store)
    other = ConformanceReport(runtime.target, runtime.protocol, runtime.problems, (), ("static",))
    merged = runtime.merge(other)
    assert merged.checks == ("runtime", "static")
    assert len(merged.problems) == 2
    assert "runtime and static check" in str(merged)


def test_assert_conforms_raises_with_the_report() -> None:
    assert_conforms(GoodStore(), Store)
    with pytest.raises(ConformanceError) as caught:
        assert_conforms(StoreThreeProblems, Store)
    assert isinstance(caught.value, KozmoIOError)
    assert isinstance(caught.value, AssertionError)
    assert isinstance(caught.value.report, ConformanceReport)
    assert caught.value.problems == caught.value.report.problems
    assert len(caught.value.problems) == 3
    assert "StoreThreeProblems.fetch is a plain def" in str(caught.value)


# --- the cached fast path ------------------------------------------------------------------------


def test_conforms_caches_the_verdict_per_class_and_protocol() -> None:
    conforms.cache_clear()
    assert conforms(GoodStore(), Store) is True
    assert conforms(GoodStore(), Store) is True
    assert conforms(GoodStore, Store) is True  # the class itself shares the verdict
    assert conforms.cache_info().deep_checks == 1
    assert conforms.cache_info().size == 1


def test_conforms_negative_verdict_stays_negative() -> None:
    conforms.cache_clear()
    assert isinstance(StoreSyncFetch(), Store)  # the names are all there
    assert conforms(StoreSyncFetch(), Store) is False
    assert conforms(StoreSyncFetch(), Store) is False
    info = conforms.cache_info()
    assert (info.deep_checks, info.size) == (1, 1)


def test_conforms_cache_clear_forgets_verdicts() -> None:
    conforms(GoodStore, Sized)
    conforms.cache_clear()
    assert conforms.cache_info().size == 0
    conforms(GoodStore, Sized)
    assert conforms.cache_info().deep_checks == 1


def test_conforms_is_the_plain_function_with_its_cache_controls_attached() -> None:
    # Called directly on the hot path: no wrapper object stands in front of it.
    called: object = conforms  # typed as the Conforms protocol; at run time a plain function
    assert isinstance(called, types.FunctionType)
    assert called.__name__ == "conforms"
    assert inspect.signature(conforms).parameters.keys() == {"obj", "protocol"}
    assert callable(conforms.cache_clear)
    assert callable(conforms.cache_info)
    exported = importlib.import_module("kozmo_io.conformance").__all__
    assert [name for name in exported if "conforms_cache" in name or name == "CacheInfo"] == []


def test_conforms_rejects_a_non_protocol_without_caching() -> None:
    conforms.cache_clear()
    with pytest.raises(TypeError):
        conforms(GoodStore(), int)
    assert conforms.cache_info().size == 0


# --- auto mode -----------------------------------------------------------------------------------


def test_protocols_registry_lists_every_kozmo_io_protocol() -> None:
    assert list(PROTOCOLS) == sorted(PROTOCOLS)
    assert PROTOCOLS["InputReader"] is InputReader
    assert len(PROTOCOLS) == 10


def test_check_auto_reports_every_protocol() -> None:
    reports = check_auto(GoodInputReader)
    assert list(reports) == list(PROTOCOLS)
    assert [name for name, report in reports.items() if report.ok] == [
        "InputFilePaths",
        "InputReader",
    ]


def test_satisfied_protocols_names_what_a_class_implements() -> None:
    assert satisfied_protocols(PathsOnly()) == (InputFilePaths,)
    assert satisfied_protocols(GoodOutputReader) == (PROTOCOLS["ErrorReader"], OutputReader)
    assert satisfied_protocols(GoodStore) == ()


def test_importing_the_toolkit_loads_neither_mypy_nor_the_testing_kit() -> None:
    code = (
        "import sys, kozmo_io, kozmo_io.conformance, kozmo_io.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'mypy' "
        "or m.startswith('kozmo_io.testing')))"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- conforms(): instances judged on their own where they can differ from their class -----------


class SlotReader:
    __slots__ = ("get",)
    get: Callable[[], Coroutine[Any, Any, LiteralMap | None]]

    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://b/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://b/in/inputs.pb")


async def no_inputs() -> LiteralMap | None:
    return None


def test_conforms_judges_the_slots_of_each_instance() -> None:
    conforms.cache_clear()
    assert conforms(SlotReader, InputReader)  # by the declared type
    empty = SlotReader()
    assert not conforms(empty, InputReader)  # the slot holds nothing
    filled = SlotReader()
    filled.get = no_inputs
    assert conforms(filled, InputReader)
    assert not conforms(empty, InputReader)


class PlainReader:
    def get_input_prefix_path(self) -> DataReference:
        return DataReference("s3://b/in")

    def get_input_path(self) -> DataReference:
        return DataReference("s3://b/in/inputs.pb")

    async def get(self) -> LiteralMap | None:
        return None


def test_conforms_sees_a_member_replaced_after_the_verdict_was_cached() -> None:
    conforms.cache_clear()
    reader = PlainReader()
    assert conforms(reader, InputReader)
    reader.get = None  # type: ignore[assignment,method-assign]  # the replacement under test
    assert not conforms(reader, InputReader)
    del reader.get
    assert conforms(reader, InputReader)
    assert conforms.cache_info().size == 1


class _UnhashableProtocolMeta(type(InputReader)):  # type: ignore[misc]  # a metaclass of the test's own
    def __hash__(self) -> int:
        msg = "the protocol class must not be hashed"
        raise AssertionError(msg)


def test_conforms_and_check_never_hash_the_protocol() -> None:
    class Reading(Protocol, metaclass=_UnhashableProtocolMeta):
        async def read(self) -> bytes: ...

    class Good:
        async def read(self) -> bytes:
            return b""

    conforms.cache_clear()
    assert check(Good, Reading).ok
    assert conforms(Good(), Reading)
    assert conforms(Good(), Reading)
    assert conforms(Good, Reading)


def _every_kind(
    self: object,
    a: int,
    /,
    b: str,
    c: float = 1.0,
    *args: int,
    d: bytes,
    e: bool = False,
    **kw: str,
) -> int:
    return 0


def _bare(*, key) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001 - unannotated on purpose
    return None


def _defaults_only(x=1, y=2, /, z=3):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202 - unannotated on purpose
    return x


@pytest.mark.parametrize(
    "func", [_every_kind, _bare, _defaults_only, GoodStore.label, GoodStore.fetch, zero]
)
def test_function_signature_reads_as_inspect_does(func: Callable[..., object]) -> None:
    assert isinstance(func, types.FunctionType)
    expected = inspect.signature(func, follow_wrapped=False)
    assert _function_signature(func) == expected
    assert str(_function_signature(func)) == str(expected)
