"""Alias: `server/dscope_server/hf_folder.py` (Hugging Face checkpoint folders), under the name the tools import."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from dscope_server import hf_folder as _module  # noqa: E402

sys.modules[__name__] = _module
