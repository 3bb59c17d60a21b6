"""Seeded tiny random checkpoints of the three block-diffusion families, in the official HF layout.

Weights are drawn so that the model is confident at some positions and unsure at others (logit scale
of a few units), or no threshold rule would ever fire on a random model: embeddings N(0, 1), every
projection N(0, 1/fan_in), norm weights 1 + N(0, 0.1^2), biases N(0, 0.1^2), router expert_bias
N(0, 0.05^2) (so that it changes the selection), the head N(0, head_scale^2 / d).
Written in bf16; the references read them back as fp32 exactly.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch

from fastdllm_v2_reference import fastdllm_v2_config_json, fastdllm_v2_shape
from llada2_reference import LLaDA2Model, llada2_config_json
from hf_folder import save_folder
from qwen_block_reference import QwenBlockModel
from sdar_reference import sdar_config_json, sdar_shape

VOCAB = 288
MASK_ID = {"sdar": 287, "fastdllm_v2": 286, "llada2": 285}     # placed at the top, like the real ids
EOS_ID = {"sdar": 280, "fastdllm_v2": 281, "llada2": 282}

SDAR_TINY = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                 num_attention_heads=4, num_key_value_heads=2, head_dim=32, rope_theta=10000.0,
                 rms_norm_eps=1e-6, tie_word_embeddings=False, max_position_embeddings=512,
                 bos_token_id=EOS_ID["sdar"], eos_token_id=EOS_ID["sdar"], pad_token_id=EOS_ID["sdar"])
FASTDLLM_TINY = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=2, rope_theta=1000000.0, rms_norm_eps=1e-6,
                     max_position_embeddings=512, bd_size=8, bos_token_id=EOS_ID["fastdllm_v2"],
                     eos_token_id=EOS_ID["fastdllm_v2"], pad_token_id=EOS_ID["fastdllm_v2"])
LLADA2_TINY = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=3,
                   num_attention_heads=4, num_key_value_heads=2, head_dim=16, partial_rotary_factor=0.5,
                   rope_theta=600000.0, rms_norm_eps=1e-6, num_experts=8, num_shared_experts=1,
                   num_experts_per_tok=2, n_group=2, topk_group=1, routed_scaling_factor=2.5,
                   moe_intermediate_size=32, first_k_dense_replace=1, max_position_embeddings=512,
                   pad_token_id=EOS_ID["llada2"], eos_token_id=EOS_ID["llada2"])


@torch.no_grad()
def randomise(model: torch.nn.Module, seed: int, head_scale: float) -> None:
    g = torch.Generator().manual_seed(seed)
    for name, p in sorted(model.named_parameters()):
        if name.endswith("norm.weight") or "layernorm" in name:
            p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
        elif name.endswith(".bias"):
            p.copy_(0.1 * torch.randn(p.shape, generator=g))
        elif "embed" in name:
            p.copy_(torch.randn(p.shape, generator=g))
        elif name == "lm_head.weight":
            p.copy_(torch.randn(p.shape, generator=g) * head_scale / math.sqrt(p.shape[1]))
        else:
            p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))
    for name, b in sorted(model.named_buffers()):
        if name.endswith("expert_bias"):
            b.copy_(0.05 * torch.randn(b.shape, generator=g))
    # bf16 round trip so the in-memory model equals what the folder holds
    for t in list(model.parameters()) + list(model.buffers()):
        t.copy_(t.to(torch.bfloat16).float())


def write_sdar(folder: Path, seed: int = 1) -> QwenBlockModel:
    cfg = sdar_config_json(**SDAR_TINY)
    model = QwenBlockModel(sdar_shape(cfg))
    randomise(model, seed, head_scale=6.0)
    save_folder(model, cfg, folder, torch.bfloat16, {"generation_config.json": {
        "bos_token_id": EOS_ID["sdar"], "eos_token_id": [EOS_ID["sdar"]], "pad_token_id": EOS_ID["sdar"]}})
    return model.eval()


def write_fastdllm_v2(folder: Path, seed: int = 2) -> QwenBlockModel:
    cfg = fastdllm_v2_config_json(**FASTDLLM_TINY)
    model = QwenBlockModel(fastdllm_v2_shape(cfg))
    randomise(model, seed, head_scale=6.0)
    save_folder(model, cfg, folder, torch.bfloat16)
    return model.eval()


def write_llada2(folder: Path, seed: int = 3) -> LLaDA2Model:
    cfg = llada2_config_json(**LLADA2_TINY)
    model = LLaDA2Model(cfg)
    randomise(model, seed, head_scale=6.0)
    save_folder(model, cfg, folder, torch.bfloat16)
    return model.eval()
