"""The wire format (docs/server.md): JSON requests, validated field by field; compact binary
answers, little-endian.

Statistics answer (`application/x-dscope-statistics`):
    "DSS1", u32 canvases, u32 k, per canvas u32 rows
    then per row, canvases in order: i32 token (-1: no sample asked), i32 top id,
    f32 p(token), f32 top-1 p, f32 top-2 p, f32 entropy (nats), k x i32 ids, k x f32 p
Logits answer (`application/x-dscope-logits`, the debugging path):
    "DSL1", u32 rows, u32 columns, rows x columns f32
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Optional

import torch

from . import noise
from .row_statistics import RowStatistics

MAX_TOP_K = 64
MAX_TEMPERATURE = 1000.0


class RequestError(Exception):
    """A 400: the message names the field, the value and what is allowed."""


@dataclass
class Limits:
    max_canvas: int
    max_batch: int
    vocab: int           # token ids must be below this (the logit columns)
    mask_id: int


@dataclass
class CanvasRequest:
    tokens: list[int]
    rows: list[int]
    samples: list[Optional[int]]   # per row: the Gumbel stream seed, or None
    prompt_length: int


@dataclass
class StatisticsRequest:
    canvases: list[CanvasRequest]
    temperature: float
    top_k: int
    suppressed_token: Optional[int]
    cfg_scale: float


def _field(obj: dict, name: str, kind, where: str, default=None, required=True):
    if name not in obj:
        if required:
            raise RequestError(f"{where}.{name}: missing")
        return default
    value = obj[name]
    if kind is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise RequestError(f"{where}.{name}: {_short(value)} is not an integer")
    if kind is float and (not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value)):
        raise RequestError(f"{where}.{name}: {_short(value)} is not a finite number")
    if kind is list and not isinstance(value, list):
        raise RequestError(f"{where}.{name}: {_short(value)} is not a list")
    return value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _int_list(values: list, name: str, low: int, high: int) -> list[int]:
    for i, v in enumerate(values):
        if not isinstance(v, int) or isinstance(v, bool) or not low <= v < high:
            raise RequestError(f"{name}[{i}]: {_short(v)} is not an integer in {low}..<{high}")
    return values


def parse_statistics(body: dict, limits: Limits) -> StatisticsRequest:
    if not isinstance(body, dict):
        raise RequestError("request: not a JSON object")
    temperature = float(_field(body, "temperature", float, "request"))
    if not 0 <= temperature <= MAX_TEMPERATURE:
        raise RequestError(f"request.temperature: {temperature} is not in 0...{MAX_TEMPERATURE}")
    top_k = _field(body, "topK", int, "request", 0, required=False)
    if not 0 <= top_k <= MAX_TOP_K:
        raise RequestError(f"request.topK: {top_k} is not in 0...{MAX_TOP_K}")
    suppressed = _field(body, "suppressToken", int, "request", None, required=False) if body.get("suppressToken") is not None else None
    if suppressed is not None and not 0 <= suppressed < limits.vocab:
        raise RequestError(f"request.suppressToken: {suppressed} is not in 0..<{limits.vocab}")
    cfg = float(_field(body, "cfgScale", float, "request", 0.0, required=False))
    if not 0 <= cfg <= 1000:
        raise RequestError(f"request.cfgScale: {cfg} is not in 0...1000")
    raw = _field(body, "canvases", list, "request")
    if not 1 <= len(raw) <= limits.max_batch:
        raise RequestError(f"request.canvases: {len(raw)} canvases; allowed 1...{limits.max_batch}")
    canvases = []
    for c, item in enumerate(raw):
        where = f"canvases[{c}]"
        if not isinstance(item, dict):
            raise RequestError(f"{where}: not a JSON object")
        tokens = _field(item, "tokens", list, where)
        if not 1 <= len(tokens) <= limits.max_canvas:
            raise RequestError(f"{where}.tokens: length {len(tokens)}; allowed 1...{limits.max_canvas}")
        _int_list(tokens, f"{where}.tokens", 0, limits.vocab)
        rows = _int_list(_field(item, "rows", list, where), f"{where}.rows", 0, len(tokens))
        positions = _field(item, "positions", list, where, [-1] * len(rows), required=False)
        if len(positions) != len(rows):
            raise RequestError(f"{where}.positions: {len(positions)} entries for {len(rows)} rows; give one per row (-1: no sample)")
        _int_list(positions, f"{where}.positions", -1, 1 << 31)
        seed = _field(item, "seed", int, where, 0, required=False)
        step = _field(item, "step", int, where, 0, required=False)
        if not 0 <= seed < 1 << 64:
            raise RequestError(f"{where}.seed: {seed} is not in 0..<2^64")
        if not 0 <= step < 1 << 31:
            raise RequestError(f"{where}.step: {step} is not in 0..<2^31")
        prompt_length = _field(item, "promptLength", int, where, 0, required=False)
        if not 0 <= prompt_length <= len(tokens):
            raise RequestError(f"{where}.promptLength: {prompt_length} is not in 0...{len(tokens)}")
        samples = [None if p < 0 else noise.stream_seed(seed, noise.GUMBEL, step, p) for p in positions]
        canvases.append(CanvasRequest(tokens=tokens, rows=rows, samples=samples, prompt_length=prompt_length))
    return StatisticsRequest(canvases=canvases, temperature=temperature, top_k=top_k,
                             suppressed_token=suppressed, cfg_scale=cfg)


def parse_logits(body: dict, limits: Limits) -> tuple[list[int], list[int]]:
    if not isinstance(body, dict):
        raise RequestError("request: not a JSON object")
    tokens = _field(body, "tokens", list, "request")
    if not 1 <= len(tokens) <= limits.max_canvas:
        raise RequestError(f"request.tokens: length {len(tokens)}; allowed 1...{limits.max_canvas}")
    _int_list(tokens, "request.tokens", 0, limits.vocab)
    rows = _int_list(_field(body, "rows", list, "request"), "request.rows", 0, len(tokens))
    return tokens, rows


def encode_statistics(per_canvas: list[RowStatistics], top_k: int) -> bytes:
    head = struct.pack("<4sII", b"DSS1", len(per_canvas), top_k)
    counts = struct.pack(f"<{len(per_canvas)}I", *[int(s.token.shape[0]) for s in per_canvas])
    records = []
    for s in per_canvas:
        ints = torch.stack([s.token, s.top_id], dim=1)                                   # (R, 2) i32
        floats = torch.stack([s.token_probability, s.top_probability, s.second_probability, s.entropy_nats], dim=1)
        row = torch.cat([ints.view(torch.float32), floats, s.top_k_ids.view(torch.float32), s.top_k_probabilities], dim=1)
        records.append(row.contiguous().numpy().astype("<f4", copy=False).tobytes())
    return head + counts + b"".join(records)


def encode_logits(rows: torch.Tensor) -> bytes:
    data = rows.float().cpu().contiguous().numpy().astype("<f4", copy=False)
    return struct.pack("<4sII", b"DSL1", data.shape[0], data.shape[1]) + data.tobytes()
