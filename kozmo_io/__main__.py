"""``python -m kozmo_io``: the ``kozmo-io`` command."""

from __future__ import annotations

from kozmo_io.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
