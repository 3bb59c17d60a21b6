"""Times one LLaDA forward in PyTorch on CPU at LLaDA-8B shapes, with a few layers of random weights.

The baseline for `dscope bench`: d_model 4096, 32 heads, hidden 12288, vocab 126464, a 256-token
canvas, 2 threads; bf16 weights and compute first, then the same weights upcast to fp32.

    python3 tools/bench_torch_forward.py [--layers 2] [--tokens 256] [--threads 2]

Prints milliseconds for the embedding, each block, and the final norm + head, then the total and an
estimate for all 32 layers. Memory: about 2.6 GB (bf16) / 5.9 GB (fp32) at --layers 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llada_reference import LLaDAConfig, LLaDAModel, rope_cos_sin  # noqa: E402

FULL_MODEL_LAYERS = 32


@torch.inference_mode()
def timed_forward(model: LLaDAModel, ids: torch.Tensor) -> dict[str, float]:
    """The steps of LLaDAModel.forward, each timed in milliseconds."""
    cfg, tr = model.config, model.transformer
    millis: dict[str, float] = {}

    start = time.perf_counter()
    cos, sin = rope_cos_sin(ids.shape[1], cfg.head_dim, cfg.rope_theta)
    x = tr.wte(ids)
    millis["embedding"] = (time.perf_counter() - start) * 1e3
    for n, block in enumerate(tr.blocks):
        start = time.perf_counter()
        x = block(x, cos, sin, None)
        millis[f"block {n}"] = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    head = tr.wte.weight if cfg.weight_tying else tr.ff_out.weight
    logits = F.linear(tr.ln_f(x), head)
    millis["ln_f + head"] = (time.perf_counter() - start) * 1e3
    assert logits.shape == (1, ids.shape[1], cfg.embedding_size)
    return millis


@torch.inference_mode()
def warm_up(model: LLaDAModel, ids: torch.Tensor) -> None:
    """One block at full length and a short head pass: thread pool, allocator, weight pages, kernel choice."""
    cfg, tr = model.config, model.transformer
    cos, sin = rope_cos_sin(ids.shape[1], cfg.head_dim, cfg.rope_theta)
    tr.blocks[0](tr.wte(ids), cos, sin, None)
    timed_forward(model, ids[:, :8])


def report(label: str, millis: dict[str, float], layers: int) -> None:
    total = sum(millis.values())
    per_layer = [v for k, v in millis.items() if k.startswith("block")]
    mean_layer = sum(per_layer) / len(per_layer)
    print(f"{label}:")
    for step, ms in millis.items():
        print(f"  {step:12s} {ms:9.1f} ms")
    print(f"  {'total':12s} {total:9.1f} ms ({layers} layers)")
    estimate = total - sum(per_layer) + mean_layer * FULL_MODEL_LAYERS
    print(f"  {'32 layers':12s} {estimate:9.1f} ms (estimate)")
    print(f"{label}_layer_ms={mean_layer:.1f}")
    print(f"{label}_total_ms={total:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=256, help="canvas length")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--vocab", type=int, default=126464)
    parser.add_argument("--dtypes", default="bf16,fp32")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cfg = LLaDAConfig(n_layers=args.layers, vocab_size=args.vocab, embedding_size=args.vocab)
    with torch.device("meta"):
        model = LLaDAModel(cfg)
    model = model.to_empty(device="cpu").to(torch.bfloat16)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.02) if p.dim() > 1 else p.fill_(1.0)
    model.eval()
    ids = torch.randint(0, cfg.vocab_size, (1, args.tokens))
    params = sum(p.numel() for p in model.parameters())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.layers} layers, "
          f"{args.tokens} tokens, {params / 1e9:.2f}B parameters")

    for name in args.dtypes.split(","):
        dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[name]
        model = model.to(dtype)
        warm_up(model, ids)
        report(name, timed_forward(model, ids), args.layers)


if __name__ == "__main__":
    main()
