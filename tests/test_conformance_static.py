"""The static layer: check_static runs a generated probe through mypy.

The classes under test live in a module written to a temporary directory (mypy imports targets by
module name). One session-wide mypy cache keeps every run after the first warm.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from kozmo_io.conformance import ConformanceReport, Verdict, check, check_static, check_static_many
from kozmo_io.conformance._static import (
    _Finding,
    _finding,
    _finding_text,
    _Message,
    _problem,
    _Site,
)
from kozmo_io.errors import KozmoIOError
from kozmo_io.protocols import (
    InputFilePaths,
    InputReader,
    OutputFilePaths,
    OutputReader,
    OutputWriter,
)

pytestmark = pytest.mark.slow

CASES = """
from __future__ import annotations

import abc
from typing import Any, Protocol

from typing_extensions import runtime_checkable

from kozmo_io.core import LiteralMap
from kozmo_io.reference import DataReference


@runtime_checkable
class Sized(Protocol):
    def size(self) -> int: ...


@runtime_checkable
class Store(Sized, Protocol):
    async def fetch(self, key: str, /) -> bytes | None: ...
    def label(self, name: str, *, upper: bool = False) -> str: ...


class Named(Protocol):
    name: str


class GoodStore:
    def size(self) -> int:
        return 0

    async def fetch(self, anything: str, /) -> bytes | None:
        return None

    def label(self, name: str, *, upper: bool = False) -> str:
        return name


class StoreMissingSize:
    async def fetch(self, key: str, /) -> bytes | None:
        return None

    def label(self, name: str, *, upper: bool = False) -> str:
        return name


class StoreNoneSize(GoodStore):
    size = None


class StoreAttributeSize(GoodStore):
    size = 3


class StoreSyncFetch(GoodStore):
    def fetch(self, key: str, /) -> bytes | None:
        return None


class StoreAsyncSize(GoodStore):
    async def size(self) -> int:
        return 0


class StoreExtraRequired(GoodStore):
    def size(self, unit: str) -> int:
        return 0


class StoreExtraOptional(GoodStore):
    def size(self, unit: str = "B", *, exact: bool = True) -> int:
        return 0


class StoreMissingParameter(GoodStore):
    async def fetch(self) -> bytes | None:
        return None


class StorePositionalOnlyName(GoodStore):
    def label(self, name: str, /, *, upper: bool = False) -> str:
        return name


class StoreKeywordOnlyKey(GoodStore):
    async def fetch(self, *, key: str) -> bytes | None:
        return None


class StoreRenamedKeyword(GoodStore):
    def label(self, title: str, *, upper: bool = False) -> str:
        return title


class StoreWrongReturn(GoodStore):
    def size(self) -> str:
        return ""


class StoreNarrowReturn(GoodStore):
    async def fetch(self, key: str, /) -> bytes:
        return b""


class StoreBase:
    def size(self) -> int:
        return 0


class StoreViaInheritance(StoreBase):
    async def fetch(self, key: str, /) -> bytes | None:
        return None

    def label(self, name: str, *, upper: bool = False) -> str:
        return name


class StoreThreeProblems:
    size = "big"

    def fetch(self, key: str, /) -> bytes | None:
        return None

    def label(self, name: str, extra: int, *, upper: bool = False) -> str:
        return name


class AbstractStore(GoodStore, abc.ABC):
    @abc.abstractmethod
    def close(self) -> None: ...


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
    async def get(self) -> dict[str, Any]:
        return {}


class StrPathInputReader(GoodInputReader):
    def get_input_path(self) -> str:
        return "s3://b/in/inputs.pb"


class WritableName:
    name: str = "n"


class ReadOnlyName:
    @property
    def name(self) -> str:
        return "n"
