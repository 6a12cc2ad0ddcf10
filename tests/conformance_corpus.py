# mypy: ignore-errors
# (the corpus is third-party-style code, broken on purpose; tests/test_conformance_corpus.py, which
# is type-checked, runs it, and the static layer's tests check it with mypy and basedpyright)
# ruff: noqa: ANN001, ANN002, ANN003, ANN201, ANN202, ANN204, ARG001, ARG002, ARG004, F821
# (third-party-style classes: unannotated on purpose, unused arguments, no docstrings)
"""A corpus of third-party-style implementations of two protocols, each with the verdict it earns.

Every kind of member a plugin author writes is here with a case that works when used through the
protocol and one that fails: plain methods, declared callables, decorators, explicit protocol
subclasses, annotations that do not resolve, type variables, parameter types, overloads, members
replaced on an instance, coroutine-returning ``def``, members set in ``__init__`` or served by
``__getattr__``, properties, callable objects, ``partialmethod``. ``EXPECTED`` gives each case's
verdict; the tests check it against what actually happens when each member is called and awaited.
"""

from __future__ import annotations

import abc
import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from kozmo_io.core import LiteralMap
from kozmo_io.protocols import InputReader, OutputReader, OutputWriter
from kozmo_io.reference import DataReference

if TYPE_CHECKING:
    from kozmo_io.core import LiteralMap as CheckedLiteralMap  # absent at run time

T = TypeVar("T")
M = TypeVar("M", bound=LiteralMap)
PREFIX = DataReference("memory://corpus/in")
INPUTS = DataReference("memory://corpus/in/inputs.pb")

CONFORMS = "conforms"
DOES_NOT_CONFORM = "does not conform"
CANNOT_TELL = "cannot tell"


# --- InputReader ---------------------------------------------------------------------------------


class Paths:
    def get_input_prefix_path(self) -> DataReference:
        return PREFIX

    def get_input_path(self) -> DataReference:
        return INPUTS


class Reader(Paths):
    async def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderMissingGet(Paths):
    pass


class ReaderSyncGet(Paths):
    def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderAsyncPath(Reader):
    async def get_input_path(self) -> DataReference:
        return INPUTS


class ReaderStrPath(Reader):
    def get_input_path(self) -> str:
        return str(INPUTS)


class ReaderNoneGet(Paths):
    get = None


class ReaderRequiredArg(Paths):
    async def get(self, key: str) -> LiteralMap | None:
        return LiteralMap()


class ReaderOptionalArg(Paths):
    async def get(self, key: str = "inputs") -> LiteralMap | None:
        return LiteralMap()


class ReaderAsyncGen(Paths):
    async def get(self):
        yield LiteralMap()


class ReaderStatic(Paths):
    @staticmethod
    async def get() -> LiteralMap | None:
        return None


class ReaderClassmethod(Paths):
    @classmethod
    async def get(cls) -> LiteralMap | None:
        return None


class ReaderStaticNeedsArg(Paths):
    @staticmethod
    async def get(key: str) -> LiteralMap | None:
        return None


# Declared callables: the annotation says what calling gives.


