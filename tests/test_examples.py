"""The example word-count plugin: computation, outcome class, and full runs on every store."""

from __future__ import annotations

import datetime as dt
from typing import final

import pytest
from _support import run

from kozmo_io import core
from kozmo_io.conformance import assert_conforms, check
from kozmo_io.errors import KozmoIOError, NotFoundError
from kozmo_io.examples import WordCount, WordCountOutcome, count_words, make_inputs, run_word_count
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.ioutils import (
    CheckpointRemoteFilePaths,
    PrecomputedRawOutputPaths,
    ReadOnlyOutputFilePaths,
    RemoteFileInputReader,
    RemoteFileOutputReader,
    RemoteFileOutputWriter,
    SimpleInputFilePaths,
)
from kozmo_io.protocols import InputReader, OutputReader
from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore, CountingStore, write_message


def _string(value: str) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value=value)))


def _integer(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


async def _run_on(
    store: BlobStore, root: str, inputs: core.LiteralMap | None, *, worker: str | None = "w-0"
) -> tuple[WordCountOutcome, RemoteFileOutputReader]:
    """Write ``inputs`` (unless None), run the plugin, return its outcome and a reader over it."""
    input_paths = SimpleInputFilePaths(f"{root}/metadata/e1/n0")
    if inputs is not None:
        await write_message(store, input_paths.get_input_path(), inputs)
    paths = CheckpointRemoteFilePaths(
        f"{root}/metadata/e1/n0/0", PrecomputedRawOutputPaths(f"{root}/raw/ab/e1-n0-0")
    )
    outcome = await run_word_count(
        RemoteFileInputReader(store, input_paths),
        RemoteFileOutputWriter(store, paths),
        worker=worker,
    )
    return outcome, RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(paths.output_prefix))


def test_count_words_counts_ranks_and_finds_the_longest() -> None:
    counts = count_words("The cat saw the dog; the DOG ran, didn't it?", top_n=2)
    assert counts == WordCount(words=10, distinct=7, longest="didn't", top=("the", "dog"))


def test_count_words_breaks_frequency_ties_alphabetically() -> None:
    assert count_words("b a c").top == ("a", "b", "c")
    assert count_words("b a c", top_n=1).top == ("a",)


def test_count_words_longest_is_the_first_of_equal_length() -> None:
    assert count_words("abc xyz").longest == "abc"


@pytest.mark.parametrize("text", ["", "   ", "... -- !!"])
def test_count_words_rejects_a_text_without_words(text: str) -> None:
    with pytest.raises(ValueError, match="text has no words"):
        count_words(text)


@pytest.mark.parametrize("top_n", [0, -1])
def test_count_words_rejects_top_n_below_one(top_n: int) -> None:
    with pytest.raises(ValueError, match="top_n must be at least 1"):
        count_words("a", top_n)


def test_make_inputs_builds_the_inputs_literal_map() -> None:
    inputs = make_inputs("hello", top_n=5)
    assert inputs == core.LiteralMap(literals={"text": _string("hello"), "top_n": _integer(5)})


def test_word_count_round_trips_through_a_literal_map() -> None:
    counts = WordCount(words=3, distinct=2, longest="abc", top=("abc", "d"))
    outputs = counts.to_literal_map()
    assert sorted(outputs.literals) == ["distinct", "longest", "top", "words"]
    assert outputs.literals["top"].collection.literals[1] == _string("d")
    assert WordCount.from_literal_map(outputs) == counts


def test_word_count_from_literal_map_rejects_missing_or_mistyped_outputs() -> None:
    outputs = WordCount(words=1, distinct=1, longest="a", top=("a",)).to_literal_map()
    without_top = core.LiteralMap()
    without_top.CopyFrom(outputs)
    del without_top.literals["top"]
    with pytest.raises(ValueError, match="'top' must be a collection"):
        WordCount.from_literal_map(without_top)
    outputs.literals["words"].CopyFrom(_string("1"))
    with pytest.raises(ValueError, match="'words' must be an integer"):
        WordCount.from_literal_map(outputs)


def test_word_count_outcome_conforms_to_output_reader() -> None:
    assert check(WordCountOutcome, OutputReader).ok
    assert_conforms(WordCountOutcome(), OutputReader, strict=True)


def test_word_count_outcome_of_a_success_reads_as_outputs() -> None:
    counts = count_words("a b a")
    outcome = WordCountOutcome(counts=counts)
    assert outcome.is_file() is False
    assert run(outcome.is_error()) is False
    assert run(outcome.exists()) is True
    assert run(outcome.deck_exists()) is False
    assert run(outcome.read()) == (counts.to_literal_map(), None)
    with pytest.raises(KozmoIOError, match="no error to read"):
        run(outcome.read_error())


