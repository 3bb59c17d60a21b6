"""Alias: the reference lives in the server package, `server/dscope_server/dream_reference.py`, which serves
it; the tools import it under its old name from here. The module object itself is aliased, so a
tool that patches one of its functions (make_llada_fixtures.py) patches the real one."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from dscope_server import dream_reference as _reference  # noqa: E402

sys.modules[__name__] = _reference
