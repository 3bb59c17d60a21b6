"""dscope's NoiseStreams (Sources/Decoder/NoiseStreams.swift) in Python: the uniforms a decode draws
from its seed, so that a PyTorch loop can use exactly dscope's noise (tools/make_dream_decoder_fixtures.py
feeds them to Dream's origin order in place of torch.rand).

    streamSeed = mix(mix(mix(seed ^ purpose) ^ step) ^ position)     mix = first SplitMix64 output
    u_i        = ((mix(streamSeed + i * gamma) >> 12) + 0.5) * 2^-52
"""

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
GUMBEL = 0x47554D42
ORDER = 0x4F524452


def mix(x: int) -> int:
    """The first output of SplitMix64(seed: x)."""
    z = (x + GAMMA) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def uniform(seed: int, purpose: int, step: int, position: int, index: int = 0) -> float:
    """u_index of the stream for (purpose, 1-based step, generated position)."""
    stream = mix(mix(mix(seed ^ purpose) ^ step) ^ position)
    x = mix((stream + index * GAMMA) & MASK64)
    return ((x >> 12) + 0.5) * 2.0 ** -52
