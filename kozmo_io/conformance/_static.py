"""Static conformance: a generated probe, checked by mypy or basedpyright, mapped onto a report.

The probe imports each target and protocol by module name and asks the checker three things per
pair: the class form (``_: type[P] = Cls``), the instance form (``_: P = obj``) and, member by
member, whether ``obj.member`` may be assigned where ``P.member`` is expected. With mypy the
per-member lines give one message per member (mypy's own protocol notes stop after two); the class
and instance forms catch what no single member shows (an abstract class, settable or class-variable
flags). basedpyright infers a variable's type from all its assignments, so there the per-member
lines only show missing members, and the instance form's message, which lists every incompatible
member, is split member by member. A class the checker cannot import by name (defined in a function
or in ``__main__``, loaded under another module name, in a module it cannot find) gives "cannot
tell", never "does not conform".
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import site
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType

import attrs

from kozmo_io.conformance._report import ConformanceReport, Problem
from kozmo_io.conformance._runtime import as_protocol, display_name, protocol_member_names
from kozmo_io.errors import KozmoIOError

__all__ = ("CHECKERS", "check_static", "check_static_many", "default_cache_dir")

CHECKERS = ("mypy", "pyright")
"""The static checkers: ``mypy`` (the default) and ``pyright`` (run as basedpyright)."""

NOT_IMPORTABLE = "not-importable"

_PROBE = "_kozmo_io_probe"
_LINE = re.compile(
    r"^(?P<path>.*?):(?P<line>\d+):(?:\d+:)? (?P<severity>error|note): (?P<message>.*?)"
    r"(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
_ASSIGNMENT = re.compile(
    r'^Incompatible types in assignment \(expression has type "(?P<found>.*)", '
    r'variable has type "(?P<expected>.*)"\)$'
)
# mypy's notes name a member as "Protocol member P.name expected ..." or "name: expected ...".
_NOTE_MEMBER = re.compile(r"Protocol member [\w.]*\.(\w+) |^(\w+): expected ")
_MYPY_FLAGS = (
    "--strict",
    "--allow-any-generics",  # a generic target or protocol is judged with its parameters as Any
    "--follow-imports=silent",  # judge the probe, not the style of the modules it imports
    "--no-error-summary",
    "--show-error-codes",
    "--show-column-numbers",
    "--show-absolute-path",
    "--hide-error-context",
    "--no-pretty",
)


def default_cache_dir() -> Path:
    """Return the per-user mypy cache of the static check (``$XDG_CACHE_HOME/kozmo_io/mypy``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kozmo_io" / "mypy"


@attrs.frozen
class _Site:
    """What one line of the probe checks."""

    targets: tuple[int, ...]  # indexes into the targets (several for an import line)
    protocols: tuple[int, ...]
    member: str = ""
    form: str = "member"  # member, class, instance or import


@attrs.frozen
class _Message:
    path: str
    line: int
    message: str
    code: str
    notes: list[str] = attrs.field(factory=list)


def _load_pyright() -> list[str]:
    """Return the command that runs basedpyright (its package brings its own Node.js)."""
    try:
        found = importlib.util.find_spec("basedpyright")
    except (ImportError, ValueError):  # a broken or stubbed-out installation
        found = None
    if found is None:
        msg = (
            "check_static(checker='pyright') needs basedpyright: "
            "pip install 'basedpyright>=1.29' (the static extra)"
        )
        raise KozmoIOError(msg)
    return [sys.executable, "-m", "basedpyright"]


def _load_mypy() -> ModuleType:
    try:
        from mypy import api  # noqa: PLC0415 - mypy is an optional extra, loaded only when used
    except ImportError as exc:
        msg = "check_static needs mypy: pip install 'mypy>=1.15' (the static extra)"
        raise KozmoIOError(msg) from exc
    return api


def _address(cls: type) -> str | None:
    """Say why mypy cannot import ``cls`` by name; None when it can."""
    qualname = cls.__qualname__
    if "<locals>" in qualname:
        return "it is defined inside a function"
    if cls.__module__ == "__main__":
        return "it is defined in __main__ (a script); move it into a module"
    found: object = sys.modules.get(cls.__module__)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is not cls:
        return f"{cls.__module__}.{qualname} does not name it"
    return None


def _installed_dirs() -> list[Path]:
    dirs = {sysconfig.get_paths()[key] for key in ("purelib", "platlib", "stdlib", "platstdlib")}
    dirs.update(site.getsitepackages())
    dirs.add(site.getusersitepackages())
    return [Path(d).resolve() for d in dirs]


def _source_roots(modules: Iterable[str]) -> list[str]:
    """Find the directories mypy must search to import ``modules`` (it finds installed ones)."""
    installed = _installed_dirs()
    roots: list[str] = []
    for name in modules:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file is None:
            continue
        path = Path(file).resolve()
        depth = name.count(".") + (path.stem == "__init__")
        root = path.parents[depth]
        if not any(root == d or d in root.parents for d in installed) and str(root) not in roots:
            roots.append(str(root))
    return roots


@attrs.define
class _Probe:
    """The probe's source lines and what each checks."""

    lines: list[str] = attrs.field(factory=lambda: ["# Generated by kozmo_io.conformance."])
    sites: dict[int, _Site] = attrs.field(factory=dict)
    aliases: dict[str, str] = attrs.field(factory=dict)

    def add(self, text: str, site: _Site | None = None) -> None:
        """Append a line, remembering what it checks."""
        self.lines.append(text)
        if site is not None:
            self.sites[len(self.lines)] = site

    def name(self, cls: type) -> str:
        """Return the probe's expression for ``cls`` (its module imported under an alias)."""
        return f"{self.aliases[cls.__module__]}.{cls.__qualname__}"

    def imports(self, classes: Sequence[type], users: dict[str, _Site]) -> None:
        """Import the module of each class once, under an alias."""
        for cls in classes:
            module = cls.__module__
            if module not in self.aliases:
                self.aliases[module] = f"_m{len(self.aliases)}"
                self.add(f"import {module} as {self.aliases[module]}", users[module])

    def pair(self, t: int, target: type, p: int, protocol: type, *, members: bool = True) -> None:
        """Add the class, instance and (with ``members``) per-member checks of one pair."""
        cls, proto, both = self.name(target), self.name(protocol), ((t,), (p,))
        self.add(f"_c{t}_{p}: type[{proto}] = {cls}", _Site(*both, form="class"))
        self.add(f"def _i{t}_{p}(obj: {cls}, /) -> None:")
        self.add(f"    _: {proto} = obj", _Site(*both, form="instance"))
        if not members:
            return
        self.add(f"def _p{t}_{p}(obj: {cls}, proto: {proto}, /) -> None:")
        for index, member in enumerate(protocol_member_names(protocol)):
            self.add(f"    m{index} = proto.{member}")
            self.add(f"    m{index} = obj.{member}", _Site(*both, member=member))


def _parse(output: str) -> list[_Message]:
    messages: list[_Message] = []
    for line in output.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        if match["severity"] == "note":
            if messages:
                messages[-1].notes.append(match["message"].strip())
            continue
        messages.append(
            _Message(match["path"], int(match["line"]), match["message"], match["code"] or "")
        )
    return messages


@attrs.frozen
class _Finding:
    """What one checker error on a probe line says, before it is put into words."""

    kind: str  # import, form (the class or instance form), missing, mismatch or other
    member: str
    expected: str
    found: str
    said: str  # the checker's message
    code: str  # the checker's error code, or ""
    form: str = "member"  # the probe line's form: member, class, instance or import


def _finding(site: _Site, msg: _Message, protocol: type) -> _Finding:
    """Classify one checker error on a probe line (no text is written here)."""
    proto, said = protocol.__qualname__, (msg.message, msg.code)
    if site.form == "import":
        return _Finding("import", "", "an importable, typed module", msg.message, *said, "import")
    assignment = _ASSIGNMENT.match(msg.message)
    if site.form != "member":  # the class or instance form as a whole
        expected = f"type[{proto}]" if site.form == "class" else proto
        found = "; ".join(msg.notes) or msg.message
        if assignment is not None:
            expected, found = assignment["expected"], "; ".join([assignment["found"], *msg.notes])
        named = (_NOTE_MEMBER.search(note) for note in msg.notes)
        member = next((m[1] or m[2] for m in named if m is not None), "")
        return _Finding("form", member, expected, found, *said, site.form)
    if msg.code in ("attr-defined", "reportAttributeAccessIssue"):
        return _Finding("missing", site.member, f"{proto}.{site.member}", "nothing", *said)
    if assignment is not None:
        expected, found = assignment["expected"], assignment["found"]
        return _Finding("mismatch", site.member, expected, found, *said)
    return _Finding("other", site.member, f"{proto}.{site.member}", msg.message, *said)


def _finding_text(finding: _Finding, target: type, protocol: type, checker: str) -> str:
    """Put a finding into the words of a report line."""
    short, proto, member = target.__qualname__, protocol.__qualname__, finding.member
    code = f" [{finding.code}]" if finding.code else ""
    if finding.kind == "import":
        return f"{short}: {checker} cannot import its module: {finding.said}{code}"
    if finding.kind == "form":
        return f"{short} ({finding.form} form): {finding.said}{code}"
    if finding.kind == "missing":
        return f"{short}.{member} is missing ({checker}: {finding.said}){code}"
    if finding.kind == "mismatch":
        return (
            f"{short}.{member} has type {finding.found}, but {proto}.{member} needs "
            f"{finding.expected}{code}"
        )
    return f"{short}.{member}: {finding.said}{code}"


def _problem(
    target: type, site: _Site, msg: _Message, protocol: type, checker: str = "mypy"
) -> Problem:
    """Translate one checker error on a probe line into a report problem."""
    finding = _finding(site, msg, protocol)
    rule = NOT_IMPORTABLE if finding.kind == "import" else "static"
    text = _finding_text(finding, target, protocol, checker)
    return Problem(
        display_name(target), finding.member, rule, finding.expected, finding.found, text
    )


@attrs.define
class _Run:
    """One mypy run over several targets and protocols, and the problems it finds per protocol."""

    classes: tuple[type, ...]
    protos: tuple[type, ...]
    problems: dict[int, list[Problem]] = attrs.field(init=False)
    unknowns: dict[int, list[Problem]] = attrs.field(init=False)
    pairs: list[tuple[int, int]] = attrs.field(factory=list)
    checker: str = "mypy"

    def __attrs_post_init__(self) -> None:
        self.problems = {p: [] for p in range(len(self.protos))}
        self.unknowns = {p: [] for p in range(len(self.protos))}

    def select(self) -> None:
        """Keep the (target, protocol) pairs mypy can import; record a problem for the others."""
        for p, proto in enumerate(self.protos):
            proto_reason = _address(proto)
            for t, target in enumerate(self.classes):
                reason = _address(target)
                if reason is None and proto_reason is None:
                    self.pairs.append((t, p))
                    continue
                what, why = (target, reason) if reason is not None else (proto, proto_reason)
                text = f"{what.__qualname__} cannot be checked statically: {why}"
                name = display_name(target)
                self.unknowns[p].append(
                    Problem(name, "", NOT_IMPORTABLE, "importable by name", str(why), text)
                )

    def probe(self) -> _Probe:
        """Write the probe source for the selected pairs."""
        used = [self.classes[t] for t, _ in self.pairs] + [self.protos[p] for _, p in self.pairs]
        users: dict[str, _Site] = {}
        for cls in used:
            site = users.get(cls.__module__, _Site((), (), form="import"))
            t_idx = tuple(t for t, _ in self.pairs if self.classes[t] is cls)
            p_idx = tuple(p for _, p in self.pairs if self.protos[p] is cls)
            users[cls.__module__] = attrs.evolve(
                site, targets=site.targets + t_idx, protocols=site.protocols + p_idx
            )
        probe = _Probe()
        probe.imports(used, users)
        for t, p in self.pairs:
            # basedpyright's instance form names every member (the member lines would repeat it).
            members = self.checker == "mypy"
            probe.pair(t, self.classes[t], p, self.protos[p], members=members)
        return probe

    def run(self, api: ModuleType, cache: Path) -> None:
        """Run mypy on the probe and record its findings."""
        probe = self.probe()
        cache.mkdir(parents=True, exist_ok=True)
        # A fresh directory per run: the probe's path then always differs from the cached one, so
        # mypy re-hashes it and reuses a cached result only for an identical probe.
        with tempfile.TemporaryDirectory(prefix="kozmo_io_probe_") as tmp:
            probe_path = Path(tmp) / f"{_PROBE}.py"
            probe_path.write_text("\n".join(probe.lines) + "\n", encoding="utf-8")
            config = Path(tmp) / "mypy.ini"
            roots = _source_roots(probe.aliases)
            config.write_text(f"[mypy]\nmypy_path = {','.join(roots)}\n", encoding="utf-8")
            args = [*_MYPY_FLAGS, "--cache-dir", str(cache), "--config-file", str(config)]
            stdout, stderr, status = api.run([*args, str(probe_path)])
            messages = _parse(stdout)
            if status not in (0, 1) and not messages:
                msg = f"mypy could not run: {(stderr or stdout).strip()}"
                raise KozmoIOError(msg)
            self.record(messages, probe.sites)

    def run_pyright(self, command: list[str]) -> None:
        """Run basedpyright on the probe and record its findings."""
        probe = self.probe()
        with tempfile.TemporaryDirectory(prefix="kozmo_io_probe_") as tmp:
            probe_path = Path(tmp) / f"{_PROBE}.py"
            probe_path.write_text("\n".join(probe.lines) + "\n", encoding="utf-8")
            config = Path(tmp) / "pyrightconfig.json"
            settings = {
                "typeCheckingMode": "standard",  # what pyright asks by default, as editors run it
                "extraPaths": _source_roots(probe.aliases),
                "pythonVersion": f"{sys.version_info.major}.{sys.version_info.minor}",
            }
            config.write_text(json.dumps(settings), encoding="utf-8")
            args = ["--outputjson", "--pythonpath", sys.executable, "--project", str(config)]
            done = subprocess.run(  # noqa: S603 - our own interpreter running basedpyright
                [*command, *args, str(probe_path)],
                capture_output=True,
                text=True,
                check=False,
                cwd=tmp,
            )
        try:
            diagnostics = json.loads(done.stdout)["generalDiagnostics"]
        except (ValueError, KeyError, TypeError) as exc:
            msg = f"basedpyright could not run: {(done.stderr or done.stdout).strip()}"
            raise KozmoIOError(msg) from exc
        messages = []
        for found in diagnostics:
            if found.get("severity") != "error":
                continue
            first, *rest = str(found.get("message", "")).splitlines() or [""]
            line = int(found["range"]["start"]["line"]) + 1
            messages.append(
                _Message(str(found.get("file", "")), line, first, found.get("rule", ""), rest)
            )
        self.record(messages, probe.sites)

    def record(self, messages: list[_Message], sites: dict[int, _Site]) -> None:
        """Map errors to problems: per member, whole-class forms only where no member failed."""
        whole: list[tuple[int, Problem]] = []
        for msg in messages:
            # By name, not full path: mypy replays a cached probe's errors under the path it had
            # when first checked (an identical probe, so the same lines).
            site = sites.get(msg.line) if Path(msg.path).name == f"{_PROBE}.py" else None
            if site is None:  # an error elsewhere (a syntax error in an imported module, say)
                text = f"{self.checker}: {msg.path}:{msg.line}: {msg.message}"
                for t, p in self.pairs:
                    name = display_name(self.classes[t])
                    self.unknowns[p].append(
                        Problem(name, "", NOT_IMPORTABLE, "", msg.message, text)
                    )
                continue
            for t, p in self.pairs:
                self._record_pair(t, p, site, msg, whole)
        failed = {(p, x.target) for p, found in self.problems.items() for x in found if x.member}
        for p, problem in whole:
            if (p, problem.target) not in failed:
                self.problems[p].append(problem)

    def _record_pair(
        self, t: int, p: int, site: _Site, msg: _Message, whole: list[tuple[int, Problem]]
    ) -> None:
        """Record what one message on a probe line says about target ``t`` and protocol ``p``."""
        cls, proto = self.classes[t], self.protos[p]
        if site.form == "import":
            if t in site.targets or p in site.protocols:
                self.unknowns[p].append(_problem(cls, site, msg, proto, self.checker))
        elif (t, p) != (site.targets[0], site.protocols[0]):
            return
        elif site.form == "member":
            self.problems[p].append(_problem(cls, site, msg, proto, self.checker))
        elif self.checker == "pyright" and _pyright_members(msg, proto):
            self.problems[p].extend(_pyright_problems(cls, msg, proto))
        else:
            whole.append((p, _problem(cls, site, msg, proto, self.checker)))


_PYRIGHT_MEMBER = re.compile(r'^(?P<indent>\s*)"(?P<member>\w+)" (?P<what>.+)$')


def _pyright_members(msg: _Message, protocol: type) -> list[tuple[str, str, str]]:
    """Split basedpyright's protocol mismatch message into (member, what, detail) per member."""
    names = set(protocol_member_names(protocol))
    found: list[tuple[str, str, str]] = []
    for index, line in enumerate(msg.notes):
        match = _PYRIGHT_MEMBER.match(line)
        if match is None or match["member"] not in names:
            continue
        indent = len(match["indent"])
        detail = []
        for note in msg.notes[index + 1 :]:
            if len(note) - len(note.lstrip()) <= indent:
                break
            detail.append(note.strip())
        found.append((match["member"], match["what"], detail[-1] if detail else ""))
    return found


def _pyright_problems(target: type, msg: _Message, protocol: type) -> list[Problem]:
    name, short, proto = display_name(target), target.__qualname__, protocol.__qualname__
    code = f" [{msg.code}]" if msg.code else ""
    problems = []
    for member, what, detail in _pyright_members(msg, protocol):
        missing = what == "is not present"
        found = "nothing" if missing else (detail or what)
        shown = f"is missing (pyright){code}" if missing else f"{what} (pyright: {found}){code}"
        text = f"{short}.{member} {shown}"
        problems.append(Problem(name, member, "static", f"{proto}.{member}", found, text))
    return problems


def _as_classes(targets: object) -> tuple[type, ...]:
    items: tuple[object, ...] = ()
    if isinstance(targets, type):
        items = (targets,)
    elif isinstance(targets, Sequence) and not isinstance(targets, str):
        items = tuple(targets)
    classes = tuple(t for t in items if isinstance(t, type))
    if not classes or len(classes) != len(items):
        msg = f"targets must be a class or a non-empty sequence of classes, got {targets!r}"
        raise TypeError(msg)
    return classes


def check_static_many(
    targets: Sequence[type] | type,
    protocols: Iterable[type],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    checker: str = "mypy",
    strict: bool = False,
) -> tuple[ConformanceReport, ...]:
    """Check classes against several protocols in one run of the static checker.

    :func:`check_static` for many protocols at once: one probe and one run of the checker, so
    mypy or basedpyright starts once (``kozmo-io check --protocol auto --static`` checks a class
    against every protocol in :data:`~kozmo_io.conformance.PROTOCOLS` this way). The rules are
    those of :func:`check_static`.

    Args:
        targets: A class or classes, importable by module name.
        protocols: Protocol classes, importable by module name.
        cache_dir: mypy's cache directory; defaults to :func:`default_cache_dir`.
        checker: ``"mypy"`` (the default) or ``"pyright"`` (basedpyright).
        strict: Count every reason for "cannot tell" as a problem.

    Returns:
        One report per protocol, in the order given, each covering every target.

    Raises:
        KozmoIOError: The checker is not installed (kozmo-io's ``static`` extra) or could not
            run.
        TypeError: A target is not a class, or a protocol not a Protocol class.
        ValueError: ``checker`` is not one of :data:`CHECKERS`.
    """
    if checker not in CHECKERS:
        msg = f"checker must be one of {', '.join(CHECKERS)}, got {checker!r}"
        raise ValueError(msg)
    api = _load_mypy() if checker == "mypy" else None
    command = _load_pyright() if checker == "pyright" else []
    classes = _as_classes(targets)
    run = _Run(classes, tuple(as_protocol(p) for p in protocols), checker=checker)
    run.select()
    if run.pairs and api is not None:
        run.run(api, Path(cache_dir) if cache_dir is not None else default_cache_dir())
    elif run.pairs:
        run.run_pyright(command)
    name = ", ".join(display_name(t) for t in classes)
    reports = tuple(
        ConformanceReport(
            name,
            display_name(proto),
            tuple(dict.fromkeys(run.problems[p])),
            (),
            ("static",),
            cannot_tell=tuple(dict.fromkeys(run.unknowns[p])),
        )
        for p, proto in enumerate(run.protos)
    )
    return tuple(report.strict() for report in reports) if strict else reports


def check_static(
    targets: Sequence[type] | type,
    protocol: type,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    checker: str = "mypy",
    strict: bool = False,
) -> ConformanceReport:
    """Check classes against a protocol with mypy or basedpyright, through a generated probe module.

    mypy runs with ``--strict``; basedpyright in its ``standard`` mode, as editors run pyright.
    Each target must be importable by module name (not defined in a function or in ``__main__``,
    not loaded under another module name); otherwise the verdict is "cannot tell" (rule
    ``not-importable``), never "does not conform". mypy's cache (``cache_dir``) makes repeat checks
    fast.

    Args:
        targets: A class or classes.
        protocol: A Protocol class, importable by module name.
        cache_dir: mypy's cache directory; defaults to :func:`default_cache_dir`.
        checker: ``"mypy"`` (the default) or ``"pyright"`` (basedpyright).
        strict: Count every reason for "cannot tell" as a problem.

    Returns:
        The report, with the checker's messages as problems (rule ``static``).

    Raises:
        KozmoIOError: The checker is not installed (kozmo-io's ``static`` extra) or could not
            run.
        TypeError: A target is not a class, or ``protocol`` not a Protocol class.
        ValueError: ``checker`` is not one of :data:`CHECKERS`.
    """
    [report] = check_static_many(
        targets, (protocol,), cache_dir=cache_dir, checker=checker, strict=strict
    )
    return report
