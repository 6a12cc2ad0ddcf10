"""Find the tasks of a run by listing its prefix: :func:`list_task_folders`.

A run prefix (``s3://bucket/metadata/run1``) holds one folder per task execution. The listing is
read one page at a time, in key order, and a folder is reported as soon as the listing has passed
it, so memory stays bounded by the depth of the folder tree, whatever the number of tasks:

* a folder holding ``outputs.pb``, ``error.pb`` or ``deck.html`` is a task's output prefix;
* a folder holding ``inputs.pb`` with no such folder at or beneath it (the engine writes a task's
  files to ``<input folder>/<attempt>``) is a task that never left anything.

Each :class:`~kozmo_io.task_files.TaskFolder` (re-exported here) names the files found, so a
reader knows which one to fetch without asking the store again
(:func:`~kozmo_io.ioutils.stream_outputs` reads one file per folder).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import final

from kozmo_io.reference import DataReference
from kozmo_io.storage import BlobStore, positive_limit
from kozmo_io.task_files import (
    DECK_SUFFIX,
    ERRORS_SUFFIX,
    INPUTS_SUFFIX,
    OUTPUTS_SUFFIX,
    TASK_FILES,
    TaskFolder,
)

__all__ = ("TASK_FILES", "TaskFolder", "list_task_folders")

_OUTPUT_FILES = frozenset({OUTPUTS_SUFFIX, ERRORS_SUFFIX, DECK_SUFFIX})


@final
class _Open:
    """A folder the listing is still inside."""

    __slots__ = ("files", "path", "task_below")

    def __init__(self, path: str) -> None:
        self.path = path
        self.files: set[str] = set()
        self.task_below = False


@final
class _Chain:
    """The folders enclosing the current key, outermost first.

    Keys sharing a folder are contiguous in key order, so a folder is complete once a key outside
    it arrives.
    """

    __slots__ = ("_folders", "_root_end")

    def __init__(self, root_end: int) -> None:
        self._folders: list[_Open] = []
        self._root_end = root_end  # where the run prefix ends in a listed reference

    def _close_innermost(self) -> TaskFolder | None:
        folder = self._folders.pop()
        is_output = not _OUTPUT_FILES.isdisjoint(folder.files)
        if self._folders:
            parent = self._folders[-1]
            parent.task_below = parent.task_below or is_output or folder.task_below
        if is_output or (INPUTS_SUFFIX in folder.files and not folder.task_below):
            return TaskFolder(DataReference(folder.path), frozenset(folder.files))
        return None

    def visit(self, folder: str, name: str) -> list[TaskFolder]:
        """Note file ``name`` in ``folder``; return the folders this completes."""
        done = []
        folders = self._folders
        while folders and not (
            folder == folders[-1].path or folder.startswith(folders[-1].path + "/")
        ):
            found = self._close_innermost()
            if found is not None:
                done.append(found)
        # Open every folder between the innermost open one and this file's folder, so a task
        # below an ``inputs.pb`` folder is credited to it even when listed before it.
        position = folder.find("/", len(folders[-1].path) + 1 if folders else self._root_end)
        while position != -1:
            folders.append(_Open(folder[:position]))
            position = folder.find("/", position + 1)
        if not folders or folders[-1].path != folder:
            folders.append(_Open(folder))
        folders[-1].files.add(name)
        return done

    def close(self) -> list[TaskFolder]:
        """Close every open folder; return the task folders among them."""
        done = []
        while self._folders:
            found = self._close_innermost()
            if found is not None:
                done.append(found)
        return done


async def list_task_folders(
    store: BlobStore, run_prefix: str, /, *, page_size: int = 1000
) -> AsyncGenerator[TaskFolder, None]:
    """Yield the task folders under ``run_prefix``, reading the listing one page at a time.

    Folders come in key order of their last file, each once the listing has moved past it; one
    ``list`` request per ``page_size`` objects under the prefix. Memory holds one page and the
    folders enclosing the current key.

    Args:
        store: The store holding the run.
        run_prefix: The run's folder (``s3://bucket/metadata/run1``); only keys under
            ``<run_prefix>/`` are listed, and ``run_prefix`` itself is reported when it is a task
            folder.
        page_size: Objects per ``list`` request (a positive integer).

    Yields:
        One :class:`TaskFolder` per task folder found.

    Raises:
        InvalidReferenceError: ``run_prefix`` is malformed, hostile or not in ``store``.
        InvalidArgumentError: ``page_size`` is not a positive integer.
        StorageError: A ``list`` request failed; the folders yielded before stand.
    """
    positive_limit(page_size, "page_size")
    listed = run_prefix if run_prefix.endswith("/") else f"{run_prefix}/"
    chain = _Chain(len(listed) - 1)
    cursor: str | None = None
    while True:
        page = await store.list(listed, max_items=page_size, cursor=cursor)
        for item in page.items:
            folder, _, name = item.rpartition("/")
            if name in TASK_FILES:
                for found in chain.visit(folder, name):
                    yield found
        cursor = page.cursor
        if cursor is None:
            break
    for found in chain.close():
        yield found
