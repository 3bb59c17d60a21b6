"""LLaDA2.0/2.1 Hugging Face folder -> GGUF under llama.cpp's LLaDA2 / BailingMoeV2 names.

llama.cpp has no merged LLaDA2 architecture; PR #17454 builds it on `bailingmoe2` (see
docs/block-diffusion.md, "GGUF names"). This writes `general.architecture = "llada2"` with
bailingmoe2's keys and tensor names:

    token_embd, output_norm, output; blk.N.{attn_norm, attn_qkv (fused, Hugging Face row order:
    NEOX rope needs no permutation), attn_q_norm, attn_k_norm, attn_output, ffn_norm}
    dense blocks (N < first_k_dense_replace): blk.N.{ffn_gate, ffn_up, ffn_down}
    mixture blocks: blk.N.{ffn_gate_inp, exp_probs_b.bias, ffn_{gate,up,down}_exps (experts stacked
    [E, rows, cols]), ffn_{gate,up,down}_shexp}

Matrices are stored as --type (q8_0 by default, or bf16/f16/f32); norms and exp_probs_b stay F32,
as llama.cpp's converter keeps 1-D tensors. No vocabulary is written (the fixture checkpoints have
no tokenizer): eos/pad come from config.json, the mask id from --mask-id.

Usage: python3 tools/convert_llada2_gguf.py HF_FOLDER OUT.gguf [--type q8_0] [--mask-id 156895]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import gguf
import numpy as np
import torch
from safetensors.torch import load_file

TYPES = {"q8_0": gguf.GGMLQuantizationType.Q8_0, "bf16": gguf.GGMLQuantizationType.BF16,
         "f16": gguf.GGMLQuantizationType.F16, "f32": gguf.GGMLQuantizationType.F32}
FILE_TYPES = {"q8_0": gguf.LlamaFileType.MOSTLY_Q8_0, "bf16": gguf.LlamaFileType.MOSTLY_BF16,
              "f16": gguf.LlamaFileType.MOSTLY_F16, "f32": gguf.LlamaFileType.ALL_F32}
PER_BLOCK = {
    "input_layernorm.weight": "attn_norm.weight", "post_attention_layernorm.weight": "ffn_norm.weight",
    "attention.query_key_value.weight": "attn_qkv.weight", "attention.dense.weight": "attn_output.weight",
    "attention.query_layernorm.weight": "attn_q_norm.weight", "attention.key_layernorm.weight": "attn_k_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight",
    "mlp.gate.weight": "ffn_gate_inp.weight", "mlp.gate.expert_bias": "exp_probs_b.bias",
    "mlp.shared_experts.gate_proj.weight": "ffn_gate_shexp.weight",
    "mlp.shared_experts.up_proj.weight": "ffn_up_shexp.weight",
    "mlp.shared_experts.down_proj.weight": "ffn_down_shexp.weight",
}
GLOBAL = {"model.word_embeddings.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
          "lm_head.weight": "output.weight"}


def load_state(folder: Path) -> dict[str, torch.Tensor]:
    state = {}
    for file in sorted(folder.glob("*.safetensors")):
        state.update(load_file(str(file)))
    return state


def gguf_tensors(state: dict[str, torch.Tensor], cfg: dict) -> dict[str, np.ndarray]:
    """GGUF name -> float32 array in PyTorch order; experts stacked [E, rows, cols]."""
    out = {GLOBAL[k]: v.float().numpy() for k, v in state.items() if k in GLOBAL}
    for n in range(cfg["num_hidden_layers"]):
        prefix = f"model.layers.{n}."
        for suffix, name in PER_BLOCK.items():
            if prefix + suffix in state:
                out[f"blk.{n}.{name}"] = state[prefix + suffix].float().numpy()
        if n >= cfg.get("first_k_dense_replace", 0):
            for proj in ("gate", "up", "down"):
                experts = [state[f"{prefix}mlp.experts.{e}.{proj}_proj.weight"].float().numpy()
                           for e in range(cfg["num_experts"])]
                out[f"blk.{n}.ffn_{proj}_exps.weight"] = np.stack(experts)
    return out


def convert(folder: Path, out: Path, qtype: str, mask_id: int) -> dict[str, np.ndarray]:
    """Writes the file; returns what it stores, dequantised, under the GGUF names."""
    cfg = json.loads((folder / "config.json").read_text())
    tensors = gguf_tensors(load_state(folder), cfg)
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    writer = gguf.GGUFWriter(str(out), "llada2")
    writer.add_name(folder.name)
    writer.add_file_type(FILE_TYPES[qtype])
    writer.add_vocab_size(cfg["vocab_size"])
    writer.add_context_length(cfg.get("max_position_embeddings", 16384))
    writer.add_embedding_length(cfg["hidden_size"])
    writer.add_block_count(cfg["num_hidden_layers"])
    writer.add_feed_forward_length(cfg["intermediate_size"])
    writer.add_head_count(cfg["num_attention_heads"])
    writer.add_head_count_kv(cfg.get("num_key_value_heads", cfg["num_attention_heads"]))
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_rope_freq_base(cfg.get("rope_theta", 600000.0))
    writer.add_rope_dimension_count(int(head_dim * cfg.get("partial_rotary_factor", 0.5)))
    writer.add_layer_norm_rms_eps(cfg.get("rms_norm_eps", 1e-6))
    writer.add_expert_count(cfg["num_experts"])
    writer.add_expert_used_count(cfg["num_experts_per_tok"])
    writer.add_expert_shared_count(cfg.get("num_shared_experts", 0))
    writer.add_expert_feed_forward_length(cfg["moe_intermediate_size"])
    writer.add_expert_shared_feed_forward_length(cfg["moe_intermediate_size"])
    writer.add_expert_weights_scale(cfg.get("routed_scaling_factor", 1.0))
    writer.add_expert_weights_norm(True)   # dInfer's gate always normalises the chosen scores
    writer.add_expert_gating_func(gguf.ExpertGatingFuncType.SIGMOID)
    writer.add_expert_group_count(cfg.get("n_group", 1))
    writer.add_expert_group_used_count(cfg.get("topk_group", 1))
    writer.add_leading_dense_block_count(cfg.get("first_k_dense_replace", 0))
    writer.add_diffusion_shift_logits(False)
    writer.add_eos_token_id(cfg.get("eos_token_id", 156892))
    writer.add_pad_token_id(cfg.get("pad_token_id", cfg.get("eos_token_id", 156892)))
    writer.add_mask_token_id(mask_id)
    stored = {}
    for name, w in tensors.items():
        if w.ndim == 1 or qtype == "f32":
            data = w.astype(np.float32)
            writer.add_tensor(name, data)
            stored[name] = data
        else:
            data = gguf.quants.quantize(w, TYPES[qtype])
            writer.add_tensor(name, data, raw_dtype=TYPES[qtype])
            stored[name] = gguf.quants.dequantize(data, TYPES[qtype]).reshape(w.shape).astype(np.float32)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--type", choices=sorted(TYPES), default="q8_0")
    parser.add_argument("--mask-id", type=int, default=156895)
    args = parser.parse_args()
    convert(args.folder, args.out, args.type, args.mask_id)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
