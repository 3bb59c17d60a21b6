"""Plain PyTorch reference for the Dream architecture (HKUNLP/Dream-v0, `model_type "Dream"`).

Written from the public facts of Dream's modeling code, which is Qwen2's decoder made bidirectional:

    x = embed_tokens[ids]                                       no embedding scaling
    per layer:
        h = RMSNorm(x) * input_layernorm                        fp32 statistics
        q, k, v = q_proj(h), k_proj(h), v_proj(h)               Linear WITH bias (o_proj has none)
        RoPE on q, k ("rotate half", inv_freq = rope_theta^(-2i/head_dim), positions 0..T-1)
        x += o_proj(softmax(q k^T / sqrt(head_dim)) v)          no causal mask; grouped KV: query
                                                                head h reads kv head h // group
        h = RMSNorm(x) * post_attention_layernorm
        x += down_proj(silu(gate_proj(h)) * up_proj(h))
    logits = lm_head(RMSNorm(x) * norm)                         embed_tokens when tie_word_embeddings

Dream was initialised from an autoregressive model, so the logits row of position i-1 is the
prediction for position i (`shift_logits`; position 0 keeps its own row). Mask token 151666.

State-dict keys are the Hugging Face names (`model.layers.N.self_attn.q_proj.weight`, `lm_head.weight`),
so `save_dream` writes a folder laid out like a hub download.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from . import decoder_stack
from .decoder_stack import BidirectionalAttention, BidirectionalLM, DecoderLayer, HFConfig, SwiGLU


@dataclass
class DreamConfig(HFConfig):
    """Field names are Dream's config.json keys; defaults are Dream-v0-Instruct-7B's."""
    ARCHITECTURES = ("DreamModel",)
    hidden_size: int = 3584
    intermediate_size: int = 18944
    num_hidden_layers: int = 28
    num_attention_heads: int = 28
    num_key_value_heads: int = 4
    vocab_size: int = 152064
    max_position_embeddings: int = 131072
    rope_theta: float = 1000000.0
    rms_norm_eps: float = 1e-6
    tie_word_embeddings: bool = False
    mask_token_id: int = 151666
    pad_token_id: int = 151643
    bos_token_id: int = 151643
    eos_token_id: int = 151643
    hidden_act: str = "silu"
    rope_scaling: None = None
    model_type: str = "Dream"


class DreamModel(BidirectionalLM):
    """Qwen2's decoder with q/k/v biases, made bidirectional. `forward` is unshifted: row i is read
    for position i+1 (`shift_logits`)."""

    def __init__(self, cfg: DreamConfig):
        super().__init__(cfg, lambda: DecoderLayer(cfg, BidirectionalAttention(cfg, qkv_bias=True, qk_norm=False),
                                                   SwiGLU(cfg.hidden_size, cfg.intermediate_size)))


def shift_logits(logits: torch.Tensor) -> torch.Tensor:
    """Dream's generate(): position i reads row i-1, position 0 reads row 0."""
    return torch.cat([logits[:, :1], logits[:, :-1]], dim=1)


def save_dream(model: DreamModel, folder, dtype: torch.dtype = torch.bfloat16) -> None:
    decoder_stack.save(model, folder, dtype)


def load_dream(folder, dtype: torch.dtype = torch.float32) -> tuple[DreamConfig, DreamModel]:
    return decoder_stack.load(DreamConfig, DreamModel, folder, dtype)
