"""Task file names (the engine's) and the TaskFolder value."""

from __future__ import annotations

from kozmo_io import task_files
from kozmo_io.ioutils import task_folders
from kozmo_io.reference import DataReference
from kozmo_io.task_files import TASK_FILES, TaskFolder


def test_a_task_folder_is_marked_by_its_inputs_outputs_error_or_deck() -> None:
    assert frozenset({"inputs.pb", "outputs.pb", "error.pb", "deck.html"}) == TASK_FILES


def test_a_task_folder_tells_which_results_were_listed() -> None:
    both = TaskFolder(DataReference("s3://b/run/t"), frozenset({"outputs.pb", "error.pb"}))
    inputs_only = TaskFolder(DataReference("s3://b/run/u"), frozenset({"inputs.pb"}))
    assert (both.has_outputs, both.has_error) == (True, True)
    assert (inputs_only.has_outputs, inputs_only.has_error) == (False, False)


def test_the_listing_module_re_exports_the_folder_value() -> None:
    assert task_folders.TaskFolder is TaskFolder
    assert task_folders.TASK_FILES is TASK_FILES


def test_file_names_match_the_engine() -> None:
    assert (
        task_files.INPUTS_SUFFIX,
        task_files.TASK_TEMPLATE_SUFFIX,
        task_files.FUTURES_SUFFIX,
        task_files.OUTPUTS_SUFFIX,
        task_files.ERRORS_SUFFIX,
        task_files.DECK_SUFFIX,
        task_files.INDEX_LOOKUP_SUFFIX,
        task_files.CHECKPOINT_PREFIX,
    ) == (
        "inputs.pb",
        "task.pb",
        "futures.pb",
        "outputs.pb",
        "error.pb",
        "deck.html",
        "indexlookup.pb",
        "_kozmocheckpoints",
    )
