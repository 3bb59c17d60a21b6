"""The decoder's noise streams (Sources/Decoder/NoiseStreams.swift), bit for bit.

    mix(x)      = the first output of SplitMix64(seed: x)
    streamSeed  = mix(mix(mix(seed ^ purpose) ^ step) ^ position)
    x_i         = mix(streamSeed + i * gamma)          the (i+1)-th output of SplitMix64(streamSeed)
    u_i         = ((x_i >> 12) + 0.5) * 2^-52

All arithmetic wraps modulo 2^64. Python ints do it for one value; torch has no uint64, so the
vectorised form keeps the same bits in int64 (two's-complement multiply and xor wrap alike) and
masks the arithmetic right shifts into logical ones.
"""

from __future__ import annotations

import math

import torch

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
_C1 = 0xBF58476D1CE4E5B9
_C2 = 0x94D049BB133111EB
GUMBEL = 0x47554D42  # "GUMB"
ORDER = 0x4F524452   # "ORDR"
# The largest uniform, 1 - 2^-53: no column whose logit plus the largest possible noise stays
# below the best key can win (Sampler.swift skips those columns; so does row_statistics).
LARGEST_UNIFORM = ((1 << 52) - 1 + 0.5) * 2.0 ** -52
GUMBEL_REACH_PER_KELVIN = -math.log(-math.log(LARGEST_UNIFORM))


def mix(x: int) -> int:
    z = (x + GAMMA) & MASK
    z = ((z ^ (z >> 30)) * _C1) & MASK
    z = ((z ^ (z >> 27)) * _C2) & MASK
    return z ^ (z >> 31)


def stream_seed(seed: int, purpose: int, step: int, position: int) -> int:
    return mix(mix(mix(seed ^ purpose) ^ step) ^ position)


def uniform(stream: int, index: int) -> float:
    x = mix((stream + index * GAMMA) & MASK)
    return ((x >> 12) + 0.5) * 2.0 ** -52


def _signed(x: int) -> int:
    return x - (1 << 64) if x >= 1 << 63 else x


def _shift_right(z: torch.Tensor, bits: int) -> torch.Tensor:
    return (z >> bits) & ((1 << (64 - bits)) - 1)


def _mix_tensor(x: torch.Tensor) -> torch.Tensor:
    z = x + _signed(GAMMA)
    z = (z ^ _shift_right(z, 30)) * _signed(_C1)
    z = (z ^ _shift_right(z, 27)) * _signed(_C2)
    return z ^ _shift_right(z, 31)


def uniforms(streams: torch.Tensor, columns: torch.Tensor) -> torch.Tensor:
    """u_{columns[j]} of stream streams[j] as float64; both int64 tensors of the same shape, the
    stream seeds holding the uint64 bits (`stream_tensor`)."""
    x = _mix_tensor(streams + columns * _signed(GAMMA))
    return (_shift_right(x, 12).to(torch.float64) + 0.5) * 2.0 ** -52


def stream_tensor(seeds: list[int], device) -> torch.Tensor:
    return torch.tensor([_signed(s) for s in seeds], dtype=torch.int64, device=device)
