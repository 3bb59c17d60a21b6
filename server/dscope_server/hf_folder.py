"""A Hugging Face checkpoint folder as every reference in this project reads and writes it:
config.json (+ e.g. generation_config.json) and model.safetensors, or shards named by
model.safetensors.index.json. State-dict keys are the hub's tensor names, so a saved folder loads
like a download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import torch
import torch.nn as nn
from safetensors.torch import load_file, save_file


def read_config(folder) -> dict:
    path = Path(folder) / "config.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing")
    return json.loads(path.read_text())


def read_tensors(folder) -> dict[str, torch.Tensor]:
    """model.safetensors, or the shards named by model.safetensors.index.json."""
    folder = Path(folder)
    index = folder / "model.safetensors.index.json"
    if index.exists():
        tensors: dict[str, torch.Tensor] = {}
        for shard in sorted(set(json.loads(index.read_text())["weight_map"].values())):
            tensors.update(load_file(str(folder / shard)))
        return tensors
    single = folder / "model.safetensors"
    if not single.exists():
        raise FileNotFoundError(f"{folder} has neither model.safetensors nor model.safetensors.index.json")
    return load_file(str(single))


def load_weights(model: nn.Module, folder, dtype: torch.dtype = torch.float32, tied: bool = False) -> nn.Module:
    """The folder's tensors in `dtype` (fp32 by default: exact for bf16) into `model`, which may have
    been built on the meta device. `tied`: drop the lm_head copy some tied checkpoints still ship."""
    tensors = {k: v.to(dtype) for k, v in read_tensors(folder).items()}
    if tied:
        tensors.pop("lm_head.weight", None)
    model.load_state_dict(tensors, strict=True, assign=True)
    return model.eval()


def save_folder(model: nn.Module, config_json: dict, folder, dtype: torch.dtype = torch.float32,
                extra_json: Optional[dict[str, dict]] = None) -> None:
    """config.json (+ the named extra JSON files) and model.safetensors with every tensor in `dtype`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config_json, indent=2) + "\n")
    for name, body in (extra_json or {}).items():
        (folder / name).write_text(json.dumps(body, indent=2) + "\n")
    tensors = {k: v.detach().to(dtype).contiguous().cpu() for k, v in model.state_dict().items()}
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
