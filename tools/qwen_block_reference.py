"""The Qwen2/Qwen3 decoder under a block-causal mask: the shared body of SDAR/TraDo and Fast-dLLM v2.

    x = embed_tokens[ids]                                   no embedding scaling
    per layer:
        h = RMSNorm(x) * input_layernorm                    fp32 statistics
        q, k, v = q_proj(h), k_proj(h), v_proj(h)           bias: Fast-dLLM v2 (q, k, v); SDAR when attention_bias
        SDAR only: q, k = RMSNorm_head(q) * q_norm, RMSNorm_head(k) * k_norm   per head, weight (head_dim,)
        RoPE "rotate half" over the whole head, positions = cache length + 0..T-1
        x += o_proj(block_causal_attention(q, k, v))        GQA: query head h reads kv head h // group
        h = RMSNorm(x) * post_attention_layernorm
        x += down_proj(silu(gate_proj(h)) * up_proj(h))
    logits = lm_head(RMSNorm(x) * norm)                     embed_tokens when tie_word_embeddings

Sources: Gen-Verse/dLLM-RL @10b4fd1c models/sdar/modeling_sdar.py (SDARAttention l.196-365: q_norm/k_norm
before the transpose, RoPE, `store_kv`); the Fast_dLLM_v2_7B hub modeling.py (Fast_dLLM_QwenAttention:
q/k/v bias, o_proj none; `update_past_key_values`; eval mask `q_block >= kv_block`). The logits are not
shifted here: Fast-dLLM v2's loop shifts them (fastdllm_v2_generate.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from block_attention import BlockForward, BlockKVCache, apply_partial_rope, rope_tables

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from dscope_server.decoder_stack import SwiGLU  # noqa: E402


class RMSNorm(nn.Module):
    """x * rsqrt(mean(x^2) + eps) in fp32, times `weight` (Qwen: weight * normed.to(input dtype))."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))                            # (dim,)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x32 = x.float()
        normed = x32 * torch.rsqrt(x32.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return self.weight * normed.to(x.dtype)


class QwenBlockShape:
    """What differs between the families, read off their config.json by the family modules."""

    def __init__(self, *, vocab_size: int, hidden_size: int, intermediate_size: int, num_hidden_layers: int,
                 num_attention_heads: int, num_key_value_heads: int, head_dim: int, rms_norm_eps: float,
                 rope_theta: float, tie_word_embeddings: bool, qkv_bias: bool, o_bias: bool, qk_norm: bool):
        self.vocab_size, self.hidden_size, self.intermediate_size = vocab_size, hidden_size, intermediate_size
        self.num_hidden_layers, self.head_dim = num_hidden_layers, head_dim
        self.num_attention_heads, self.num_key_value_heads = num_attention_heads, num_key_value_heads
        self.rms_norm_eps, self.rope_theta = rms_norm_eps, rope_theta
        self.tie_word_embeddings, self.qkv_bias, self.o_bias, self.qk_norm = tie_word_embeddings, qkv_bias, o_bias, qk_norm


class _Attention(nn.Module):
    def __init__(self, s: QwenBlockShape):
        super().__init__()
        self.s = s
        d, hd = s.hidden_size, s.head_dim
        self.q_proj = nn.Linear(d, s.num_attention_heads * hd, bias=s.qkv_bias)    # (Hq*hd, d)
        self.k_proj = nn.Linear(d, s.num_key_value_heads * hd, bias=s.qkv_bias)    # (Hkv*hd, d)
        self.v_proj = nn.Linear(d, s.num_key_value_heads * hd, bias=s.qkv_bias)    # (Hkv*hd, d)
        self.o_proj = nn.Linear(s.num_attention_heads * hd, d, bias=s.o_bias)      # (d, Hq*hd)
        if s.qk_norm:
            self.q_norm = RMSNorm(hd, s.rms_norm_eps)                               # (hd,)
            self.k_norm = RMSNorm(hd, s.rms_norm_eps)                               # (hd,)

    def forward(self, h, layer: int, cos, sin, fwd: BlockForward):
        B, T, _ = h.shape
        hd = self.s.head_dim
        q = self.q_proj(h).view(B, T, -1, hd)
        k = self.k_proj(h).view(B, T, -1, hd)
        v = self.v_proj(h).view(B, T, -1, hd).transpose(1, 2)
        if self.s.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q = apply_partial_rope(q.transpose(1, 2), cos, sin)
        k = apply_partial_rope(k.transpose(1, 2), cos, sin)
        out = fwd.attend(layer, q, k, v)                                            # (B, Hq, T, hd)
        return self.o_proj(out.transpose(1, 2).reshape(B, T, -1))


class _Layer(nn.Module):
    def __init__(self, s: QwenBlockShape):
        super().__init__()
        self.self_attn = _Attention(s)
        self.mlp = SwiGLU(s.hidden_size, s.intermediate_size)
        self.input_layernorm = RMSNorm(s.hidden_size, s.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(s.hidden_size, s.rms_norm_eps)


class _Body(nn.Module):
    def __init__(self, s: QwenBlockShape):
        super().__init__()
        self.embed_tokens = nn.Embedding(s.vocab_size, s.hidden_size)             # (vocab, d)
        self.layers = nn.ModuleList(_Layer(s) for _ in range(s.num_hidden_layers))
        self.norm = RMSNorm(s.hidden_size, s.rms_norm_eps)


class QwenBlockModel(nn.Module):
    """State-dict keys = the Hugging Face names (`model.layers.N.self_attn.q_proj.weight`, `lm_head.weight`)."""

    def __init__(self, s: QwenBlockShape):
        super().__init__()
        self.shape = s
        self.model = _Body(s)
        if not s.tie_word_embeddings:
            self.lm_head = nn.Linear(s.hidden_size, s.vocab_size, bias=False)       # (vocab, d)

    def new_cache(self) -> BlockKVCache:
        return BlockKVCache(self.shape.num_hidden_layers)

    @torch.no_grad()
    def forward(self, input_ids: torch.Tensor, cache: Optional[BlockKVCache] = None, store: bool = False,
                block_size: int = 32, key_valid: Optional[torch.Tensor] = None) -> torch.Tensor:
        """input_ids (1, T) at positions cache.length.. ; returns logits (1, T, vocab) in fp32."""
        s = self.shape
        fwd = BlockForward(input_ids.shape[1], cache, store, block_size, key_valid)
        cos, sin = rope_tables(fwd.q_positions, s.head_dim, s.rope_theta)
        x = self.model.embed_tokens(input_ids)
        for i, layer in enumerate(self.model.layers):
            x = x + layer.self_attn(layer.input_layernorm(x), i, cos, sin, fwd)
            x = x + layer.mlp(layer.post_attention_layernorm(x))
        fwd.finish()
        head = self.model.embed_tokens.weight if s.tie_word_embeddings else self.lm_head.weight
        return F.linear(self.model.norm(x), head).float()
