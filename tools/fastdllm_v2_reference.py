"""Fast-dLLM v2 (`Fast_dLLM_QwenForCausalLM`, `model_type "Fast_dLLM_Qwen"`): Qwen2.5, block-causal.

The forward is `qwen_block_reference.QwenBlockModel` with bias on q/k/v (never on o_proj) and no
q/k norm; head_dim = hidden_size / num_attention_heads. Keys: the Efficient-Large-Model/Fast_dLLM_v2_7B
hub config.json (`bd_size` 32 = training block size; `layer_types`, `sliding_window` null). The logits
are NOT shifted by the model: the generate loop shifts them (fastdllm_v2_generate.py).
Mask `|<MASK>|` 151665 and stop token 151645 (`<|im_end|>`) are constants of the hub modeling.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from hf_folder import load_weights
from qwen_block_reference import QwenBlockModel, QwenBlockShape

FASTDLLM_V2_7B = {       # hub config.json of Efficient-Large-Model/Fast_dLLM_v2_7B
    "vocab_size": 152064, "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
    "num_attention_heads": 28, "num_key_value_heads": 4, "hidden_act": "silu", "max_position_embeddings": 32768,
    "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "rope_scaling": None, "tie_word_embeddings": False,
    "sliding_window": None, "use_sliding_window": False, "max_window_layers": 28, "attention_dropout": 0.0,
    "bd_size": 32, "bos_token_id": 151643, "eos_token_id": 151645, "pad_token_id": 151645,
}
FASTDLLM_MASK_ID = 151665
FASTDLLM_STOP_TOKEN = 151645


def fastdllm_v2_shape(cfg: dict) -> QwenBlockShape:
    c = {**FASTDLLM_V2_7B, **cfg}
    if c.get("rope_scaling"):
        raise ValueError(f"config.json: rope_scaling {c['rope_scaling']!r} is not supported (only default RoPE)")
    if c.get("use_sliding_window"):
        raise ValueError("config.json: use_sliding_window true is not supported")
    heads = c["num_attention_heads"]
    return QwenBlockShape(
        vocab_size=c["vocab_size"], hidden_size=c["hidden_size"], intermediate_size=c["intermediate_size"],
        num_hidden_layers=c["num_hidden_layers"], num_attention_heads=heads,
        num_key_value_heads=c["num_key_value_heads"], head_dim=c.get("head_dim") or c["hidden_size"] // heads,
        rms_norm_eps=c["rms_norm_eps"], rope_theta=c["rope_theta"], tie_word_embeddings=c["tie_word_embeddings"],
        qkv_bias=True, o_bias=False, qk_norm=False)


def fastdllm_v2_config_json(**overrides) -> dict:
    body = {"architectures": ["Fast_dLLM_QwenForCausalLM"], "model_type": "Fast_dLLM_Qwen",
            "auto_map": {"AutoConfig": "configuration.Fast_dLLM_QwenConfig",
                         "AutoModel": "modeling.Fast_dLLM_QwenModel",
                         "AutoModelForCausalLM": "modeling.Fast_dLLM_QwenForCausalLM"},
            **FASTDLLM_V2_7B, "torch_dtype": "float32"}
    body.update(overrides)
    body["layer_types"] = ["full_attention"] * body["num_hidden_layers"]
    return body


def load_fastdllm_v2(folder, dtype: torch.dtype = torch.float32) -> QwenBlockModel:
    folder = Path(folder)
    cfg = json.loads((folder / "config.json").read_text())
    model = QwenBlockModel(fastdllm_v2_shape(cfg))
    return load_weights(model, folder, dtype, tied=model.shape.tie_word_embeddings)
