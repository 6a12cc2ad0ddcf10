"""A small task plugin to copy: count the words of a text.

The task reads its inputs through any :class:`~kozmo_io.protocols.InputReader`, computes, and hands
what it produced to any :class:`~kozmo_io.protocols.OutputWriter` as a :class:`WordCountOutcome`,
an :class:`~kozmo_io.protocols.OutputReader` written by shape (no base class). A bad input is the
task's own failure: it becomes an :class:`~kozmo_io.ExecutionError` (kind USER, not recoverable)
persisted as ``error.pb``, never an exception. Storage problems are system problems: they are
raised.

Inputs: ``text`` (string, required) and ``top_n`` (integer >= 1, default 3). Outputs: ``words``
and ``distinct`` (integers), ``longest`` (string) and ``top`` (the ``top_n`` most frequent words,
most frequent first, as a collection of strings).

Wiring it to a store with the reference implementations::

    store = open_store(output_prefix)  # a local path, file://, s3://, gs:// or abfs://
    reader = RemoteFileInputReader(store, SimpleInputFilePaths(input_prefix))
    paths = CheckpointRemoteFilePaths(output_prefix, PrecomputedRawOutputPaths(raw_prefix))
    outcome = await run_word_count(reader, RemoteFileOutputWriter(store, paths))
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import socket
from typing import Self, final

import attrs

from kozmo_io import core
from kozmo_io.errors import KozmoIOError
from kozmo_io.execution_error import ErrorKind, ExecutionError
from kozmo_io.protocols import InputReader, OutputWriter

__all__ = ("WordCount", "WordCountOutcome", "count_words", "make_inputs", "run_word_count")

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_DEFAULT_TOP_N = 3
_KIND_NAMES = {"integer": "an integer", "string_value": "a string"}


def _integer(value: int) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))


def _string(value: str) -> core.Literal:
    return core.Literal(scalar=core.Scalar(primitive=core.Primitive(string_value=value)))


def _primitive(literals: core.LiteralMap, name: str, kind: str) -> core.Primitive:
    """Return the primitive ``name`` holding a ``kind``; ValueError (a task error) if not."""
    if name not in literals.literals:
        msg = f"{name!r} is required"
        raise ValueError(msg)
    primitive = literals.literals[name].scalar.primitive
    if primitive.WhichOneof("value") != kind:
        msg = f"{name!r} must be {_KIND_NAMES[kind]}"
        raise ValueError(msg)
    return primitive


@final
@attrs.frozen
class WordCount:
    """The task's outputs as typed values.

    Args:
        words: How many words the text has.
        distinct: How many different words (case-insensitive).
        longest: The longest word (the first one met on a tie).
        top: The most frequent words, most frequent first (ties in alphabetical order).
    """

    words: int
    distinct: int
    longest: str
    top: tuple[str, ...]

    def to_literal_map(self) -> core.LiteralMap:
        """Return the outputs as the LiteralMap the engine reads."""
        top = core.Literal(
            collection=core.LiteralCollection(literals=[_string(word) for word in self.top])
        )
        return core.LiteralMap(
            literals={
                "words": _integer(self.words),
                "distinct": _integer(self.distinct),
                "longest": _string(self.longest),
                "top": top,
            }
        )

    @classmethod
    def from_literal_map(cls, literals: core.LiteralMap, /) -> Self:
        """Read the outputs back from a LiteralMap.

        Args:
            literals: What :meth:`to_literal_map` produced.

        Returns:
            The value.

        Raises:
            ValueError: An output is missing or of another type.
        """
        if "top" not in literals.literals or not literals.literals["top"].HasField("collection"):
            msg = "output 'top' must be a collection"
            raise ValueError(msg)
        top = literals.literals["top"].collection.literals
        return cls(
            words=_primitive(literals, "words", "integer").integer,
            distinct=_primitive(literals, "distinct", "integer").integer,
            longest=_primitive(literals, "longest", "string_value").string_value,
            top=tuple(item.scalar.primitive.string_value for item in top),
        )


def count_words(text: str, top_n: int = _DEFAULT_TOP_N) -> WordCount:
    """Count the words of ``text``: the task's computation, free of any IO.

    Args:
        text: The text; words are runs of letters and digits (inner apostrophes kept).
        top_n: How many of the most frequent words to report (at least 1).

    Returns:
        The counts.

    Raises:
        ValueError: ``text`` has no word, or ``top_n`` is below 1.
    """
    if top_n < 1:
        msg = f"top_n must be at least 1, got {top_n}"
        raise ValueError(msg)
    words = _WORD.findall(text)
    if not words:
        msg = "text has no words"
        raise ValueError(msg)
    frequencies = collections.Counter(word.lower() for word in words)
    ranked = sorted(frequencies.items(), key=lambda item: (-item[1], item[0]))
    return WordCount(
        words=len(words),
        distinct=len(frequencies),
        longest=max(words, key=len),
        top=tuple(word for word, _ in ranked[:top_n]),
    )


def make_inputs(text: str, top_n: int = _DEFAULT_TOP_N) -> core.LiteralMap:
    """Return the task's inputs as the LiteralMap the engine writes to ``inputs.pb``."""
    return core.LiteralMap(literals={"text": _string(text), "top_n": _integer(top_n)})