class ReaderDeclaredCoroutine(Paths):
    get: Callable[[], Coroutine[Any, Any, LiteralMap | None]]

    def __init__(self) -> None:
        self.get = self._fetch

    async def _fetch(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderDeclaredSync(Paths):
    get: Callable[[], LiteralMap | None]

    def __init__(self) -> None:
        self.get = self._read

    def _read(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderDeclaredWrongArity(Paths):
    get: Callable[[str], Coroutine[Any, Any, LiteralMap | None]]

    def __init__(self) -> None:
        self.get = self._fetch

    async def _fetch(self, key: str) -> LiteralMap | None:
        return LiteralMap()


class ReaderDeclaredBare(Paths):
    get: Callable

    def __init__(self) -> None:
        self.get = self._fetch

    async def _fetch(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderPropertyCallable(Paths):
    @property
    def get(self) -> Callable[[], Coroutine[Any, Any, LiteralMap | None]]:
        return self._fetch

    async def _fetch(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderPropertyValue(Paths):
    @property
    def get(self) -> LiteralMap:
        return LiteralMap()


# Decorators.


def logged(func):
    """A type-preserving decorator whose wrapper is a plain def forwarding every call."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def logged_async(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        return await func(*args, **kwargs)

    return wrapper


def with_token(func):
    """A decorator whose wrapper needs one more argument than the function it wraps."""

    @functools.wraps(func)
    async def wrapper(self, token: str, *args, **kwargs):
        return await func(self, *args, **kwargs)

    return wrapper


def blocking(func):
    """Runs the coroutine to completion: the wrapper is synchronous, and says so."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> LiteralMap | None:
        coroutine = func(*args, **kwargs)
        try:
            return asyncio.run(coroutine)
        finally:
            coroutine.close()  # asyncio.run refuses to run inside a running loop

    return wrapper


class ReaderLogged(Paths):
    @logged
    async def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderLoggedAsync(Paths):
    @logged_async
    async def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderWithToken(Paths):
    @with_token
    async def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderBlocking(Paths):
    @blocking
    async def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderLoggedSyncGet(Paths):
    @logged
    def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderPartialMethod(Paths):
    async def _read(self, name: str) -> LiteralMap | None:
        return LiteralMap()

    get = functools.partialmethod(_read, "inputs.pb")


class ReaderPartialMethodSync(Paths):
    def _read(self, name: str) -> LiteralMap | None:
        return LiteralMap()

    get = functools.partialmethod(_read, "inputs.pb")


class ReaderPartialMethodShort(Paths):
    async def _read(self, name: str, version: int) -> LiteralMap | None:
        return LiteralMap()

    get = functools.partialmethod(_read, "inputs.pb")


# Explicit subclasses of the protocol, and abstract classes.


class ReaderSubclass(InputReader):
    def get_input_prefix_path(self) -> DataReference:
        return PREFIX

    def get_input_path(self) -> DataReference:
        return INPUTS

    async def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderSubclassMissingPath(InputReader):
    def get_input_prefix_path(self) -> DataReference:
        return PREFIX

    async def get(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderBase(abc.ABC, Paths):
    @abc.abstractmethod
    async def get(self) -> LiteralMap | None: ...


class ReaderAbstract(ReaderBase):
    pass


class ReaderConcrete(ReaderBase):
    async def get(self) -> LiteralMap | None:
        return LiteralMap()


# Annotations the runtime cannot resolve, type variables.


class ReaderTypeCheckingImport(Paths):
    async def get(self) -> CheckedLiteralMap | None:
        return LiteralMap()


class ReaderTypeCheckingImportWrong(Paths):
    async def get(self) -> CheckedLiteralMap | None:
        return "inputs"


class ReaderGeneric(Paths, Generic[T]):
    def __init__(self, value: T) -> None:
        self.value = value

    async def get(self) -> T:
        return self.value


class ReaderBoundTypeVar(Paths, Generic[M]):
    def __init__(self, value: M) -> None:
        self.value = value

    async def get(self) -> M:
        return self.value


class ReaderWrongReturn(Paths):
    async def get(self) -> dict[str, Any]:
        return {}


class ReaderAnyReturn(Paths):
    async def get(self) -> Any:
        return LiteralMap()


class ReaderNarrowerReturn(Paths):
    async def get(self) -> LiteralMap:
        return LiteralMap()


# A plain def that returns a coroutine, or another awaitable.


class ReaderCoroutineDef(Paths):
    def get(self) -> Coroutine[Any, Any, LiteralMap | None]:
        return self._fetch()

    async def _fetch(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderAwaitableDef(Paths):
    def get(self) -> Awaitable[LiteralMap | None]:
        return self._fetch()

    async def _fetch(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderCoroutineWrongResult(Paths):
    def get(self) -> Coroutine[Any, Any, str]:
        return self._fetch()

    async def _fetch(self) -> str:
        return "inputs"


class ReaderCoroutinePath(Reader):
    def get_input_path(self) -> Coroutine[Any, Any, DataReference]:
        return self._path()

    async def _path(self) -> DataReference:
        return INPUTS


class ReaderUnannotatedForward(Paths):
    def __init__(self) -> None:
        self.inner = Reader()

    def get(self):
        return self.inner.get()


class ReaderUnannotatedPaths(Reader):
    def get_input_prefix_path(self):
        return PREFIX

    def get_input_path(self):
        return INPUTS


# Members set in __init__, served by __getattr__, callable objects.


class ReaderInitMember(Paths):
    def __init__(self, get) -> None:
        self.get = get


class ReaderGetattr(Paths):
    def __init__(self, inner) -> None:
        self._inner = inner

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


class AsyncFetch:
    async def __call__(self) -> LiteralMap | None:
        return LiteralMap()


class SyncFetch:
    def __call__(self) -> LiteralMap | None:
        return LiteralMap()


class ReaderCallableObject(Paths):
    get = AsyncFetch()


class ReaderSyncCallableObject(Paths):
    get = SyncFetch()


class ReaderIntAttribute(Paths):
    get = 3


# Overloads (on the writer below) and explicit Any.


async def _other_get() -> LiteralMap | None:
    return LiteralMap()


def _sync_get() -> LiteralMap | None:
    return LiteralMap()


def _instance(cls: type, **members: object) -> object:
    obj = cls()
    for name, value in members.items():
        setattr(obj, name, value)
    return obj


# --- OutputWriter.put: parameter types and overloads ---------------------------------------------


class WriterPaths:
    def get_raw_output_prefix(self) -> DataReference:
        return DataReference("memory://corpus/raw")

    def get_previous_checkpoints_prefix(self) -> DataReference | None:
        return None

    def get_checkpoint_prefix(self) -> DataReference:
        return DataReference("memory://corpus/raw/checkpoint")

    def get_output_prefix_path(self) -> DataReference:
        return DataReference("memory://corpus/out")

    def get_output_path(self) -> DataReference:
        return DataReference("memory://corpus/out/outputs.pb")

    def get_deck_path(self) -> DataReference:
        return DataReference("memory://corpus/out/deck.html")

    def get_error_path(self) -> DataReference:
        return DataReference("memory://corpus/out/error.pb")


class Writer(WriterPaths):
    async def put(self, reader: OutputReader, /) -> None:
        await reader.read()


class WriterStrParameter(WriterPaths):
    async def put(self, reader: str, /) -> None:
        reader.encode()


class WriterObjectParameter(WriterPaths):
    async def put(self, reader: object, /) -> None:
        return None


class SpecialReader:
    async def read_special(self) -> bytes:
        return b""


class WriterNarrowParameter(WriterPaths):
    async def put(self, reader: SpecialReader, /) -> None:
        await reader.read_special()


class WriterUnionParameter(WriterPaths):
    async def put(self, reader: OutputReader | str, /) -> None:
        if not isinstance(reader, str):
            await reader.read()


class WriterOverloaded(WriterPaths):
    @overload
    async def put(self, reader: OutputReader, /) -> None: ...
    @overload
    async def put(self, reader: str, /) -> None: ...
    async def put(self, reader, /) -> None:
        if not isinstance(reader, str):
            await reader.read()


class WriterOverloadedWrong(WriterPaths):
    @overload
    async def put(self, reader: str, /) -> None: ...
    @overload
    async def put(self, reader: bytes, /) -> None: ...
    async def put(self, reader, /) -> None:
        reader.decode() if isinstance(reader, bytes) else reader.encode()


class WriterKeywordName(WriterPaths):
    async def put(self, *, reader: OutputReader) -> None:
        await reader.read()


class WriterUnresolvedParameter(WriterPaths):
    async def put(self, reader: CheckedOutputReader, /) -> None:  # unresolvable on purpose
        await reader.read()


# --- the verdicts --------------------------------------------------------------------------------

# name: (protocol, target, verdict). A class target is used through ``target()``.
EXPECTED: dict[str, tuple[type, object, str]] = {
    "plain": (InputReader, Reader, CONFORMS),
    "missing-get": (InputReader, ReaderMissingGet, DOES_NOT_CONFORM),
    "sync-get": (InputReader, ReaderSyncGet, DOES_NOT_CONFORM),
    "async-path": (InputReader, ReaderAsyncPath, DOES_NOT_CONFORM),
    "str-path": (InputReader, ReaderStrPath, DOES_NOT_CONFORM),
    "none-get": (InputReader, ReaderNoneGet, DOES_NOT_CONFORM),
    "required-arg": (InputReader, ReaderRequiredArg, DOES_NOT_CONFORM),
    "optional-arg": (InputReader, ReaderOptionalArg, CONFORMS),
    "async-generator": (InputReader, ReaderAsyncGen, DOES_NOT_CONFORM),
    "staticmethod": (InputReader, ReaderStatic, CONFORMS),
    "classmethod": (InputReader, ReaderClassmethod, CONFORMS),
    "staticmethod-needs-arg": (InputReader, ReaderStaticNeedsArg, DOES_NOT_CONFORM),
    "declared-coroutine": (InputReader, ReaderDeclaredCoroutine, CONFORMS),
    "declared-sync": (InputReader, ReaderDeclaredSync, DOES_NOT_CONFORM),
    "declared-wrong-arity": (InputReader, ReaderDeclaredWrongArity, DOES_NOT_CONFORM),
    "declared-bare-callable": (InputReader, ReaderDeclaredBare, CANNOT_TELL),
    "declared-coroutine-instance": (InputReader, ReaderDeclaredCoroutine(), CONFORMS),
    "declared-sync-instance": (InputReader, ReaderDeclaredSync(), DOES_NOT_CONFORM),
    "declared-bare-callable-instance": (InputReader, ReaderDeclaredBare(), CONFORMS),
    "property-callable": (InputReader, ReaderPropertyCallable, CONFORMS),
    "property-value": (InputReader, ReaderPropertyValue, DOES_NOT_CONFORM),
    "decorator-forwarding": (InputReader, ReaderLogged, CONFORMS),
    "decorator-async-forwarding": (InputReader, ReaderLoggedAsync, CONFORMS),
    "decorator-adds-parameter": (InputReader, ReaderWithToken, DOES_NOT_CONFORM),
    "decorator-blocking": (InputReader, ReaderBlocking, CANNOT_TELL),
    "decorator-forwarding-sync": (InputReader, ReaderLoggedSyncGet, DOES_NOT_CONFORM),
    "partialmethod-async": (InputReader, ReaderPartialMethod, CONFORMS),
    "partialmethod-sync": (InputReader, ReaderPartialMethodSync, DOES_NOT_CONFORM),
    "partialmethod-short": (InputReader, ReaderPartialMethodShort, DOES_NOT_CONFORM),
    "protocol-subclass": (InputReader, ReaderSubclass, CONFORMS),
    "protocol-subclass-missing": (InputReader, ReaderSubclassMissingPath, DOES_NOT_CONFORM),
    "abstract": (InputReader, ReaderAbstract, DOES_NOT_CONFORM),
    "abstract-implemented": (InputReader, ReaderConcrete, CONFORMS),
    "type-checking-import": (InputReader, ReaderTypeCheckingImport, CANNOT_TELL),
    "type-checking-import-wrong": (InputReader, ReaderTypeCheckingImportWrong, CANNOT_TELL),
    "type-variable": (InputReader, ReaderGeneric(LiteralMap()), CANNOT_TELL),
    "type-variable-wrong": (InputReader, ReaderGeneric("inputs"), CANNOT_TELL),
    "bound-type-variable": (InputReader, ReaderBoundTypeVar(LiteralMap()), CONFORMS),
    "wrong-return": (InputReader, ReaderWrongReturn, DOES_NOT_CONFORM),
    "any-return": (InputReader, ReaderAnyReturn, CONFORMS),
    "narrower-return": (InputReader, ReaderNarrowerReturn, CONFORMS),
    "def-returning-coroutine": (InputReader, ReaderCoroutineDef, CONFORMS),
    "def-returning-awaitable": (InputReader, ReaderAwaitableDef, CONFORMS),
    "def-returning-wrong-coroutine": (InputReader, ReaderCoroutineWrongResult, DOES_NOT_CONFORM),
    "coroutine-for-sync-member": (InputReader, ReaderCoroutinePath, DOES_NOT_CONFORM),
    "unannotated-forward": (InputReader, ReaderUnannotatedForward, CANNOT_TELL),
    "unannotated-paths": (InputReader, ReaderUnannotatedPaths, CANNOT_TELL),
    "set-in-init-class": (InputReader, ReaderInitMember, CANNOT_TELL),
    "set-in-init-async": (InputReader, ReaderInitMember(_other_get), CONFORMS),
    "set-in-init-sync": (InputReader, ReaderInitMember(_sync_get), DOES_NOT_CONFORM),
    "set-in-init-none": (InputReader, ReaderInitMember(None), DOES_NOT_CONFORM),
    "getattr-class": (InputReader, ReaderGetattr, CANNOT_TELL),
    "getattr-async": (InputReader, ReaderGetattr(Reader()), CONFORMS),
    "getattr-sync": (InputReader, ReaderGetattr(ReaderSyncGet()), DOES_NOT_CONFORM),
    "getattr-missing": (InputReader, ReaderGetattr(Paths()), DOES_NOT_CONFORM),
    "callable-object": (InputReader, ReaderCallableObject, CONFORMS),
    "sync-callable-object": (InputReader, ReaderSyncCallableObject, DOES_NOT_CONFORM),
    "int-attribute": (InputReader, ReaderIntAttribute, DOES_NOT_CONFORM),
    "instance-plain": (InputReader, Reader(), CONFORMS),
    "instance-replaced-none": (InputReader, _instance(Reader, get=None), DOES_NOT_CONFORM),
    "instance-replaced-sync": (InputReader, _instance(Reader, get=_sync_get), DOES_NOT_CONFORM),
    "instance-replaced-async": (InputReader, _instance(Reader, get=_other_get), CONFORMS),
    "instance-replaced-path": (
        InputReader,
        _instance(Reader, get_input_path=lambda: "s3://x"),
        CANNOT_TELL,
    ),
    "writer-plain": (OutputWriter, Writer, CONFORMS),
    "writer-str-parameter": (OutputWriter, WriterStrParameter, DOES_NOT_CONFORM),
    "writer-object-parameter": (OutputWriter, WriterObjectParameter, CONFORMS),
    "writer-narrow-parameter": (OutputWriter, WriterNarrowParameter, DOES_NOT_CONFORM),
    "writer-union-parameter": (OutputWriter, WriterUnionParameter, CONFORMS),
    "writer-overloaded": (OutputWriter, WriterOverloaded, CONFORMS),
    "writer-overloaded-wrong": (OutputWriter, WriterOverloadedWrong, DOES_NOT_CONFORM),
    "writer-keyword-only": (OutputWriter, WriterKeywordName, DOES_NOT_CONFORM),
    "writer-unresolved-parameter": (OutputWriter, WriterUnresolvedParameter, CANNOT_TELL),
}
