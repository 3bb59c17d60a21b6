"""SDAR / TraDo (`SDARForCausalLM`, `model_type "sdar"`): Qwen3 with per-head q_norm/k_norm, block-causal.

The forward is `qwen_block_reference.QwenBlockModel` with `qk_norm=True`; this file maps config.json.
Keys and defaults: Gen-Verse/dLLM-RL @10b4fd1c models/sdar/configuration_sdar.py (SDARConfig.__init__).
`head_dim` is its own key (Qwen3: not hidden/heads in general); `attention_bias` puts a bias on q, k, v
AND o_proj (SDARAttention l.214-225). The modeling file also reads `fuse_cross_entropy` from the config
(SDARForCausalLM.forward), so a config.json must carry it (False at inference).
Mask `<|MASK|>` 151669 comes from the tokenizer, not config.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from hf_folder import load_weights
from qwen_block_reference import QwenBlockModel, QwenBlockShape

SDAR_DEFAULTS = {        # SDARConfig.__init__ defaults
    "vocab_size": 151936, "hidden_size": 4096, "intermediate_size": 22016, "num_hidden_layers": 32,
    "num_attention_heads": 32, "num_key_value_heads": 32, "head_dim": 128, "hidden_act": "silu",
    "max_position_embeddings": 32768, "rms_norm_eps": 1e-6, "tie_word_embeddings": False,
    "rope_theta": 10000.0, "rope_scaling": None, "attention_bias": False, "use_sliding_window": False,
    "sliding_window": 4096, "max_window_layers": 28, "attention_dropout": 0.0,
}
SDAR_MASK_ID = 151669


def sdar_shape(cfg: dict) -> QwenBlockShape:
    c = {**SDAR_DEFAULTS, **cfg}
    if c.get("rope_scaling"):
        raise ValueError(f"config.json: rope_scaling {c['rope_scaling']!r} is not supported (only default RoPE)")
    if c["hidden_act"] != "silu":
        raise ValueError(f"config.json: hidden_act {c['hidden_act']!r}, only 'silu' is supported")
    return QwenBlockShape(
        vocab_size=c["vocab_size"], hidden_size=c["hidden_size"], intermediate_size=c["intermediate_size"],
        num_hidden_layers=c["num_hidden_layers"], num_attention_heads=c["num_attention_heads"],
        num_key_value_heads=c["num_key_value_heads"] or c["num_attention_heads"], head_dim=c["head_dim"],
        rms_norm_eps=c["rms_norm_eps"], rope_theta=c["rope_theta"], tie_word_embeddings=c["tie_word_embeddings"],
        qkv_bias=c["attention_bias"], o_bias=c["attention_bias"], qk_norm=True)


def sdar_config_json(**overrides) -> dict:
    """A config.json in the official layout (architectures, model_type, auto_map as on the hub)."""
    body = {"architectures": ["SDARForCausalLM"], "model_type": "sdar",
            "auto_map": {"AutoConfig": "configuration_sdar.SDARConfig",
                         "AutoModelForCausalLM": "modeling_sdar.SDARForCausalLM"},
            **SDAR_DEFAULTS, "fuse_cross_entropy": False, "torch_dtype": "float32"}
    body.update(overrides)
    return body


def load_sdar(folder, dtype: torch.dtype = torch.float32) -> QwenBlockModel:
    folder = Path(folder)
    cfg = json.loads((folder / "config.json").read_text())
    model = QwenBlockModel(sdar_shape(cfg))
    return load_weights(model, folder, dtype, tied=model.shape.tie_word_embeddings)
