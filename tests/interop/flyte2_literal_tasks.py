# mypy: disable-error-code="import-not-found, untyped-decorator, misc, type-arg"
"""Tasks that exchange every kind of value with kozmo_io.literals, run by the Flyte 2 SDK's ``a0``.

Imported only by the Flyte 2 interop virtualenv's Python (mypy here sees ``flyte`` as missing, hence
the disabled codes above; a bare ``dict`` is the SDKs' untyped dict). ``echo`` checks that each
input is the value ``sdk_values`` names (files and directories by content) and returns it (all but
``a_none``: an output of type None is not something the SDK writes); ``make`` returns those values
as the Flyte 2 SDK builds them itself. The SDK has no typed file format, so ``a_file_txt`` is a
plain ``File`` whose literal carries the format.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import tempfile

import flyte
import sdk_values as v
from flyte.io import DataFrame, Dir, File

env = flyte.TaskEnvironment(name="kozmo_interop")

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
    File,
    File,
    Dir,
    DataFrame,
    File | None,
]


async def _text(file: File) -> str:
    local = pathlib.Path(await file.download())
    return local.read_text(encoding="utf-8")  # noqa: ASYNC240 - a small local file, one task


@env.task
async def echo(  # noqa: PLR0913, PLR0917 - one input per kind of value
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
    a_file: File,
    a_file_txt: File,
    a_dir: Dir,
    a_dataset: DataFrame,
    a_optional_file: File | None,
) -> Values:
    plain = v.check_inputs(locals())
    v.check("a_file", await _text(a_file), v.FILE_TEXT)
    v.check("a_file_txt", (await _text(a_file_txt), a_file_txt.format), (v.FILE_TEXT, "txt"))
    v.check(
        "a_optional_file", a_optional_file is not None and await _text(a_optional_file), v.FILE_TEXT
    )
    local = pathlib.Path(await a_dir.download())
    files = {p.name: p.read_text(encoding="utf-8") for p in local.iterdir()}  # noqa: ASYNC240 - two small local files
    v.check("a_dir", files, v.DIR_FILES)
    v.check("a_dataset", (a_dataset.uri, a_dataset.format), (v.DATASET_URI, v.DATASET_FORMAT))
    return (
        *plain,
        a_file,
        a_file_txt,
        a_dir,
        a_dataset,
        a_optional_file,
    )


@env.task
async def make() -> Values:
    work = pathlib.Path(tempfile.mkdtemp())
    file = work / "made.txt"
    file.write_text(v.FILE_TEXT, encoding="utf-8")
    folder = work / "made-dir"
    folder.mkdir()
    for name, text in v.DIR_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    uploaded = await File.from_local(str(file))
    return (
        *v.made(),
        uploaded,
        File(path=uploaded.path, format="txt"),
        await Dir.from_local(str(folder)),
        DataFrame(uri=v.DATASET_URI, format=v.DATASET_FORMAT),
        uploaded,
    )