"""

STORE_CASES = {
    "GoodStore": [],
    "StoreMissingSize": ["size"],
    "StoreNoneSize": ["size"],
    "StoreAttributeSize": ["size"],
    "StoreSyncFetch": ["fetch"],
    "StoreAsyncSize": ["size"],
    "StoreExtraRequired": ["size"],
    "StoreExtraOptional": [],
    "StoreMissingParameter": ["fetch"],
    "StorePositionalOnlyName": ["label"],
    "StoreKeywordOnlyKey": ["fetch"],
    "StoreRenamedKeyword": ["label"],
    "StoreWrongReturn": ["size"],
    "StoreNarrowReturn": [],
    "StoreViaInheritance": [],
    "StoreThreeProblems": ["size", "fetch", "label"],
}

INPUT_READER_CASES = {
    "GoodInputReader": [],
    "NarrowInputReader": [],
    "DictInputReader": ["get"],
    "StrPathInputReader": ["get_input_path"],
    "PathsOnly": ["get"],
}


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(scope="session")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.ModuleType]:
    root = tmp_path_factory.mktemp("static-cases")
    (root / "kozmo_static_cases.py").write_text(textwrap.dedent(CASES), encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("kozmo_static_cases")
    finally:
        sys.path.remove(str(root))
        sys.modules.pop("kozmo_static_cases", None)


@pytest.fixture(scope="session")
def store_report(cases: types.ModuleType, mypy_cache: Path) -> ConformanceReport:
    """Every Store case in one mypy run (one report, one target per case)."""
    targets = [getattr(cases, name) for name in STORE_CASES]
    return check_static(targets, cases.Store, cache_dir=mypy_cache)


@pytest.fixture(scope="session")
def input_reader_report(cases: types.ModuleType, mypy_cache: Path) -> ConformanceReport:
    targets = [getattr(cases, name) for name in INPUT_READER_CASES]
    return check_static(targets, InputReader, cache_dir=mypy_cache)


def members_of(report: ConformanceReport, case: str) -> list[str]:
    return [p.member for p in report.problems if p.target == f"kozmo_static_cases:{case}"]


@pytest.mark.parametrize(("case", "members"), STORE_CASES.items())
def test_static_rule_for_store_case(
    store_report: ConformanceReport, case: str, members: list[str]
) -> None:
    assert members_of(store_report, case) == members
    assert all(p.rule == "static" for p in store_report.problems)


@pytest.mark.parametrize(("case", "members"), INPUT_READER_CASES.items())
def test_static_rule_for_input_reader_case(
    input_reader_report: ConformanceReport, case: str, members: list[str]
) -> None:
    assert members_of(input_reader_report, case) == members


def test_static_report_names_every_target_and_the_protocol(store_report: ConformanceReport) -> None:
    assert store_report.protocol == "kozmo_static_cases:Store"
    assert store_report.target.split(", ") == [f"kozmo_static_cases:{c}" for c in STORE_CASES]
    assert store_report.checks == ("static",)
    assert not store_report.ok


def test_static_problem_carries_mypy_types(store_report: ConformanceReport) -> None:
    [problem] = [
        p for p in store_report.problems if p.target == "kozmo_static_cases:StoreSyncFetch"
    ]
    assert problem.expected == "Callable[[str], Coroutine[Any, Any, bytes | None]]"
    assert problem.found == "Callable[[str], bytes | None]"
    assert problem.message.startswith("StoreSyncFetch.fetch has type")
    assert problem.message.endswith("[assignment]")


def test_static_missing_member_is_named(store_report: ConformanceReport) -> None:
    [problem] = [
        p for p in store_report.problems if p.target == "kozmo_static_cases:StoreMissingSize"
    ]
    assert (problem.member, problem.found) == ("size", "nothing")
    assert "[attr-defined]" in problem.message


def test_static_conforming_class_alone_is_ok(cases: types.ModuleType, mypy_cache: Path) -> None:
    report = check_static(cases.GoodInputReader, InputReader, cache_dir=mypy_cache)
    assert report.ok
    assert report.problems == ()
    assert str(report).endswith("(static check)")


def test_static_abstract_class_fails_the_class_form(
    cases: types.ModuleType, mypy_cache: Path
) -> None:
    assert check(cases.AbstractStore, cases.Store).ok  # every member is there at runtime
    report = check_static(cases.AbstractStore, cases.Store, cache_dir=mypy_cache)
    [problem] = report.problems
    assert problem.member == ""
    assert problem.expected == "type[Store]"
    assert "(class form)" in problem.message
    assert "[type-abstract]" in problem.message


def test_static_instance_form_names_the_member_from_mypy_notes(
    cases: types.ModuleType, mypy_cache: Path
) -> None:
    assert check_static(cases.WritableName, cases.Named, cache_dir=mypy_cache).ok
    report = check_static(cases.ReadOnlyName, cases.Named, cache_dir=mypy_cache)
    instance = [p for p in report.problems if "(instance form)" in p.message]
    assert [p.member for p in instance] == ["name"]
    assert "settable" in instance[0].found


def test_check_static_many_checks_several_protocols_in_one_run(
    cases: types.ModuleType, mypy_cache: Path
) -> None:
    protocols = (cases.Store, cases.Sized)
    reports = check_static_many(cases.StoreMissingParameter, iter(protocols), cache_dir=mypy_cache)
    assert isinstance(reports, tuple)
    assert [r.protocol for r in reports] == [
        f"{cases.__name__}:{p.__qualname__}" for p in protocols
    ]
    store, sized = reports
    assert sized.ok
    assert sized.checks == store.checks == ("static",)
    assert [p.member for p in store.problems] == ["fetch"]


def test_check_static_many_refuses_a_non_protocol_before_running_a_checker() -> None:
    with pytest.raises(TypeError):
        check_static_many(InputReader, [InputReader, int], checker="pyright")


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_static_class_defined_in_a_function_cannot_be_told(mypy_cache: Path, checker: str) -> None:
    class Local:
        def get_input_prefix_path(self) -> str:
            return ""

    report = check_static(Local, InputReader, cache_dir=mypy_cache, checker=checker)
    assert report.verdict is Verdict.CANNOT_TELL
    assert not report.problems
    [reason] = report.cannot_tell
    assert reason.rule == "not-importable"
    assert "cannot be checked statically: it is defined inside a function" in reason.message
    strict = check_static(Local, InputReader, cache_dir=mypy_cache, checker=checker, strict=True)
    assert strict.verdict is Verdict.DOES_NOT_CONFORM
    assert [p.rule for p in strict.problems] == ["not-importable"]


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_static_class_from_main_cannot_be_told(mypy_cache: Path, checker: str) -> None:
    script_class = type("ScriptClass", (), {"__module__": "__main__"})
    report = check_static(script_class, InputReader, cache_dir=mypy_cache, checker=checker)
    assert report.verdict is Verdict.CANNOT_TELL
    assert "defined in __main__" in report.cannot_tell[0].message


def test_static_class_loaded_under_another_name_cannot_be_told(
    cases: types.ModuleType, mypy_cache: Path
) -> None:
    spec = importlib.util.spec_from_file_location("kozmo_renamed_cases", cases.__file__ or "")
    assert spec is not None
    assert spec.loader is not None
    renamed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(renamed)  # never registered in sys.modules under that name
    report = check_static(renamed.StoreSyncFetch, cases.Store, cache_dir=mypy_cache)
    assert report.verdict is Verdict.CANNOT_TELL
    assert "kozmo_renamed_cases.StoreSyncFetch does not name it" in report.cannot_tell[0].message


def test_static_module_mypy_cannot_find_cannot_be_told(mypy_cache: Path) -> None:
    module = types.ModuleType("kozmo_in_memory_module")
    thing = type("Thing", (), {"__module__": module.__name__})
    vars(module)["Thing"] = thing
    sys.modules[module.__name__] = module
    try:
        report = check_static(thing, InputReader, cache_dir=mypy_cache)
    finally:
        del sys.modules[module.__name__]
    assert report.verdict is Verdict.CANNOT_TELL
    [reason] = report.cannot_tell
    assert "mypy cannot import its module" in reason.message
    assert "[import-not-found]" in reason.message


def test_static_rejects_bad_arguments(cases: types.ModuleType, mypy_cache: Path) -> None:
    with pytest.raises(TypeError, match="targets must be"):
        check_static([], InputReader, cache_dir=mypy_cache)
    with pytest.raises(TypeError, match="targets must be"):
        check_static(cases.GoodStore(), InputReader, cache_dir=mypy_cache)
    with pytest.raises(TypeError, match="expected a Protocol class"):
        check_static(cases.GoodStore, cases.GoodStore, cache_dir=mypy_cache)


def test_static_without_mypy_says_how_to_install_it(
    cases: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mypy", None)  # what an environment without mypy looks like
    with pytest.raises(
        KozmoIOError, match=r"pip install 'mypy>=1\.15' \(the static extra\)"
    ) as caught:
        check_static(cases.GoodStore, cases.Store)
    assert isinstance(caught.value.__cause__, ImportError)


def test_static_default_cache_dir_follows_xdg(
    cases: types.ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert check_static(cases.GoodStore, cases.Store).ok
    assert any((tmp_path / "kozmo_io" / "mypy").iterdir())


def test_static_pyright_finds_what_mypy_finds_on_a_broken_store(
    cases: types.ModuleType, mypy_cache: Path
) -> None:
    targets = [cases.StoreMissingSize, cases.StoreSyncFetch, cases.GoodStore]
    pyright = check_static(targets, cases.Store, checker="pyright")
    mypy = check_static(targets, cases.Store, cache_dir=mypy_cache)
    assert pyright.checks == ("static",)
    assert pyright.target == mypy.target
    assert pyright.protocol == mypy.protocol

    def members(report: ConformanceReport) -> set[tuple[str, str]]:
        return {(p.target.rpartition(":")[2], p.member) for p in report.problems}

    expected = {("StoreMissingSize", "size"), ("StoreSyncFetch", "fetch")}
    assert members(pyright) == expected
    assert members(mypy) == expected
    missing = next(p for p in pyright.problems if p.member == "size")
    assert missing.message == "StoreMissingSize.size is missing (pyright) [reportAssignmentType]"
    assert missing.found == "nothing"
    wrong = next(p for p in pyright.problems if p.member == "fetch")
    assert wrong.message.startswith("StoreSyncFetch.fetch is an incompatible type (pyright: ")
    assert "Coroutine" in wrong.found


def test_static_pyright_conforming_class_is_ok(cases: types.ModuleType) -> None:
    report = check_static(cases.GoodStore, cases.Store, checker="pyright")
    assert report.verdict is Verdict.CONFORMS
    assert str(report) == (
        "kozmo_static_cases:GoodStore conforms to kozmo_static_cases:Store (static check)"
    )


def test_static_unknown_checker_is_refused(cases: types.ModuleType) -> None:
    with pytest.raises(ValueError, match="checker must be one of mypy, pyright, got 'pyre'"):
        check_static(cases.GoodStore, cases.Store, checker="pyre")


def test_static_without_basedpyright_says_how_to_install_it(
    cases: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "basedpyright", None)  # an environment without it
    with pytest.raises(
        KozmoIOError,
        match=r"needs basedpyright: pip install 'basedpyright>=1\.29' \(the static extra\)",
    ):
        check_static(cases.GoodStore, cases.Store, checker="pyright")


# --- mypy and basedpyright on the project's broken implementations and the corpus ----------------

# Where the two checkers disagree on the corpus (tests/conformance_corpus.py): the members each
# reports ("" is the class as a whole). Both are run, so a change in either shows up here.
CHECKER_DIFFERENCES: dict[str, tuple[list[str], list[str]]] = {
    # mypy skips unannotated functions; pyright infers their return type
    "async-generator": ([], ["get"]),
    "decorator-forwarding-sync": ([], ["get"]),
    "getattr-async": ([], ["get"]),
    "getattr-class": ([], ["get"]),
    "getattr-missing": ([], ["get"]),
    "getattr-sync": ([], ["get"]),
    # pyright cannot bind a declared Callable attribute as a method; mypy judges its type
    "declared-coroutine": ([], [""]),
    "declared-coroutine-instance": ([], [""]),
    "declared-sync": (["get"], [""]),
    "declared-sync-instance": (["get"], [""]),
    # pyright does not match a property or a partialmethod to a protocol method
    "property-callable": ([], ["get"]),
    "partialmethod-async": ([], ["get"]),
    "partialmethod-short": ([], ["get"]),
    # an explicit subclass missing a member, an abstract class: only mypy refuses type[P] = Cls
    "abstract": ([""], []),
    "protocol-subclass-missing": ([""], []),
    # pyright keeps the type variable of an unparameterised generic class; mypy reads it as Any
    "type-variable": ([], ["get"]),
    "type-variable-wrong": ([], ["get"]),
    # pyright's async def gives CoroutineType, which a def returning Coroutine does not match
    "def-returning-coroutine": ([], ["get"]),
}


def _checked_pairs() -> dict[str, tuple[type, type]]:
    """Every broken implementation that is a class, and every corpus case, with its protocol."""
    import conformance_corpus  # noqa: PLC0415 - a sibling test module, imported for its classes
    import test_testing_broken  # noqa: PLC0415 - a sibling test module, imported for its classes

    from kozmo_io import testing  # noqa: PLC0415 - only this test needs the kit's checks

    protocol_of = {
        testing.check_input_file_paths: InputFilePaths,
        testing.check_input_reader: InputReader,
        testing.check_output_file_paths: OutputFilePaths,
        testing.check_output_reader: OutputReader,
        testing.check_output_writer: OutputWriter,
    }
    pairs: dict[str, tuple[type, type]] = {}
    for name, case in test_testing_broken.CASES.items():
        check_function = getattr(case.check, "func", case.check)
        if isinstance(case.factory, type):
            pairs[f"broken:{name}"] = (case.factory, protocol_of[check_function])
    for name, (protocol, target, _) in conformance_corpus.EXPECTED.items():
        cls = target if isinstance(target, type) else type(target)
        pairs[f"corpus:{name}"] = (cls, protocol)
    return pairs


def test_mypy_and_pyright_differ_only_where_recorded(mypy_cache: Path) -> None:
    pairs = _checked_pairs()
    classes = list(dict.fromkeys(cls for cls, _ in pairs.values()))
    protocols = list(dict.fromkeys(protocol for _, protocol in pairs.values()))
    found: dict[str, dict[str, list[str]]] = {}
    for checker in ("mypy", "pyright"):
        reports = check_static_many(classes, protocols, checker=checker, cache_dir=mypy_cache)
        by_protocol = dict(zip(protocols, reports, strict=True))
        for name, (cls, protocol) in pairs.items():
            report = by_protocol[protocol]
            assert not report.cannot_tell
            target = f"{cls.__module__}:{cls.__qualname__}"
            members = {p.member for p in report.problems if p.target == target}
            found.setdefault(name, {})[checker] = sorted(members)
    differences = {
        name.partition(":")[2]: (members["mypy"], members["pyright"])
        for name, members in found.items()
        if members["mypy"] != members["pyright"]
    }
    assert differences == CHECKER_DIFFERENCES
    broken = [name for name in found if name.startswith("broken:")]
    assert len(broken) >= 40  # the broken implementations: both checkers agree on every one
    assert sum(bool(found[name]["mypy"]) for name in broken) >= 1


# --- one checker message, classified and then put into words (no checker runs) -----------------


class _Sized(Protocol):
    def size(self) -> int: ...


class _Cls:
    pass


_ASSIGNED = (
    'Incompatible types in assignment (expression has type "Callable[[], int]", '
    'variable has type "Callable[[], str]")'
)


@pytest.mark.parametrize(
    ("site", "message", "expected"),
    [
        (
            _Site((0,), (0,), form="import"),
            _Message("p.py", 1, 'Cannot find module "m"', "import-not-found"),
            ("import", "", "an importable, typed module", 'Cannot find module "m"'),
        ),
        (
            _Site((0,), (0,), member="size"),
            _Message("p.py", 3, '"Cls" has no attribute "size"', "attr-defined"),
            ("missing", "size", "_Sized.size", "nothing"),
        ),
        (
            _Site((0,), (0,), member="size"),
            _Message("p.py", 3, _ASSIGNED, "assignment"),
            ("mismatch", "size", "Callable[[], str]", "Callable[[], int]"),
        ),
        (
            _Site((0,), (0,), member="size"),
            _Message("p.py", 3, "something else", "misc"),
            ("other", "size", "_Sized.size", "something else"),
        ),
        (
            _Site((0,), (0,), form="instance"),
            _Message("p.py", 2, "not a Sized", "assignment", ["size: expected int, got str"]),
            ("form", "size", "_Sized", "size: expected int, got str"),
        ),
    ],
    ids=["import", "missing", "mismatch", "other", "instance-form"],
)
def test_a_checker_message_is_classified_before_it_is_worded(
    site: _Site, message: _Message, expected: tuple[str, str, str, str]
) -> None:
    finding = _finding(site, message, _Sized)
    assert (finding.kind, finding.member, finding.expected, finding.found) == expected
    problem = _problem(_Cls, site, message, _Sized, "pyright")
    assert (problem.member, problem.expected, problem.found) == expected[1:]
    assert problem.rule == ("not-importable" if site.form == "import" else "static")
    assert problem.message == _finding_text(finding, _Cls, _Sized, "pyright")
    assert problem.message.startswith("_Cls")
    assert problem.message.endswith(f"[{message.code}]")


def test_the_wording_names_the_checker_and_the_member() -> None:
    missing = _Finding("missing", "size", "_Sized.size", "nothing", "no size", "attr-defined")
    assert _finding_text(missing, _Cls, _Sized, "mypy") == (
        "_Cls.size is missing (mypy: no size) [attr-defined]"
    )
    mismatch = _Finding("mismatch", "size", "int", "str", "", "")
    assert _finding_text(mismatch, _Cls, _Sized, "mypy") == (
        "_Cls.size has type str, but _Sized.size needs int"
    )
