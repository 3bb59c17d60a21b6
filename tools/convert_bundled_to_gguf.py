"""Converts the bundled model (Sources/Models/Resources/tiny-arith) to GGUF with llama.cpp's own
convert_hf_to_gguf.py, e.g. to measure the int8 matmul's accuracy on it (docs/performance.md).

The bundled tokenizer's pre-tokenizer (individual digits + the GPT-2 byte-level regex) is not in the
converter's table of known vocabularies; llama.cpp implements exactly this one as `refact`, so the
script answers that for it. Needs a llama.cpp source tree (llama-cpp-python's sdist vendors one)
and `transformers`.

    python3 tools/convert_bundled_to_gguf.py LLAMA_CPP_DIR --outtype q8_0 --outfile /tmp/tiny-q8_0.gguf
"""

from __future__ import annotations

import sys
from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent / "Sources/Models/Resources/tiny-arith"


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    llama_cpp = Path(sys.argv[1]).resolve()
    sys.path.insert(0, str(llama_cpp))
    sys.path.insert(0, str(llama_cpp / "gguf-py"))
    from conversion import base  # noqa: E402  (llama.cpp's converter package)
    import convert_hf_to_gguf  # noqa: E402

    base.TextModel.get_vocab_base_pre = lambda self, tokenizer: "refact"
    sys.argv = ["convert_hf_to_gguf.py", str(BUNDLED), *sys.argv[2:]]
    convert_hf_to_gguf.main()


if __name__ == "__main__":
    main()
