"""Prove that a class honours a kozmo_io protocol (or any ``typing.Protocol``), or say how it fails.

Every layer returns the same :class:`ConformanceReport`, listing every problem at once, with one
of three verdicts (:class:`Verdict`): conforms, does not conform, or cannot tell (with the reasons);
``strict=True`` counts "cannot tell" as failing:

- :func:`check` and :func:`assert_conforms`: the runtime layer (presence, ``None``, callability,
  coroutine or not, signatures, parameter and return types);
- :func:`conforms`: the cached fast path, cheap enough for plugin load time
  (``conforms.cache_clear()`` forgets its verdicts, as for a ``functools`` cache);
- :func:`check_static`: the static layer, a generated probe run through mypy or basedpyright
  (``[static]`` extra); :func:`check_static_many`: the same for several protocols in one run;
- :func:`check_auto` and :func:`satisfied_protocols`: a target against every protocol in
  :data:`PROTOCOLS`.
"""

from __future__ import annotations

from kozmo_io.conformance._auto import PROTOCOLS as PROTOCOLS
from kozmo_io.conformance._auto import check_auto as check_auto
from kozmo_io.conformance._auto import satisfied_protocols as satisfied_protocols
from kozmo_io.conformance._report import ConformanceReport as ConformanceReport
from kozmo_io.conformance._report import Problem as Problem
from kozmo_io.conformance._report import Verdict as Verdict
from kozmo_io.conformance._runtime import assert_conforms as assert_conforms
from kozmo_io.conformance._runtime import check as check
from kozmo_io.conformance._runtime import conforms as conforms
from kozmo_io.conformance._static import check_static as check_static
from kozmo_io.conformance._static import check_static_many as check_static_many
from kozmo_io.conformance._static import default_cache_dir as default_cache_dir

__all__ = (
    "ConformanceReport",
    "PROTOCOLS",
    "Problem",
    "Verdict",
    "assert_conforms",
    "check",
    "check_auto",
    "check_static",
    "check_static_many",
    "conforms",
    "default_cache_dir",
    "satisfied_protocols",
)
