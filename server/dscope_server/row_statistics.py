"""What the decoder needs of one logits row, computed where the logits are (Sources/Kernels/
SoftmaxStatistics.swift and Sources/Decoder/Sampler.swift, in the same arithmetic):

    p = softmax(row); H = log Z - sum(e z) / Z with z = row - max, e = exp(z), Z = sum(e)
    top id = argmax (ties to the lowest id); top-1 and top-2 probabilities (a repeated maximum
    counts twice)
    token: T = 0 the top id; T > 0 Gumbel-max, argmax over v of row_v - T log(-log u_v) in float64
           with u_v from the decoder's noise stream; never the mask id; ties to the lowest id
    p(token) = topP for the top id, else exp(row_token - row_top) * topP

Sums run in float64 (the Swift kernel sums float32 lanes into a float64 total): the statistics
agree to float32 rounding, the sampled tokens exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch

from . import noise


@dataclass
class RowStatistics:
    """Per row (all tensors on the CPU, length R): token -1 where no sample was asked for."""
    token: torch.Tensor              # int32
    token_probability: torch.Tensor  # float32
    top_id: torch.Tensor             # int32
    top_probability: torch.Tensor    # float32
    second_probability: torch.Tensor # float32
    entropy_nats: torch.Tensor       # float32
    top_k_ids: torch.Tensor          # int32 (R, k)
    top_k_probabilities: torch.Tensor  # float32 (R, k)


def statistics(rows: torch.Tensor, streams: list[Optional[int]], temperature: float, mask_id: int,
               top_k: int) -> RowStatistics:
    """rows (R, V) float32; streams[r] the Gumbel stream seed of row r, None for no sample."""
    if rows.device.type == "mps":  # no float64 on MPS
        rows = rows.cpu()
    rows = rows.float()
    R, V = rows.shape
    top2 = torch.topk(rows, min(2, V), dim=1).values
    top = top2[:, 0]
    second = top2[:, 1] if V > 1 else torch.full_like(top, -torch.inf)
    top_id = torch.argmax(rows, dim=1)  # first maximal index
    z = (rows - top[:, None]).double()
    e = torch.exp(z)
    partition = e.sum(dim=1)
    weighted = (e * z).sum(dim=1)
    entropy = (torch.log(partition) - weighted / partition).clamp_min(0)
    top_p32 = (1 / partition).float()
    second_p = torch.exp((second - top).double()) / partition if V > 1 else torch.zeros_like(partition)

    token = torch.full((R,), -1, dtype=torch.int64, device=rows.device)
    wanted = [r for r, s in enumerate(streams) if s is not None]
    if wanted:
        index = torch.tensor(wanted, device=rows.device)
        token[index] = _sample(rows[index], top_id[index], [streams[r] for r in wanted], temperature, mask_id)
    picked = token.clamp_min(0)
    relative = torch.exp(rows.gather(1, picked[:, None]).squeeze(1).double() - top.double())
    token_p = torch.where(picked == top_id, top_p32.double(), relative * top_p32.double()).float()

    k = min(top_k, V)
    k_values, k_ids = torch.topk(rows, k, dim=1) if k > 0 else (rows[:, :0], top_id[:, None][:, :0])
    k_p = (torch.exp((k_values - top[:, None]).double()) / partition[:, None]).float()
    cpu = torch.device("cpu")
    return RowStatistics(
        token=token.to(cpu, torch.int32), token_probability=token_p.to(cpu),
        top_id=top_id.to(cpu, torch.int32), top_probability=top_p32.to(cpu),
        second_probability=second_p.float().to(cpu), entropy_nats=entropy.float().to(cpu),
        top_k_ids=k_ids.to(cpu, torch.int32), top_k_probabilities=k_p.to(cpu))


def _sample(rows: torch.Tensor, top_id: torch.Tensor, streams: list[int], temperature: float,
            mask_id: int) -> torch.Tensor:
    """The sampled token of each row (Sampler.token)."""
    V = rows.shape[1]
    token = top_id.clone()
    needs = (top_id == mask_id) if temperature == 0 else torch.ones_like(top_id, dtype=torch.bool)
    if not bool(needs.any()):
        return token
    which = needs.nonzero().squeeze(1)
    sub = rows[which].double()
    seeds = noise.stream_tensor([streams[int(i)] for i in which], rows.device)
    # The best key is at least the top id's (or, when the top id is the mask, column 0's or 1's);
    # only columns that could reach it draw noise, as in Sampler.swift.
    start = torch.where(top_id[which] != mask_id, top_id[which],
                        torch.full_like(top_id[which], 1 if mask_id == 0 else 0))
    if temperature > 0:
        start_u = noise.uniforms(seeds, start)
        start_key = sub.gather(1, start[:, None]).squeeze(1) - temperature * torch.log(-torch.log(start_u))
        reach = temperature * noise.GUMBEL_REACH_PER_KELVIN
        candidates = (sub + reach >= start_key[:, None]).nonzero()  # (n, 2): row, column
        keys = torch.full_like(sub, -torch.inf)
        u = noise.uniforms(seeds[candidates[:, 0]], candidates[:, 1])
        keys[candidates[:, 0], candidates[:, 1]] = sub[candidates[:, 0], candidates[:, 1]] - temperature * torch.log(-torch.log(u))
    else:
        keys = sub
    if 0 <= mask_id < V:
        keys[:, mask_id] = -torch.inf
    token[which] = torch.argmax(keys, dim=1)
    return token
