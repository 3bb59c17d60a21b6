"""LLaDA2.0 / 2.1 (`LLaDA2MoeModelLM`, `model_type "llada2_moe"`, BailingMoeV2 body), block-causal.

Written from inclusionAI/dInfer @fce4e328 python/dinfer/model/modeling_llada2_moe.py:

    x = word_embeddings[ids]
    per layer N:
        h = RMSNorm(x) * input_layernorm
        qkv = query_key_value(h)           ((Hq + 2 Hkv) * D, d): per position, heads in the order
                                           Hq query heads, Hkv key heads, Hkv value heads (l.712-717)
        q, k = RMSNorm_head(q) * query_layernorm, RMSNorm_head(k) * key_layernorm   (D,) each
        RoPE "rotate half" on the first rope_dim = int(D * partial_rotary_factor) dims only,
        inv_freq over rope_dim (l.392-466); the other D - rope_dim dims pass through
        x += dense(block_causal_attention(q, k, v))        bias on dense when use_bias
        h = RMSNorm(x) * post_attention_layernorm
        N < first_k_dense_replace: x += MLP(h)             intermediate_size
        else:                      x += MoE(h) + shared_experts(h)
    logits = lm_head(RMSNorm(x) * norm).float()            not shifted

MoE router (LLaDA2MoeGate l.487-566), in fp32:
    logits = h.float() @ gate.weight.float().T           (E,)
    s = sigmoid(logits)
    b = s + gate.expert_bias                              bias steers selection only
    group score = sum of the top-2 of b in each of n_group groups; keep topk_group groups
    chosen = top-k of b among the kept groups' experts (others -inf)
    w = s[chosen] / (sum s[chosen] + 1e-20) * routed_scaling_factor   (no normalisation when k == 1)
    MoE(h) = sum_j w_j * expert_{chosen_j}(h)             experts are SwiGLU, moe_intermediate_size
    shared_experts: one SwiGLU of moe_intermediate_size * num_shared_experts, added unweighted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from block_attention import BlockForward, BlockKVCache, apply_partial_rope, rope_tables
from hf_folder import load_weights
from qwen_block_reference import RMSNorm, SwiGLU

LLADA2_MINI = {          # [3P] values of inclusionAI/LLaDA2.0-mini config.json (see ARCHITECTURES.md)
    "vocab_size": 157184, "hidden_size": 2048, "intermediate_size": 5120, "num_hidden_layers": 20,
    "num_attention_heads": 16, "num_key_value_heads": 4, "head_dim": 128, "hidden_act": "silu",
    "use_qkv_bias": False, "use_qk_norm": True, "use_bias": False, "rms_norm_eps": 1e-6,
    "norm_head": False, "tie_word_embeddings": False, "max_position_embeddings": 16384,
    "rope_theta": 600000.0, "rope_scaling": None, "partial_rotary_factor": 0.5,
    "num_experts": 256, "num_shared_experts": 1, "num_experts_per_tok": 8, "n_group": 8, "topk_group": 4,
    "routed_scaling_factor": 2.5, "moe_intermediate_size": 512, "first_k_dense_replace": 1,
    "score_function": "sigmoid", "moe_router_enable_expert_bias": True, "norm_topk_prob": True,
    "pad_token_id": 156892, "eos_token_id": 156892,
}
LLADA2_MASK_ID = 156895      # tokenizer `<|mask|>`, not in config.json
LLADA2_EOS_ID = 156892


class LLaDA2Shape:
    def __init__(self, cfg: dict):
        c = {**LLADA2_MINI, **cfg}
        for key, allowed in (("hidden_act", "silu"), ("score_function", "sigmoid")):
            if c[key] != allowed:
                raise ValueError(f"config.json: {key} {c[key]!r} is not supported (only {allowed!r})")
        if c.get("rope_scaling") or c["norm_head"]:
            raise ValueError("config.json: rope_scaling / norm_head are not supported")
        if c["num_experts"] % c["n_group"] or c["num_experts"] // c["n_group"] < 2:
            raise ValueError(f"config.json: num_experts {c['num_experts']} must split into n_group "
                             f"{c['n_group']} groups of at least 2")
        self.c = c
        self.head_dim = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
        self.rope_dim = int(self.head_dim * c["partial_rotary_factor"])

    def __getattr__(self, key):
        try:
            return self.__dict__["c"][key]
        except KeyError as e:
            raise AttributeError(key) from e


class _Attention(nn.Module):
    def __init__(self, s: LLaDA2Shape):
        super().__init__()
        self.s = s
        d, hd, hq, hkv = s.hidden_size, s.head_dim, s.num_attention_heads, s.num_key_value_heads
        self.query_key_value = nn.Linear(d, (hq + 2 * hkv) * hd, bias=s.use_qkv_bias)   # ((Hq+2Hkv)*hd, d)
        if s.use_qk_norm:
            self.query_layernorm = RMSNorm(hd, s.rms_norm_eps)                           # (hd,)
            self.key_layernorm = RMSNorm(hd, s.rms_norm_eps)                             # (hd,)
        self.dense = nn.Linear(hq * hd, d, bias=s.use_bias)                              # (d, Hq*hd)

    def forward(self, h, layer: int, cos, sin, fwd: BlockForward):
        s = self.s
        B, T, _ = h.shape
        hq, hkv = s.num_attention_heads, s.num_key_value_heads
        qkv = self.query_key_value(h).view(B, T, hq + 2 * hkv, s.head_dim)
        q, k, v = qkv.split([hq, hkv, hkv], dim=2)
        if s.use_qk_norm:
            q, k = self.query_layernorm(q), self.key_layernorm(k)
        q = apply_partial_rope(q.transpose(1, 2), cos, sin)
        k = apply_partial_rope(k.transpose(1, 2), cos, sin)
        out = fwd.attend(layer, q, k, v.transpose(1, 2))
        return self.dense(out.transpose(1, 2).reshape(B, T, -1))


class _Gate(nn.Module):
    def __init__(self, s: LLaDA2Shape):
        super().__init__()
        self.s = s
        self.weight = nn.Parameter(torch.empty(s.num_experts, s.hidden_size))           # (E, d)
        self.register_buffer("expert_bias", torch.zeros(s.num_experts))                  # (E,)

    def route(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """h (N, d) -> chosen expert ids (N, k) and their weights (N, k), fp32."""
        s = self.s
        scores = torch.sigmoid(h.float() @ self.weight.float().T)                        # (N, E)
        biased = scores + self.expert_bias.float()
        n = h.shape[0]
        grouped = biased.view(n, s.n_group, -1)
        group_scores = grouped.topk(2, dim=-1).values.sum(dim=-1)                        # (N, G)
        keep = torch.zeros_like(group_scores, dtype=torch.bool)
        keep.scatter_(1, group_scores.topk(s.topk_group, dim=-1).indices, True)
        allowed = keep[:, :, None].expand_as(grouped).reshape(n, -1)
        chosen = biased.masked_fill(~allowed, float("-inf")).topk(s.num_experts_per_tok, dim=-1).indices
        w = scores.gather(1, chosen)
        if s.num_experts_per_tok > 1:
            w = w / (w.sum(dim=-1, keepdim=True) + 1e-20)
        return chosen, w * s.routed_scaling_factor


class _MoE(nn.Module):
    def __init__(self, s: LLaDA2Shape):
        super().__init__()
        self.gate = _Gate(s)
        self.experts = nn.ModuleList(SwiGLU(s.hidden_size, s.moe_intermediate_size) for _ in range(s.num_experts))
        self.shared = s.num_shared_experts or 0
        if self.shared:
            self.shared_experts = SwiGLU(s.hidden_size, s.moe_intermediate_size * self.shared)

    def forward(self, h):
        B, T, d = h.shape
        flat = h.reshape(-1, d)
        chosen, w = self.gate.route(flat)
        out = torch.zeros_like(flat, dtype=torch.float32)
        for slot in range(chosen.shape[1]):
            for e in chosen[:, slot].unique().tolist():
                rows = chosen[:, slot] == e
                out[rows] += w[rows, slot, None] * self.experts[e](flat[rows]).float()
        out = out.to(h.dtype).view(B, T, d)
        return out + self.shared_experts(h) if self.shared else out


class _Layer(nn.Module):
    def __init__(self, s: LLaDA2Shape, index: int):
        super().__init__()
        self.attention = _Attention(s)
        self.mlp = _MoE(s) if index >= s.first_k_dense_replace else SwiGLU(s.hidden_size, s.intermediate_size)
        self.input_layernorm = RMSNorm(s.hidden_size, s.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(s.hidden_size, s.rms_norm_eps)


class _Body(nn.Module):
    def __init__(self, s: LLaDA2Shape):
        super().__init__()
        self.word_embeddings = nn.Embedding(s.vocab_size, s.hidden_size)                 # (vocab, d)
        self.layers = nn.ModuleList(_Layer(s, i) for i in range(s.num_hidden_layers))
        self.norm = RMSNorm(s.hidden_size, s.rms_norm_eps)


class LLaDA2Model(nn.Module):
    """State-dict keys = the Hugging Face names (`model.layers.N.attention.query_key_value.weight`,
    `model.layers.N.mlp.gate.expert_bias`, `model.layers.N.mlp.experts.E.up_proj.weight`, ...)."""

    def __init__(self, cfg: dict):
        super().__init__()
        self.shape = s = LLaDA2Shape(cfg)
        self.model = _Body(s)
        if not s.tie_word_embeddings:
            self.lm_head = nn.Linear(s.hidden_size, s.vocab_size, bias=False)                # (vocab, d)

    def new_cache(self) -> BlockKVCache:
        return BlockKVCache(self.shape.num_hidden_layers)

    @torch.no_grad()
    def forward(self, input_ids: torch.Tensor, cache: Optional[BlockKVCache] = None, store: bool = False,
                block_size: int = 32, key_valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """input_ids (1, T) at positions cache.length.. ; returns logits (1, T, vocab) in fp32."""
        s = self.shape
        fwd = BlockForward(input_ids.shape[1], cache, store, block_size, key_valid)
        cos, sin = rope_tables(fwd.q_positions, s.rope_dim, s.rope_theta)
        x = self.model.word_embeddings(input_ids)
        for i, layer in enumerate(self.model.layers):
            x = x + layer.attention(layer.input_layernorm(x), i, cos, sin, fwd)
            x = x + layer.mlp(layer.post_attention_layernorm(x))
        fwd.finish()
        head = self.model.word_embeddings.weight if s.tie_word_embeddings else self.lm_head.weight
        return F.linear(self.model.norm(x), head).float()


def llada2_config_json(**overrides) -> dict:
    body = {"architectures": ["LLaDA2MoeModelLM"], "model_type": "llada2_moe",
            "auto_map": {"AutoConfig": "configuration_llada2_moe.LLaDA2MoeConfig",
                         "AutoModel": "modeling_llada2_moe.LLaDA2MoeModel",
                         "AutoModelForCausalLM": "modeling_llada2_moe.LLaDA2MoeModelLM"},
            **LLADA2_MINI, "torch_dtype": "float32"}
    body.update(overrides)
    return body


def load_llada2(folder, dtype: torch.dtype = torch.float32) -> LLaDA2Model:
    folder = Path(folder)
    cfg = json.loads((folder / "config.json").read_text())
    model = LLaDA2Model(cfg)
    return load_weights(model, folder, dtype, tied=model.shape.tie_word_embeddings)
