"""Small, copyable task plugins built on the reference implementations.

* :mod:`kozmo_io.examples.hello`: a whole task execution in one short program, the plugin and the
  engine's side around it (``python -m kozmo_io.examples.hello DIR [NAME]``).
* :mod:`kozmo_io.examples.by_shape`: an OutputReader of your own, written by shape and checked,
  handed to the reference writer (``python -m kozmo_io.examples.by_shape DIR``).
* :mod:`kozmo_io.examples.word_count` (used by ``kozmo-io demo``): counts the words of a text; it
  reads its inputs through an :class:`~kozmo_io.protocols.InputReader` and hands its outputs, or its
  error, to an :class:`~kozmo_io.protocols.OutputWriter`. Its names are re-exported here.
* :mod:`kozmo_io.examples.map_run`: writes a generated map-task run of word-count sub-tasks (some
  failing on purpose) for ``kozmo-io scan`` to look at (``kozmo-io demo --map N``). Its names are
  re-exported here.
"""

from __future__ import annotations

from kozmo_io.examples.map_run import MapRunPlan as MapRunPlan
from kozmo_io.examples.map_run import plan_map_run as plan_map_run
from kozmo_io.examples.map_run import write_map_run as write_map_run
from kozmo_io.examples.word_count import WordCount as WordCount
from kozmo_io.examples.word_count import WordCountOutcome as WordCountOutcome
from kozmo_io.examples.word_count import count_words as count_words
from kozmo_io.examples.word_count import make_inputs as make_inputs
from kozmo_io.examples.word_count import run_word_count as run_word_count

__all__ = (
    "MapRunPlan",
    "WordCount",
    "WordCountOutcome",
    "count_words",
    "make_inputs",
    "plan_map_run",
    "run_word_count",
    "write_map_run",
)