@final
@attrs.frozen
class WordCountOutcome:
    """What one run produced, as an :class:`~kozmo_io.protocols.OutputReader` a writer persists.

    Exactly one of ``counts`` and ``error`` is set. No method makes a storage request.

    Args:
        counts: The outputs of a successful run.
        error: The task's failure.
    """

    counts: WordCount | None = None
    error: ExecutionError | None = None

    def is_file(self) -> bool:
        """Return False: the outputs are in memory, a writer must persist them."""
        return False

    async def is_error(self) -> bool:
        """Return whether the run failed."""
        return self.error is not None

    async def read_error(self) -> ExecutionError:
        """Return the run's error.

        Raises:
            KozmoIOError: The run succeeded (there is no error to read).
        """
        if self.error is None:
            msg = "the word count succeeded: there is no error to read"
            raise KozmoIOError(msg)
        return self.error

    async def exists(self) -> bool:
        """Return whether the run produced outputs."""
        return self.counts is not None

    async def read(self) -> tuple[core.LiteralMap | None, ExecutionError | None]:
        """Return ``(outputs, None)`` after a success, ``(None, error)`` after a failure."""
        outputs = None if self.counts is None else self.counts.to_literal_map()
        return outputs, self.error

    async def deck_exists(self) -> bool:
        """Return False: this task renders no deck."""
        return False


def _compute(inputs: core.LiteralMap | None) -> WordCount:
    literals = inputs if inputs is not None else core.LiteralMap()
    text = _primitive(literals, "text", "string_value").string_value
    top_n = _DEFAULT_TOP_N
    if "top_n" in literals.literals:
        top_n = _primitive(literals, "top_n", "integer").integer
    return count_words(text, top_n)


async def run_word_count(
    reader: InputReader, writer: OutputWriter, /, *, worker: str | None = None
) -> WordCountOutcome:
    """Run the task once: read the inputs, count, hand the outcome to ``writer``.

    Args:
        reader: Where the inputs come from (one ``get``).
        writer: Where the outcome goes (one ``put``): ``outputs.pb`` or ``error.pb``.
        worker: The name recorded in an error (the pod in a cluster); the host name by default.

    Returns:
        What was handed to ``writer``.

    Raises:
        KozmoIOError: Reading the inputs or writing the outcome failed (a system problem: nothing
            is reported as a task error then).
    """
    inputs = await reader.get()  # outside the try: a storage failure is not the task's failure
    try:
        outcome = WordCountOutcome(counts=_compute(inputs))
    except ValueError as exc:
        error = ExecutionError(
            code=type(exc).__name__,
            message=str(exc),
            kind=ErrorKind.USER,
            is_recoverable=False,  # the same inputs would fail again
            timestamp=dt.datetime.now(dt.UTC),
            worker=socket.gethostname() if worker is None else worker,
        )
        outcome = WordCountOutcome(error=error)
    await writer.put(outcome)
    return outcome
