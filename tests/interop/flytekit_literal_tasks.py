# mypy: disable-error-code="import-not-found, untyped-decorator, valid-type, type-arg"
"""Tasks that exchange every kind of value with kozmo_io.literals, run by flytekit.

Imported only by the flytekit interop virtualenv's Python (mypy here sees flytekit as missing, hence
the disabled codes above; a bare ``dict`` is the SDKs' untyped dict). ``echo`` checks that each
input is the value ``sdk_values`` names (files and directories by content) and returns it (all but
``a_none``: an output of type None is not something the SDK writes); ``make`` returns those values
as flytekit builds them itself.
"""

from __future__ import annotations

import datetime as dt
import pathlib

import sdk_values as v
from flytekit import current_context, task
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile
from flytekit.types.structured import StructuredDataset

TxtFile = FlyteFile["txt"]

Values = tuple[
    int,
    float,
    str,
    bool,
    dt.datetime,
    dt.date,
    dt.timedelta,
    list[int],
    dict[str, float],
    int | None,
    str | None,
    int | str,
    list[list[int | None]],
    v.Color,
    v.Record,
    v.Record,
    dict,
    FlyteFile,
    TxtFile,
    FlyteDirectory,
    StructuredDataset,
    FlyteFile | None,
]


def _text(file: FlyteFile) -> str:
    with open(file, encoding="utf-8") as handle:  # noqa: PTH123 - FlyteFile is os.PathLike
        return handle.read()


@task
def echo(  # noqa: PLR0913, PLR0917 - one input per kind of value
    a_int: int,
    a_float: float,
    a_str: str,
    a_bool: bool,  # noqa: FBT001 - a task input
    a_datetime: dt.datetime,
    a_date: dt.date,
    a_timedelta: dt.timedelta,
    a_none: None,
    a_list: list[int],
    a_dict: dict[str, float],
    a_optional_some: int | None,
    a_optional_none: str | None,
    a_union: int | str,
    a_nested: list[list[int | None]],
    a_enum: v.Color,
    a_dataclass: v.Record,
    a_attrs: v.Record,
    a_untyped: dict,
    a_file: FlyteFile,
    a_file_txt: TxtFile,
    a_dir: FlyteDirectory,
    a_dataset: StructuredDataset,
    a_optional_file: FlyteFile | None,
) -> Values:
    plain = v.check_inputs(locals())
    v.check("a_file", _text(a_file), v.FILE_TEXT)
    v.check("a_file_txt", _text(a_file_txt), v.FILE_TEXT)
    v.check("a_optional_file", a_optional_file is not None and _text(a_optional_file), v.FILE_TEXT)
    local = pathlib.Path(a_dir.download())
    v.check("a_dir", {p.name: p.read_text(encoding="utf-8") for p in local.iterdir()}, v.DIR_FILES)
    # A dataset that was read from a literal (never opened) keeps its location in that literal.
    stored = a_dataset.literal
    where = (stored.uri, stored.metadata.structured_dataset_type.format) if stored else None
    v.check("a_dataset", where, (v.DATASET_URI, v.DATASET_FORMAT))
    return (
        *plain,
        a_file,
        a_file_txt,
        a_dir,
        a_dataset,
        a_optional_file,
    )


@task
def make() -> Values:
    work = pathlib.Path(current_context().working_directory)
    file = work / "made.txt"
    file.write_text(v.FILE_TEXT, encoding="utf-8")
    folder = work / "made-dir"
    folder.mkdir()
    for name, text in v.DIR_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return (
        *v.made(),
        FlyteFile(str(file)),
        TxtFile(str(file)),
        FlyteDirectory(str(folder)),
        StructuredDataset(uri=v.DATASET_URI, file_format=v.DATASET_FORMAT),
        FlyteFile(str(file)),
    )
