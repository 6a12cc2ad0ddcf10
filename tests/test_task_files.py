"""Task file names and the TaskFolder value."""

from __future__ import annotations

from kozmo_io import task_files
from kozmo_io.ioutils import file_names, task_folders
from kozmo_io.reference import DataReference
from kozmo_io.task_files import TASK_FILES, TaskFolder


def test_a_task_folder_is_marked_by_its_inputs_outputs_error_or_deck() -> None:
    assert frozenset({"inputs.pb", "outputs.pb", "error.pb", "deck.html"}) == TASK_FILES


def test_a_task_folder_tells_which_results_were_listed() -> None:
    both = TaskFolder(DataReference("s3://b/run/t"), frozenset({"outputs.pb", "error.pb"}))
    inputs_only = TaskFolder(DataReference("s3://b/run/u"), frozenset({"inputs.pb"}))
    assert (both.has_outputs, both.has_error) == (True, True)
    assert (inputs_only.has_outputs, inputs_only.has_error) == (False, False)


def test_the_ioutils_modules_re_export_the_same_values() -> None:
    for name in file_names.__all__:
        if name.isupper():
            assert getattr(file_names, name) is getattr(task_files, name), name
    assert task_folders.TaskFolder is TaskFolder
    assert task_folders.TASK_FILES is TASK_FILES
