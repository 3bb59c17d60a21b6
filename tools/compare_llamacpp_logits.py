"""llama.cpp's own logits (`llama_get_logits`) of a fixture GGUF against its expected.safetensors
(the PyTorch reference on the values the file stores), next to dscope's distance from the same
reference, so the two implementations can be compared on one file.

    LLAMA_CPP_LIB_PATH=BUILD/bin python3 tools/compare_llamacpp_logits.py FOLDER [FOLDER…]

FOLDER holds model.gguf and expected.safetensors (e.g. Tests/ModelsTests/Fixtures/
gguf-llamacpp-q4_k_m). Uses llama-cpp-python's low-level bindings, either installed or from its
source distribution on PYTHONPATH with LLAMA_CPP_LIB_PATH naming a llama.cpp build's libllama.so.
The whole canvas is decoded at once with causal attention off, as llama.cpp's diffusion example
does; llama.cpp quantises activations to 8 bits for k-quant weights, so it sits an int8 step away
from the reference, as dscope's int8 path does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file


def llama_logits(path: Path, ids: list[int]) -> np.ndarray:
    import llama_cpp as L

    L.llama_backend_init()
    model = L.llama_model_load_from_file(str(path).encode(), L.llama_model_default_params())
    if not model:
        raise SystemExit(f"{path}: llama.cpp could not load the model")
    params = L.llama_context_default_params()
    params.n_ctx = params.n_batch = params.n_ubatch = max(32, len(ids))
    params.n_threads = params.n_threads_batch = 2
    context = L.llama_init_from_model(model, params)
    L.llama_set_causal_attn(context, False)
    batch = L.llama_batch_init(len(ids), 0, 1)
    batch.n_tokens = len(ids)
    for i, token in enumerate(ids):
        batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = token, i, 1, 1
        batch.seq_id[i][0] = 0
    if L.llama_decode(context, batch) != 0:
        raise SystemExit(f"{path}: llama_decode failed")
    vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))
    pointer = L.llama_get_logits(context)
    logits = np.ctypeslib.as_array(pointer, shape=(len(ids) * vocab,)).reshape(len(ids), vocab).copy()
    L.llama_batch_free(batch)
    L.llama_free(context)
    L.llama_model_free(model)
    return logits


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for folder in map(Path, sys.argv[1:]):
        expected = load_file(str(folder / "expected.safetensors"))
        ids = [int(i) for i in expected["input_ids"]]
        reference = expected["logits"]
        logits = llama_logits(folder / "model.gguf", ids)[:, :reference.shape[1]]
        delta = np.abs(logits - reference)
        print(f"{folder.name}: llama.cpp vs PyTorch reference max |Δ| {delta.max():.4g} "
              f"(mean {delta.mean():.3g}, max |logit| {np.abs(reference).max():.3g}, "
              f"argmax agreement {(logits.argmax(1) == reference.argmax(1)).sum()}/{len(ids)})")


if __name__ == "__main__":
    main()
