"""Writes the small random LLaDA-MoE checkpoint that ModelsTests read (Tests/ModelsTests/Fixtures/llada-moe-bf16/),
and with --llama-cpp the same checkpoint converted by llama.cpp's own converter (gguf-llada-moe-bf16/).

Seeded and deterministic. Hugging Face layout, as a hub download of inclusionAI/LLaDA-MoE-7B-A1B looks:
config.json with its keys (`architectures ["LLaDAMoEModelLM"]`, `model_type "llada"` as shipped), one
model.safetensors in BF16 with per-expert tensors, the digits-bytelevel fixture tokenizer, and
expected.safetensors with the reference forward (tools/llada_moe_reference.py) run in fp32 on the
stored values.

Shapes: d 64, 4 heads over 2 kv heads (head_dim 16), 2 layers, 8 experts of hidden 32, top 3, vocab 832
(mask 802, which config.json names: the real model's 156895 would lie outside this vocabulary).

--llama-cpp DIR runs DIR/convert_hf_to_gguf.py (a llama.cpp source tree, e.g. the one vendored by
llama-cpp-python's source distribution: `pip download --no-deps --no-binary llama-cpp-python
llama-cpp-python`; never committed) with --outtype bf16 and two substitutions forced by the tiny
fixture, both outside the tensors: its hard-coded mask id 156895 becomes the fixture's, and the
fixture tokenizer's pre-tokenizer, unknown to it, is declared "refact" (the same digit splitting).
Routing is a hard choice, so a canvas is kept only if every token's k-th and (k+1)-th router
probabilities differ by at least ROUTER_GAP in every layer: float32 rounding in another implementation
cannot then pick other experts.

    python3 tools/make_llada_moe_fixtures.py [--out Tests/ModelsTests/Fixtures]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
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


TOKENIZER = "tokenizers/digits-bytelevel"
CONVERT = """
import sys
sys.path[:0] = [{llama!r}, {llama!r} + "/gguf-py"]
import gguf
import conversion.base
conversion.base.TextModel.get_vocab_base_pre = lambda self, tokenizer: "refact"
add_mask = gguf.GGUFWriter.add_mask_token_id
gguf.GGUFWriter.add_mask_token_id = lambda self, _id: add_mask(self, {mask})
sys.argv = ["convert_hf_to_gguf.py", {folder!r}, "--outtype", "bf16", "--outfile", {out!r}]
import runpy
runpy.run_path({llama!r} + "/convert_hf_to_gguf.py", run_name="__main__")
"""


def tiny_config() -> LLaDAMoEConfig:
    return LLaDAMoEConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                          expert_intermediate_size=32, num_experts=8, num_experts_per_tok=3, vocab_size=832,
                          max_position_embeddings=64, rope_theta=50000.0, rms_norm_eps=1e-5,
                          mask_token_id=802, eos_token_id=801, pad_token_id=801)


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
    parser.add_argument("--llama-cpp", type=Path, help="a llama.cpp source tree: also convert with its converter")
    args = parser.parse_args()
    torch.set_num_threads(1)

    cfg = tiny_config()
    folder = args.out / "llada-moe-bf16"
    save_llada_moe(random_model(cfg, SEED), folder, dtype=torch.bfloat16)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(args.out / TOKENIZER / name, folder / name)
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
    if args.llama_cpp:
        gguf_folder = args.out / "gguf-llada-moe-bf16"
        gguf_folder.mkdir(exist_ok=True)
        script = CONVERT.format(llama=str(args.llama_cpp.resolve()), mask=cfg.mask_token_id,
                                folder=str(folder.resolve()), out=str((gguf_folder / "model.gguf").resolve()))
        subprocess.run([sys.executable, "-c", script], check=True)
        shutil.copy(folder / "expected.safetensors", gguf_folder / "expected.safetensors")
        print(f"  {gguf_folder.name}: converted by {args.llama_cpp}/convert_hf_to_gguf.py, "
              f"{(gguf_folder / 'model.gguf').stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