def test_word_count_outcome_of_a_failure_reads_as_the_error() -> None:
    error = ExecutionError(code="ValueError", message="m", kind=ErrorKind.USER)
    outcome = WordCountOutcome(error=error)
    assert run(outcome.is_error()) is True
    assert run(outcome.exists()) is False
    assert run(outcome.read_error()) is error
    assert run(outcome.read()) == (None, error)


def test_run_word_count_persists_outputs_the_engine_reads_back(
    store: BlobStore, store_root: str
) -> None:
    text = "one two two three three three"
    counting = CountingStore(store)
    outcome, back = run(_run_on(counting, store_root, make_inputs(text, top_n=2)))
    assert outcome == WordCountOutcome(counts=count_words(text, 2))
    assert counting.counts["put"] == 2  # inputs.pb (by the test) and outputs.pb
    assert counting.counts["get"] == 1  # the plugin read its inputs once
    assert run(back.is_error()) is False
    assert run(back.exists()) is True
    outputs, error = run(back.read())
    assert error is None
    assert outputs is not None
    assert WordCount.from_literal_map(outputs) == WordCount(
        words=6, distinct=3, longest="three", top=("three", "two")
    )


def test_run_word_count_persists_a_user_error_for_an_empty_text(
    store: BlobStore, store_root: str
) -> None:
    before = dt.datetime.now(dt.UTC)
    outcome, back = run(_run_on(store, store_root, make_inputs("")))
    assert outcome.counts is None
    assert run(back.is_error()) is True
    error = run(back.read_error())
    assert error == outcome.error
    assert (error.code, error.message) == ("ValueError", "text has no words")
    assert error.kind is ErrorKind.USER
    assert error.is_recoverable is False
    assert error.worker == "w-0"
    assert error.timestamp is not None
    assert before <= error.timestamp <= dt.datetime.now(dt.UTC)
    assert run(back.exists()) is False


def test_run_word_count_names_the_host_as_worker_by_default(
    store: BlobStore, store_root: str
) -> None:
    import socket  # noqa: PLC0415 - only this test needs it

    outcome, _ = run(_run_on(store, store_root, make_inputs(""), worker=None))
    assert outcome.error is not None
    assert outcome.error.worker == socket.gethostname()


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (core.LiteralMap(), "'text' is required"),
        (core.LiteralMap(literals={"text": _integer(3)}), "'text' must be a string"),
        (
            core.LiteralMap(literals={"text": _string("a"), "top_n": _string("2")}),
            "'top_n' must be an integer",
        ),
        (core.LiteralMap(literals={"text": _string("a"), "top_n": _integer(0)}), "top_n must be"),
    ],
)
def test_run_word_count_reports_bad_inputs_as_user_errors(
    store: BlobStore, store_root: str, inputs: core.LiteralMap, message: str
) -> None:
    _, back = run(_run_on(store, store_root, inputs))
    error = run(back.read_error())
    assert error.code == "ValueError"
    assert message in error.message
    assert error.kind is ErrorKind.USER


@final
class _VoidInputs:
    """An InputReader for a task without inputs (``get`` returns None)."""

    def get_input_prefix_path(self) -> DataReference:
        return DataReference("memory://bucket/in")

    def get_input_path(self) -> DataReference:
        return DataReference("memory://bucket/in/inputs.pb")

    async def get(self) -> core.LiteralMap | None:
        return None


def test_run_word_count_reports_void_inputs_as_a_missing_text(
    store: BlobStore, store_root: str
) -> None:
    reader: InputReader = _VoidInputs()
    paths = CheckpointRemoteFilePaths(f"{store_root}/out", PrecomputedRawOutputPaths("raw"))
    outcome = run(run_word_count(reader, RemoteFileOutputWriter(store, paths)))
    assert outcome.error is not None
    assert outcome.error.message == "'text' is required"
    back = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{store_root}/out"))
    assert run(back.read_error()) == outcome.error


def test_run_word_count_raises_a_missing_inputs_file_and_writes_nothing(
    store: BlobStore, store_root: str
) -> None:
    with pytest.raises(NotFoundError, match=r"inputs\.pb"):
        run(_run_on(store, store_root, None))
    back = RemoteFileOutputReader(store, ReadOnlyOutputFilePaths(f"{store_root}/metadata/e1/n0/0"))
    assert run(back.is_error()) is False
    assert run(back.exists()) is False
