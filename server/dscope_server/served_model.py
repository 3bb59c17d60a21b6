"""The model a server answers for: loaded from a folder (the model's own Hugging Face code when the
folder ships it and transformers is installed, else the project's PyTorch reference) or made with
random weights at a known model's shapes; its identity; and its batched forward."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import torch

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
# Files beside the weights that dscope needs to run without a local copy of the model.
COMPANION_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
                   "heldout.jsonl")


class ModelLoadError(Exception):
    pass


@dataclass
class ServedModel:
    name: str
    architecture: str          # "llada" or "dream"
    loader: str                # "huggingface", "reference" or "synthetic"
    config: dict               # config.json as read
    vocab_size: int
    logit_columns: int
    mask_id: int
    eos_id: int
    shifts_logits: bool
    max_canvas: int
    weights_fingerprint: str
    device: torch.device
    dtype: str
    folder: Optional[Path]
    _logits: Callable[[torch.Tensor], torch.Tensor]  # (B, T) long -> (B, T, V) any float dtype

    @property
    def config_hash(self) -> str:
        """FNV-1a 64 of config.json in a canonical form (sorted keys, no spaces)."""
        return fingerprint(json.dumps(self.config, sort_keys=True, separators=(",", ":")).encode())

    def companion(self, name: str) -> Optional[bytes]:
        if name not in COMPANION_FILES:
            return None
        if name == "config.json":
            return (json.dumps(self.config, indent=2) + "\n").encode()
        path = self.folder / name if self.folder else None
        return path.read_bytes() if path and path.is_file() else None

    @torch.no_grad()
    def logits(self, canvases: list[list[int]]) -> list[torch.Tensor]:
        """Logits (T, V) of each canvas in the model's dtype (callers convert the rows they keep:
        a batch of whole rows in float32 would be gigabytes); equal lengths run as one batch."""
        out: list[Optional[torch.Tensor]] = [None] * len(canvases)
        by_length: dict[int, list[int]] = {}
        for i, canvas in enumerate(canvases):
            by_length.setdefault(len(canvas), []).append(i)
        for indices in by_length.values():
            ids = torch.tensor([canvases[i] for i in indices], dtype=torch.long, device=self.device)
            batch = self._logits(ids)
            for row, i in enumerate(indices):
                out[i] = batch[row]
        return out  # type: ignore[return-value]


def fingerprint(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"fnv1a64:{h:016x}"


def weights_fingerprint(folder: Path) -> str:
    """FNV-1a 64 over each safetensors file's name, size and header (names, shapes, dtypes,
    offsets): cheap for 16 GB of weights, and any re-export changes it."""
    parts = []
    for path in sorted(folder.glob("*.safetensors")):
        with path.open("rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            parts.append(path.name.encode() + b"\0" + str(path.stat().st_size).encode() + b"\0" + f.read(min(length, 1 << 24)))
    return fingerprint(b"\n".join(parts))


def load(folder: str, device: str, dtype: str) -> ServedModel:
    path = Path(folder)
    config_path = path / "config.json"
    if not config_path.is_file():
        raise ModelLoadError(f"{config_path}: missing; give a Hugging Face model folder")
    config = json.loads(config_path.read_text())
    architecture = _architecture(config, config_path)
    torch_device, torch_dtype = torch.device(device), DTYPES[dtype]
    module, loader = _huggingface(path, config, torch_dtype), "huggingface"
    if module is None:
        module, loader = _reference(path, architecture, torch_dtype), "reference"
    module = module.to(torch_device).eval()
    logits = (lambda ids: module(ids).logits) if loader == "huggingface" else module
    return _described(path.resolve().name, architecture, loader, config, weights_fingerprint(path),
                      torch_device, dtype, path, logits)


def synthetic(shape: str, device: str, dtype: str, layers: Optional[int], seed: int = 0) -> ServedModel:
    """Random weights (std 0.02) at a known model's shapes, for benchmarks; `layers` cuts the depth."""
    if shape != "llada-8b":
        raise ModelLoadError(f"--synthetic {shape}: unknown; known: llada-8b")
    from .llada_reference import LLaDAConfig, LLaDAModel
    cfg = LLaDAConfig()
    if layers is not None:
        cfg.n_layers = layers
    torch.manual_seed(seed)
    torch_device = torch.device(device)
    default = torch.get_default_dtype()
    torch.set_default_dtype(DTYPES[dtype])  # made in place at its dtype: 8B in fp32 would need 32 GB first
    try:
        with torch_device:
            module = LLaDAModel(cfg).eval()
    finally:
        torch.set_default_dtype(default)
    config = cfg.to_json_dict()
    return _described(f"synthetic-{shape}-{cfg.n_layers}", "llada", "synthetic", config,
                      fingerprint(f"synthetic {shape} layers {cfg.n_layers} seed {seed}".encode()),
                      torch_device, dtype, None, module)


def _architecture(config: dict, where: Path) -> str:
    kind = str(config.get("model_type", "")).lower()
    if kind in ("llada", "dream"):
        return kind
    raise ModelLoadError(f"{where}: model_type {config.get('model_type')!r} is not one dscope-server knows (llada, Dream)")


def _huggingface(folder: Path, config: dict, dtype: torch.dtype):
    """The model's own modeling code, when the folder ships it (auto_map) and transformers exists."""
    if "auto_map" not in config or not any(folder.glob("modeling_*.py")):
        return None
    try:
        from transformers import AutoModel
    except ImportError:
        return None
    return AutoModel.from_pretrained(str(folder), trust_remote_code=True, torch_dtype=dtype, local_files_only=True)


def _reference(folder: Path, architecture: str, dtype: torch.dtype):
    try:
        if architecture == "llada":
            from .llada_reference import load_llada
            return load_llada(folder, dtype)[1]
        from .dream_reference import load_dream
        return load_dream(folder, dtype)[1]
    except (FileNotFoundError, RuntimeError, KeyError, ValueError) as error:
        raise ModelLoadError(f"{folder}: {error}") from error


def _described(name, architecture, loader, config, weights, device, dtype, folder, logits) -> ServedModel:
    if architecture == "llada":
        vocab = int(config.get("vocab_size", 126464))
        columns = int(config.get("embedding_size") or vocab)
        mask, eos = int(config.get("mask_token_id", 126336)), int(config.get("eos_token_id", 126081))
        longest = int(config.get("max_sequence_length", 4096))
    else:
        vocab = int(config.get("vocab_size", 152064))
        columns = vocab
        mask, eos = int(config.get("mask_token_id", 151666)), int(config.get("eos_token_id", 151643))
        longest = int(config.get("max_position_embeddings", 131072))
    return ServedModel(name=name, architecture=architecture, loader=loader, config=config, vocab_size=vocab,
                       logit_columns=columns, mask_id=mask, eos_id=eos, shifts_logits=architecture == "dream",
                       max_canvas=longest, weights_fingerprint=weights, device=device, dtype=dtype,
                       folder=folder, _logits=logits)
