"""Writes the small random LLaDA-MoE checkpoint that ModelsTests read (Tests/ModelsTests/Fixtures/llada-moe-bf16/).

Seeded and deterministic. Hugging Face layout, as a hub download of inclusionAI/LLaDA-MoE-7B-A1B looks:
config.json with its keys (`architectures ["LLaDAMoEModelLM"]`, `model_type "llada"` as shipped), one
model.safetensors in BF16 with per-expert tensors, and expected.safetensors with the reference forward
(tools/llada_moe_reference.py) run in fp32 on the stored values.

Shapes: d 64, 4 heads over 2 kv heads (head_dim 16), 2 layers, 8 experts of hidden 32, top 3, vocab 160
(mask 159, which config.json names: the real model's 156895 would lie outside this vocabulary).
Routing is a hard choice, so a canvas is kept only if every token's k-th and (k+1)-th router
probabilities differ by at least ROUTER_GAP in every layer: float32 rounding in another implementation
cannot then pick other experts.

    python3 tools/make_llada_moe_fixtures.py [--out Tests/ModelsTests/Fixtures]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llada_moe_reference import LLaDAMoEConfig, LLaDAMoEModel, load_llada_moe, save_llada_moe  # noqa: E402

SEED = 20251206
ROUTER_GAP = 1e-4
TOKENS = 24


def tiny_config() -> LLaDAMoEConfig:
    return LLaDAMoEConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                          expert_intermediate_size=32, num_experts=8, num_experts_per_tok=3, vocab_size=160,
                          max_position_embeddings=64, rope_theta=50000.0, rms_norm_eps=1e-5,
                          mask_token_id=159, eos_token_id=158, pad_token_id=158)


def random_model(cfg: LLaDAMoEConfig, seed: int) -> LLaDAMoEModel:
    """Projections N(0, 0.15), router N(0, 0.6) (peaked, uneven routing), embeddings N(0, 1),
    norms 1 + N(0, 0.1)."""
    gen = torch.Generator().manual_seed(seed)
    model = LLaDAMoEModel(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * noise)
            elif name.endswith("embed_tokens.weight"):
                p.copy_(noise)
            elif name.endswith("mlp.gate.weight"):
                p.copy_(0.6 * noise)
            else:
                p.copy_(0.15 * noise)
    return model.eval()


def router_gap(model: LLaDAMoEModel, ids: torch.Tensor) -> float:
    """Smallest gap between the k-th and (k+1)-th router probability over tokens and layers."""
    gaps = []

    def hook(module, inputs, _output):
        h = inputs[0].reshape(-1, inputs[0].shape[-1])
        p = F.softmax(module.gate(h), dim=-1, dtype=torch.float32)
        top = torch.topk(p, module.cfg.num_experts_per_tok + 1, dim=-1).values
        gaps.append(float((top[:, -2] - top[:, -1]).min()))

    handles = [layer.mlp.register_forward_hook(hook) for layer in model.model.layers]
    with torch.no_grad():
        model(ids[None])
    for handle in handles:
        handle.remove()
    return min(gaps)


def main() -> None:
    default_out = Path(__file__).resolve().parent.parent / "Tests" / "ModelsTests" / "Fixtures"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    torch.set_num_threads(1)

    cfg = tiny_config()
    folder = args.out / "llada-moe-bf16"
    save_llada_moe(random_model(cfg, SEED), folder, dtype=torch.bfloat16)
    loaded_cfg, loaded = load_llada_moe(folder)
    if loaded_cfg != cfg:
        raise SystemExit("fixture check failed: LLaDA-MoE config round trip")
    gen = torch.Generator().manual_seed(SEED)
    for attempt in range(200):
        ids = torch.randint(0, cfg.vocab_size - 2, (TOKENS,), generator=gen)
        ids[torch.randperm(TOKENS, generator=gen)[: TOKENS // 3]] = cfg.mask_token_id
        gap = router_gap(loaded, ids)
        if gap >= ROUTER_GAP:
            break
    else:
        raise SystemExit("no canvas with a clear routing")
    with torch.no_grad():
        logits = loaded(ids[None])
    save_file({"input_ids": ids.to(torch.int32).contiguous(), "logits": logits[0].float().contiguous()},
              str(folder / "expected.safetensors"), metadata={"format": "pt"})
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(f"  {folder.name}: BF16, canvas after {attempt + 1} draws (router gap {gap:.4f}), "
          f"logits std {logits.std():.3f}, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
