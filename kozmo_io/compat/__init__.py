"""Optional bridges to other libraries, each behind an extra and imported only on request.

- :mod:`kozmo_io.compat.flyteidl` (extra ``[flyteidl]``): lossless conversion between
  ``kozmo_io.core`` messages (and :class:`~kozmo_io.ExecutionError` values) and ``flyteidl.core``
  messages.

Importing this package imports none of those libraries.
"""

from __future__ import annotations

__all__ = ()
