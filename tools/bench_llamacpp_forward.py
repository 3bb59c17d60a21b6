"""Times llama.cpp's forward of a whole LLaDA canvas at LLaDA-8B shapes, a few layers of random weights.

The llama.cpp baseline for `dscope bench forward --synthetic llada-8b`: writes a GGUF in llama.cpp's
`llada` layout (d_model 4096, 32 heads, hidden 12288, vocabulary 126,464; random bf16 weights; a
placeholder vocabulary, since only ids go in) and times `llama_decode` of a full non-causal canvas
with logits for every position, which is what llama.cpp's diffusion example runs at every step.
Uses llama-cpp-python's low-level API; `pip install llama-cpp-python` builds llama.cpp from source
with -march=native (about 10 minutes on two cores).

    python3 tools/bench_llamacpp_forward.py [--layers 2] [--tokens 256] [--threads 2] [--gguf PATH]

The GGUF (about 2.9 GB at --layers 2) is written once to --gguf and reused when it already exists.
Prints the median time of --repeats decodes after one warm-up; compare it with the "step measured"
line of `dscope bench forward --synthetic llada-8b --layers N --tokens T --block 0` (same work:
N blocks, the head, logits for every position).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

D_MODEL, HEADS, HIDDEN, VOCAB, FULL_MODEL_LAYERS = 4096, 32, 12288, 126464, 32
BOS, EOS, MASK = 126080, 126081, 126336


def bf16(rows: int, columns: int, rng: np.random.Generator, scale: float) -> np.ndarray:
    """Random values as raw bf16 bytes (top half of each float32), the layout GGUF stores."""
    values = (rng.standard_normal((rows, columns), dtype=np.float32) * scale).view(np.uint32)
    return (values >> 16).astype(np.uint16).view(np.uint8).reshape(rows, columns * 2)


def write_gguf(path: Path, layers: int) -> None:
    import gguf

    q = gguf.GGMLQuantizationType
    rng = np.random.default_rng(20251126)
    writer = gguf.GGUFWriter(str(path), "llada")
    writer.add_name(f"dscope bench llada-8b shapes, {layers} layers")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_BF16)
    writer.add_context_length(4096)
    writer.add_embedding_length(D_MODEL)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(HIDDEN)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(HEADS)
    writer.add_rope_freq_base(500000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(VOCAB)
    writer.add_rope_dimension_count(D_MODEL // HEADS)
    writer.add_causal_attention(False)
    writer.add_diffusion_shift_logits(False)
    # llama.cpp insists on a vocabulary with merges; the bench feeds ids, so placeholders do.
    tokens = ["a", "b", "ab"] + [f"<{i}>" for i in range(3, VOCAB)]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types([gguf.TokenType.NORMAL] * VOCAB)
    writer.add_token_merges(["a b"])
    writer.add_bos_token_id(BOS)
    writer.add_eos_token_id(EOS)
    writer.add_mask_token_id(MASK)

    def matrix(name: str, rows: int, columns: int, scale: float = 0.02) -> None:
        writer.add_tensor(name, bf16(rows, columns, rng, scale), raw_dtype=q.BF16)

    def norm(name: str) -> None:
        writer.add_tensor(name, np.ones(D_MODEL, dtype=np.float32))

    matrix("token_embd.weight", VOCAB, D_MODEL, 0.3)
    for n in range(layers):
        norm(f"blk.{n}.attn_norm.weight")
        for part in ("attn_q", "attn_k", "attn_v", "attn_output"):
            matrix(f"blk.{n}.{part}.weight", D_MODEL, D_MODEL)
        norm(f"blk.{n}.ffn_norm.weight")
        matrix(f"blk.{n}.ffn_gate.weight", HIDDEN, D_MODEL)
        matrix(f"blk.{n}.ffn_up.weight", HIDDEN, D_MODEL)
        matrix(f"blk.{n}.ffn_down.weight", D_MODEL, HIDDEN)
    norm("output_norm.weight")
    matrix("output.weight", VOCAB, D_MODEL)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=True)
    writer.close()


def time_decodes(path: Path, tokens: int, threads: int, repeats: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (all of the process's threads) of each timed decode."""
    import llama_cpp as L

    L.llama_backend_init()
    model_params = L.llama_model_default_params()
    model = L.llama_model_load_from_file(str(path).encode(), model_params)
    if not model:
        raise SystemExit(f"{path}: llama.cpp could not load the model")
    context_params = L.llama_context_default_params()
    context_params.n_ctx = tokens
    context_params.n_batch = tokens
    context_params.n_ubatch = tokens
    context_params.n_threads = threads
    context_params.n_threads_batch = threads
    context = L.llama_init_from_model(model, context_params)
    if not context:
        raise SystemExit(f"{path}: llama.cpp could not create a context")
    L.llama_set_causal_attn(context, False)

    # A canvas as at the first step: a short prompt, then masks.
    ids = [BOS] + [1000 + i for i in range(15)] + [MASK] * (tokens - 16)
    batch = L.llama_batch_init(tokens, 0, 1)
    batch.n_tokens = tokens
    for i, token in enumerate(ids):
        batch.token[i] = token
        batch.pos[i] = i
        batch.n_seq_id[i] = 1
        batch.seq_id[i][0] = 0
        batch.logits[i] = 1

    def decode() -> float:
        memory = L.llama_get_memory(context)
        if memory:
            L.llama_memory_clear(memory, True)
        start, cpu_start = time.perf_counter(), time.process_time()
        if L.llama_decode(context, batch) != 0:
            raise SystemExit("llama_decode failed")
        L.llama_get_logits(context)
        return time.perf_counter() - start, time.process_time() - cpu_start

    decode()  # warm-up: weight pages, thread pool, graph allocation
    seconds, cpu = zip(*[decode() for _ in range(repeats)])
    L.llama_batch_free(batch)
    L.llama_free(context)
    L.llama_model_free(model)
    return list(seconds), list(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gguf", type=Path, default=None, help="where the GGUF is written and reused")
    args = parser.parse_args()

    path = args.gguf or Path(f"/tmp/dscope-llada8b-shapes-{args.layers}.gguf")
    if not path.exists():
        print(f"writing {path} ({args.layers} layers of LLaDA-8B shapes, bf16)…", flush=True)
        write_gguf(path, args.layers)
    seconds, cpu = time_decodes(path, args.tokens, args.threads, args.repeats)
    step = statistics.median(seconds)
    flop_per_block = 2 * args.tokens * (4 * D_MODEL * D_MODEL + 3 * D_MODEL * HIDDEN) \
        + 4 * args.tokens * args.tokens * D_MODEL
    flop_head = 2 * args.tokens * D_MODEL * VOCAB
    flop = args.layers * flop_per_block + flop_head
    print(f"llama.cpp decode, {args.layers} blocks + head, {args.tokens} tokens, logits for all, "
          f"threads {args.threads}: median {step * 1e3:.1f} ms of {len(seconds)} "
          f"({', '.join(f'{s * 1e3:.1f}' for s in seconds)}), {flop / step / 1e9:.1f} GFLOP/s")
    # On a shared machine CPU time moves less than wall time (llama.cpp's workers spin while
    # they wait, so this slightly overstates its work).
    print(f"cpu {statistics.median(cpu):.2f} core-seconds per decode (median)")
    print(f"step_ms={step * 1e3:.1f}")


if __name__ == "__main__":
    main()
