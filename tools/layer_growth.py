"""Grows a trained LLaDA state dict to more layers without changing what it computes (LLaMA Pro's
block expansion): each new layer is a copy of the layer before it with its two output projections at
zero, so it adds nothing to the residual stream until trained. Used to start a deeper run from a
shallower export (`train_tiny.py --init`) and to average a deeper checkpoint with the export it grew
from (`export_tiny.py --average-with`)."""

from __future__ import annotations

import torch

BLOCK = "model.transformer.blocks."
OUTPUT_PROJECTIONS = ("attn_out.weight", "ff_out.weight")


def grown_layer_sources(old_layers: int, new_layers: int) -> list[tuple[int, bool]]:
    """For each layer of the deeper model, the old layer it starts from and whether it is a new one:
    the new layers spread evenly, each after the old layer it copies."""
    extra = new_layers - old_layers
    sources = []
    for old in range(old_layers):
        sources.append((old, False))
        grown_so_far = len(sources) - (old + 1)
        if (old + 1) * extra // old_layers > grown_so_far:
            sources.append((old, True))
    return sources


def grow_layers(state: dict, old_layers: int, new_layers: int) -> dict:
    """`state` (HF tensor names) with its `old_layers` blocks spread over `new_layers`."""
    if new_layers < old_layers:
        raise ValueError(f"cannot grow {old_layers} layers to {new_layers}")
    grown_state = {k: v for k, v in state.items() if not k.startswith(BLOCK)}
    for index, (source, grown) in enumerate(grown_layer_sources(old_layers, new_layers)):
        prefix = f"{BLOCK}{source}."
        for name, value in state.items():
            if name.startswith(prefix):
                silenced = grown and name.endswith(OUTPUT_PROJECTIONS)
                grown_state[f"{BLOCK}{index}." + name[len(prefix):]] = torch.zeros_like(value) if silenced else value
    return grown_state
