"""``kozmo-io check``: verdicts computed apart from their rendering (test_cli runs the command)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from cli_plugin import Nothing, Paths, Reader, SyncReader

from kozmo_io.cli.check import (
    AutoVerdict,
    auto_json,
    auto_text,
    check_every_protocol,
    check_one,
)
from kozmo_io.conformance import PROTOCOLS, Verdict
from kozmo_io.protocols import InputFilePaths, InputReader, RawOutputPaths
from kozmo_io.reference import DataReference

if TYPE_CHECKING:
    from kozmo_io.reference import DataReference as HiddenReference


class Hidden:
    """A RawOutputPaths whose return annotation does not resolve at run time: cannot tell."""

    def get_raw_output_prefix(self) -> HiddenReference:
        return DataReference("s3://b/raw")


def test_a_reader_satisfies_its_protocols_and_the_rest_are_sorted_by_distance() -> None:
    auto = check_every_protocol(Reader)
    assert auto.satisfied == ["InputFilePaths", "InputReader"]
    assert auto.verdict is Verdict.CONFORMS
    missing_some, absent = auto.near_misses()
    assert missing_some == {"OrderedInputReader": ["get_inputs"]}
    assert "OutputReader" in absent
    assert "InputReader" not in absent


def test_a_near_miss_other_than_missing_members_is_in_neither_list() -> None:
    auto = check_every_protocol(SyncReader)
    assert auto.satisfied == ["InputFilePaths"]
    missing_some, absent = auto.near_misses()
    assert "InputReader" not in missing_some
    assert "InputReader" not in absent
    assert [p.member for p in auto.reports["InputReader"].problems] == ["get"]


def test_nothing_implemented_does_not_conform_and_is_absent_everywhere() -> None:
    auto = check_every_protocol(Nothing)
    assert (auto.satisfied, auto.undecided) == ([], [])
    assert auto.verdict is Verdict.DOES_NOT_CONFORM
    assert auto.near_misses() == ({}, list(PROTOCOLS))


def test_cannot_tell_wins_over_does_not_conform_unless_strict() -> None:
    lenient = check_every_protocol(Hidden)
    assert lenient.verdict is Verdict.CANNOT_TELL
    assert lenient.undecided == ["RawOutputPaths"]
    strict = check_every_protocol(Hidden, strict=True)
    assert strict.verdict is Verdict.DOES_NOT_CONFORM
    assert strict.undecided == []


def test_the_renderings_say_what_the_verdict_holds() -> None:
    auto = check_every_protocol(SyncReader)
    lines = auto_text(auto).split("\n")
    assert lines[0] == f"{auto.target} satisfies: InputFilePaths"
    assert lines[-1].startswith("not implemented: CheckpointPaths, ErrorReader")
    document = json.loads(auto_json(auto))
    assert (document["verdict"], document["ok"]) == ("conforms", True)
    assert document["satisfied"] == ["InputFilePaths"]
    assert list(document["reports"]) == list(PROTOCOLS)


def test_an_empty_verdict_renders_that_nothing_is_satisfied() -> None:
    auto = AutoVerdict("m:Nothing", {})
    assert auto.verdict is Verdict.DOES_NOT_CONFORM
    assert auto_text(auto) == "m:Nothing satisfies: none of the kozmo_io protocols"


def test_check_one_is_the_runtime_report_made_strict_on_request() -> None:
    assert check_one(Reader, InputReader).ok
    assert check_one(Paths, InputFilePaths).verdict is Verdict.CONFORMS
    assert check_one(Hidden, RawOutputPaths).verdict is Verdict.CANNOT_TELL
    assert check_one(Hidden, RawOutputPaths, strict=True).verdict is Verdict.DOES_NOT_CONFORM
    assert check_one(SyncReader(), InputReader).verdict is Verdict.DOES_NOT_CONFORM
