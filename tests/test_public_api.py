"""The public surface: sorted ``__all__`` tuples, resolvable re-exports, lazy heavy imports."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

import kozmo_io


def _public_modules() -> list[ModuleType]:
    modules: list[ModuleType] = [kozmo_io]
    for info in pkgutil.walk_packages(kozmo_io.__path__, "kozmo_io."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts) or parts[-1].endswith("_pb2"):
            continue
        modules.append(importlib.import_module(info.name))
    return modules


PUBLIC_MODULES = _public_modules()


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda m: m.__name__)
def test_public_module_declares_all_as_sorted_tuple(module: ModuleType) -> None:
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, tuple), f"{module.__name__}.__all__ must be a tuple"
    assert list(exported) == sorted(exported), f"{module.__name__}.__all__ is not sorted"
    assert len(set(exported)) == len(exported), f"{module.__name__}.__all__ has duplicates"


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda m: m.__name__)
def test_every_exported_name_resolves(module: ModuleType) -> None:
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


def test_top_level_reexports_are_the_defining_objects() -> None:
    for name in kozmo_io.__all__:
        obj = getattr(kozmo_io, name)
        home = getattr(obj, "__module__", None)
        assert home is not None, name
        assert home.startswith("kozmo_io."), f"{name} is defined outside kozmo_io: {home}"
        assert getattr(sys.modules[home], name) is obj


def test_top_level_reexports_are_explicit() -> None:
    source = (kozmo_io.__file__ or "").removesuffix("c")
    with open(source, encoding="utf-8") as handle:  # noqa: PTH123 - a plain read of one file
        text = handle.read()
    for name in kozmo_io.__all__:
        assert f"import {name} as {name}" in text, (
            f"{name} is not re-exported as `{name} as {name}`"
        )


def test_import_does_not_pull_in_testing_kit_or_mypy() -> None:
    code = (
        "import sys, kozmo_io, kozmo_io.protocols; "
        "bad = sorted(m for m in sys.modules if m == 'mypy' or m.startswith(('mypy.', "
        "'kozmo_io.testing', 'kozmo_io.cli', 'pytest'))); print(','.join(bad))"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("kozmo_io.protocols", ("kozmo_io.storage", "kozmo_io.ioutils", "kozmo_io.conformance")),
        (
            "kozmo_io.literals",
            ("kozmo_io.storage", "kozmo_io.ioutils", "kozmo_io.conformance", "kozmo_io.testing"),
        ),
        ("kozmo_io.storage", ("kozmo_io.ioutils", "kozmo_io.conformance", "kozmo_io.testing")),
        ("kozmo_io.conformance", ("kozmo_io.ioutils", "kozmo_io.storage", "kozmo_io.testing")),
        ("kozmo_io.ioutils", ("kozmo_io.conformance", "kozmo_io.testing", "kozmo_io.cli")),
    ],
)
def test_layers_import_only_the_layers_below(module: str, forbidden: tuple[str, ...]) -> None:
    code = (
        f"import sys, {module}; "
        f"print(','.join(sorted(m for m in sys.modules if m.startswith({forbidden!r}))))"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


# Go-port details a plugin author rarely needs: importable from their modules, not re-exported.
_GO_PORT_DETAILS = {
    "kozmo_io.ioutils.shard_selector": ("generate_alphabet", "generate_arabic_numerals"),
    "kozmo_io.ioutils.unique_id": ("HashAlgorithm",),
    "kozmo_io.ioutils.file_names": ("construct_checkpoint_path", "get_index_lookup_path"),
    "kozmo_io.task_files": (
        "CHECKPOINT_PREFIX",
        "FUTURES_SUFFIX",
        "INDEX_LOOKUP_SUFFIX",
        "TASK_TEMPLATE_SUFFIX",
    ),
}


@pytest.mark.parametrize("module", sorted(_GO_PORT_DETAILS))
def test_go_port_details_stay_in_their_modules(module: str) -> None:
    import kozmo_io.ioutils  # noqa: PLC0415 - the package whose surface is checked

    names = _GO_PORT_DETAILS[module]
    home = importlib.import_module(module)
    assert [name for name in names if name not in home.__all__] == []
    assert [name for name in names if name in kozmo_io.ioutils.__all__] == []
    assert [name for name in names if name in kozmo_io.__all__] == []


def test_ioutils_exports_its_implementations_and_no_file_name_constants() -> None:
    import kozmo_io.ioutils  # noqa: PLC0415 - the package whose surface is checked

    for name in kozmo_io.ioutils.__all__:
        home = getattr(kozmo_io.ioutils, name).__module__
        assert home.startswith(("kozmo_io.ioutils.", "kozmo_io.task_files")), (name, home)
    assert [name for name in kozmo_io.ioutils.__all__ if name.isupper()] == []
