"""Block-causal attention with an exact KV cache: the part the block-diffusion references share.

Block-diffusion models (SDAR/TraDo, Fast-dLLM v2, LLaDA2.x) attend causally across blocks and
bidirectionally inside one: the query at absolute position p sees the key at position j iff
j // block_size <= p // block_size. Earlier blocks never see later ones, so once a block is
committed its K/V never change and can be cached exactly.

`BlockKVCache` holds, per layer, the post-RoPE K and V of every position stored so far
(positions 0..length-1, like Hugging Face's DynamicCache). A forward of new tokens gets the
positions length..length+T-1 (HF derives `cache_position` from the cache length the same way),
attends to cache + itself under the block-causal mask, and either stores its K/V (prefill, a
finished block) or leaves the cache untouched (a denoising step inside the current block).
"""

from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F


def rope_tables(positions: torch.Tensor, rotary_dim: int, theta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """cos, sin (T, rotary_dim) in fp32 for absolute `positions`; inv_freq_i = theta^(-2i/rotary_dim)."""
    exponents = torch.arange(0, rotary_dim, 2, dtype=torch.float32) / rotary_dim
    inv_freq = 1.0 / (theta ** exponents)                                  # (rotary_dim/2,)
    angles = torch.outer(positions.to(torch.float32), inv_freq)            # (T, rotary_dim/2)
    angles = torch.cat([angles, angles], dim=-1)                           # (T, rotary_dim)
    return angles.cos(), angles.sin()


def apply_partial_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x (B, H, T, D): "rotate half" RoPE on the first cos.shape[-1] dims, the rest passed through."""
    r = cos.shape[-1]
    rot, rest = x[..., :r], x[..., r:]
    a, b = rot[..., : r // 2], rot[..., r // 2:]
    rotated = torch.cat([-b, a], dim=-1)
    return torch.cat([rot * cos + rotated * sin, rest], dim=-1)


def block_causal_mask(q_positions: torch.Tensor, k_positions: torch.Tensor, block_size: int) -> torch.Tensor:
    """(Tq, Tk) bool, True where the query may attend: key block <= query block."""
    return (k_positions[None, :] // block_size) <= (q_positions[:, None] // block_size)


def grouped_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor,
                      scale: Optional[float] = None) -> torch.Tensor:
    """q (B, Hq, Tq, D), k/v (B, Hkv, Tk, D), allowed (Tq, Tk) bool. Query head h reads kv head h // (Hq/Hkv).

    Written out (not SDPA) so that a fully masked row would give NaN instead of silently averaging."""
    group = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(group, dim=1)
    v = v.repeat_interleave(group, dim=1)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-1, -2)) * scale                             # (B, Hq, Tq, Tk)
    scores = scores.masked_fill(~allowed, float("-inf"))
    return F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype) @ v  # (B, Hq, Tq, D)


class BlockKVCache:
    """Per-layer K/V of committed positions 0..length-1 (post-RoPE, shape (B, Hkv, length, D))."""

    def __init__(self, n_layers: int):
        self.keys: list[Optional[torch.Tensor]] = [None] * n_layers
        self.values: list[Optional[torch.Tensor]] = [None] * n_layers
        self.length = 0

    def clone(self) -> "BlockKVCache":
        copy = BlockKVCache(len(self.keys))
        copy.keys = [None if t is None else t.clone() for t in self.keys]
        copy.values = [None if t is None else t.clone() for t in self.values]
        copy.length = self.length
        return copy

    def keys_values(self, layer: int, k_new: torch.Tensor, v_new: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Cached K/V of `layer` followed by the new ones (the cache itself is not changed)."""
        if self.keys[layer] is None:
            return k_new, v_new
        return torch.cat([self.keys[layer], k_new], dim=2), torch.cat([self.values[layer], v_new], dim=2)

    def store(self, layer: int, k_all: torch.Tensor, v_all: torch.Tensor) -> None:
        self.keys[layer], self.values[layer] = k_all, v_all

    def advance(self, n: int) -> None:
        self.length += n


class BlockForward:
    """The positions, mask and cache bookkeeping of one forward of T new tokens.

    Made once per forward and handed to every layer's attention."""

    def __init__(self, n_new: int, cache: Optional[BlockKVCache], store: bool, block_size: int,
                 key_valid: Optional[torch.Tensor] = None):
        start = cache.length if cache is not None else 0
        self.cache, self.store = cache, store
        self.q_positions = torch.arange(start, start + n_new)
        self.k_positions = torch.arange(0, start + n_new)
        allowed = block_causal_mask(self.q_positions, self.k_positions, block_size)
        if key_valid is not None:                    # (start + n_new,) bool: False = padding key
            allowed = allowed & key_valid[None, :]
        self.allowed = allowed

    def attend(self, layer: int, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
               scale: Optional[float] = None) -> torch.Tensor:
        """q, k, v of the new tokens (post-RoPE); returns the attention output (B, Hq, T, D)."""
        if self.cache is not None:
            k, v = self.cache.keys_values(layer, k, v)
            if self.store:
                self.cache.store(layer, k, v)
        return grouped_attention(q, k, v, self.allowed, scale)

    def finish(self) -> None:
        if self.cache is not None and self.store:
            self.cache.advance(len(self.q_positions))
