"""What the server does with a request, apart from HTTP: one forward at a time (a GPU runs a batch
faster than two interleaved ones), classifier-free guidance and EOS suppression exactly as the
decoder does them (Sources/Decoder/StepPlan.swift), then the row statistics."""

from __future__ import annotations

import threading

import numpy
import torch

from . import PROTOCOL_VERSION, __version__
from .protocol import Limits, StatisticsRequest, encode_logits, encode_statistics, parse_logits, parse_statistics
from .row_statistics import statistics
from .served_model import ServedModel


class Service:
    def __init__(self, model: ServedModel, max_canvas: int, max_batch: int):
        self.model = model
        self.limits = Limits(max_canvas=min(max_canvas, model.max_canvas), max_batch=max_batch,
                             vocab=model.logit_columns, mask_id=model.mask_id)
        self._lock = threading.Lock()

    def health(self) -> dict:
        m = self.model
        return {
            "protocol": PROTOCOL_VERSION, "server": f"dscope-server {__version__}", "name": m.name,
            "architecture": m.architecture, "loader": m.loader, "configHash": m.config_hash,
            "weightsFingerprint": m.weights_fingerprint, "vocabSize": m.vocab_size,
            "logitColumns": m.logit_columns, "maskId": m.mask_id, "eosId": m.eos_id,
            "shiftsLogits": m.shifts_logits, "maxCanvas": self.limits.max_canvas,
            "maxBatch": self.limits.max_batch, "device": str(m.device), "dtype": m.dtype,
            "files": [name for name in ("tokenizer.json", "tokenizer_config.json", "generation_config.json",
                                        "heldout.jsonl") if m.companion(name) is not None],
        }

    def statistics(self, body: dict) -> bytes:
        request = parse_statistics(body, self.limits)
        with self._lock:
            rows = self._guided_rows(request)
        answers = []
        for canvas, logits in zip(request.canvases, rows):
            if request.suppressed_token is not None:
                # LLaDA's logits_eos_inf, as StepPlan.suppress: 10^4 below the row's maximum.
                logits[:, request.suppressed_token] = logits.max(dim=1).values - 10_000
            answers.append(statistics(logits, canvas.samples, request.temperature, self.model.mask_id, request.top_k))
        return encode_statistics(answers, request.top_k)

    def logits(self, body: dict) -> bytes:
        tokens, rows = parse_logits(body, self.limits)
        with self._lock:
            (full,) = self.model.logits([tokens])
        return encode_logits(full[rows].float())

    @torch.no_grad()
    def _guided_rows(self, request: StatisticsRequest) -> list[torch.Tensor]:
        """Float32 logits of each canvas's requested rows; with CFG u + (s + 1)(c - u), u from the
        canvas with its prompt masked, all canvases (and their unguided twins) in one forward."""
        canvases = [c.tokens for c in request.canvases]
        if request.cfg_scale > 0:
            canvases += [[self.model.mask_id] * c.prompt_length + c.tokens[c.prompt_length:] for c in request.canvases]
        full = self.model.logits(canvases)
        n = len(request.canvases)
        out = []
        for i, canvas in enumerate(request.canvases):
            index = torch.tensor(canvas.rows, dtype=torch.long, device=full[i].device)
            conditional = full[i].index_select(0, index).float()
            if request.cfg_scale > 0:
                unconditional = full[n + i].index_select(0, index).float()
                # The decoder's scale is a Float: s + 1 rounded to float32, as StepPlan computes it.
                scale = float(numpy.float32(numpy.float32(request.cfg_scale) + numpy.float32(1)))
                conditional = unconditional + scale * (conditional - unconditional)
            out.append(conditional)
        return out
