"""Runs the OFFICIAL modeling files on our random checkpoints and compares logits with our references.

Not a library: a one-off check that needs transformers 4.53.x (the version the official files were
written for; newer releases moved the APIs they import) and einops, plus the official files, which are
not part of this repository. Put them in one folder:

    OFFICIAL/sdar/{configuration_sdar,modeling_sdar}.py                 Gen-Verse/dLLM-RL @10b4fd1c models/sdar/
    OFFICIAL/fastdllm_v2/{configuration,modeling}.py                   Efficient-Large-Model/Fast_dLLM_v2_7B (hub)
    OFFICIAL/llada2/{configuration_llada2_moe,modeling_llada2_moe}.py  inclusionAI/dInfer @fce4e328 python/dinfer/model/

    python3 -m venv --system-site-packages /tmp/tfenv && /tmp/tfenv/bin/pip install transformers==4.53.1 einops
    /tmp/tfenv/bin/python tools/crosscheck_block_official.py --official OFFICIAL [--fixtures tools/fixtures-block]

Only what the official files import but cannot run on a CPU without their GPU stacks is replaced, by
stand-ins written here (each said in `_install_stubs`): flash-attn's Triton RMSNorm (SDAR's norms) by the
same fp32 RMSNorm, and vLLM's FusedMoE (dInfer's expert dispatch) by a loop that calls dInfer's own
router (`LLaDA2MoeGate.routing`) and sums weight * SwiGLU expert. Everything else - attention, q/k norms,
RoPE (partial for LLaDA2), the router's group-limited sigmoid top-k, shared expert, dense first layer,
caches - is the official code. Each case runs (a) the whole sequence under the block-causal mask and
(b) the official loop's cache pattern (prefill whole blocks storing K/V, then one block step that reads
the cache without storing), and prints max |official - ours| over the logits.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.machinery
import shutil
import sys
import tempfile
import types
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastdllm_v2_reference import load_fastdllm_v2  # noqa: E402
from llada2_reference import load_llada2  # noqa: E402
from hf_folder import read_tensors  # noqa: E402
from sdar_reference import load_sdar  # noqa: E402


def _module(name: str, **attrs) -> types.ModuleType:
    mod = types.ModuleType(name)
    mod.__spec__ = importlib.machinery.ModuleSpec(name, None)    # transformers probes find_spec()
    mod.__dict__.update(attrs)
    sys.modules[name] = mod
    return mod


def _fp32_rms_norm_fn(x, weight, bias=None, eps=1e-6, **_):
    """flash_attn.ops.triton.layer_norm.rms_norm_fn: x * rstd * weight computed in fp32, cast back."""
    x32 = x.float()
    y = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps) * weight.float()
    return (y + bias.float() if bias is not None else y).to(x.dtype)


class _LoopFusedMoE(nn.Module):
    """Stand-in for vllm FusedMoE: routes with the official custom_routing_function, then loops experts."""

    def __init__(self, num_experts, top_k, hidden_size, intermediate_size, custom_routing_function, **_):
        super().__init__()
        self.top_k, self.route = top_k, custom_routing_function
        self.gate_up = nn.Parameter(torch.zeros(num_experts, 2 * intermediate_size, hidden_size))
        self.down = nn.Parameter(torch.zeros(num_experts, hidden_size, intermediate_size))
        self.expert_map = None

    def forward_impl(self, hidden_states, router_logits):
        weights, ids = self.route(hidden_states, router_logits, self.top_k, True)
        out = torch.zeros_like(hidden_states, dtype=torch.float32)
        for n in range(hidden_states.shape[0]):
            for j in range(ids.shape[1]):
                e = int(ids[n, j])
                gate, up = (self.gate_up[e] @ hidden_states[n]).chunk(2)
                out[n] += weights[n, j].float() * (self.down[e] @ (F.silu(gate) * up)).float()
        return out.to(hidden_states.dtype)


def _install_stubs() -> None:
    _module("flash_attn")
    _module("flash_attn.ops")
    _module("flash_attn.ops.triton")
    _module("flash_attn.ops.triton.layer_norm", rms_norm_fn=_fp32_rms_norm_fn)
    _module("vllm")
    _module("vllm.model_executor")
    _module("vllm.model_executor.layers")
    _module("vllm.model_executor.layers.fused_moe", FusedMoE=_LoopFusedMoE)
    _module("vllm.model_executor.models")
    _module("vllm.model_executor.models.utils", maybe_prefix=lambda p, n: f"{p}.{n}" if p else n)
    linear = type("ParallelLinearUnused", (), {})
    _module("vllm.model_executor.layers.linear", ColumnParallelLinear=linear, ReplicatedLinear=linear,
            QKVParallelLinear=linear, RowParallelLinear=linear)
    _module("vllm.distributed", divide=lambda a, b: a // b, get_tensor_model_parallel_rank=lambda: 0,
            get_tensor_model_parallel_world_size=lambda: 1, tensor_model_parallel_all_reduce=lambda t: t)


def _import_package(official: Path, sub: str, package: str, files: list[str], tmp: Path):
    """Copies the official files into tmp/<package> so their relative imports resolve."""
    pkg = tmp / package
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("")
    for f in files:
        shutil.copy(official / sub / f, pkg / f)
    return pkg


def _block_mask_additive(n: int, block: int, dtype=torch.float32) -> torch.Tensor:
    pos = torch.arange(n)
    allowed = (pos[None, :] // block) <= (pos[:, None] // block)
    return torch.zeros(n, n, dtype=dtype).masked_fill(~allowed, torch.finfo(dtype).min)[None, None]


def _report(name: str, a: torch.Tensor, b: torch.Tensor) -> float:
    d = (a.float() - b.float()).abs().max().item()
    print(f"  {name:<44} max|official - ours| = {d:.3e}")
    if not d <= 1e-5:                      # also fails on NaN
        raise SystemExit(f"{name}: difference {d} exceeds 1e-5")
    return d


def check_sdar(official: Path, folder: Path, tmp: Path, ids: torch.Tensor, block: int) -> None:
    from transformers.cache_utils import DynamicCache
    _import_package(official, "sdar", "sdar_official", ["configuration_sdar.py", "modeling_sdar.py"], tmp)
    mod = importlib.import_module("sdar_official.modeling_sdar")
    cfg_mod = importlib.import_module("sdar_official.configuration_sdar")
    config = cfg_mod.SDARConfig.from_pretrained(folder)
    config._attn_implementation = "sdpa"
    off = mod.SDARForCausalLM(config).eval()
    off.load_state_dict(read_tensors(folder), strict=not config.tie_word_embeddings)
    ours = load_sdar(folder)
    n = ids.shape[1]
    pos = torch.arange(n)[None]
    # generate.py builds this 0/1 mask as (1, n, n); the dLLM-RL modeling file indexes it as 4D
    allowed = ((pos[0][None, :] // block) <= (pos[0][:, None] // block))[None, None].float()

    with torch.no_grad():
        full = off(ids, attention_mask=allowed, position_ids=pos, use_cache=False).logits
        _report(f"sdar full sequence ({n} tokens, block {block})", full, ours(ids, block_size=block))
        prefill = n - block
        cache = DynamicCache()
        off(ids[:, :prefill], attention_mask=allowed[:, :, :prefill, :prefill], position_ids=pos[:, :prefill],
            past_key_values=cache, use_cache=True, store_kv=True)
        step = off(ids[:, prefill:], attention_mask=allowed[:, :, prefill:, :], position_ids=pos[:, prefill:],
                   past_key_values=cache, use_cache=True, store_kv=False).logits
        our_cache = ours.new_cache()
        ours(ids[:, :prefill], our_cache, store=True, block_size=block)
        _report("sdar block step against the stored cache", step, ours(ids[:, prefill:], our_cache, block_size=block))


def check_fastdllm_v2(official: Path, folder: Path, tmp: Path, ids: torch.Tensor, block: int) -> None:
    _import_package(official, "fastdllm_v2", "fastdllm_official", ["configuration.py", "modeling.py"], tmp)
    mod = importlib.import_module("fastdllm_official.modeling")
    cfg_mod = importlib.import_module("fastdllm_official.configuration")
    config = cfg_mod.Fast_dLLM_QwenConfig.from_pretrained(folder)
    config._attn_implementation = "sdpa"
    off = mod.Fast_dLLM_QwenForCausalLM(config).eval()
    off.load_state_dict(read_tensors(folder), strict=True)
    ours = load_fastdllm_v2(folder)
    n = ids.shape[1]
    with torch.no_grad():
        full = off(input_ids=ids, use_cache=True, update_past_key_values=True, block_size=block).logits
        _report(f"fast-dllm v2 full sequence ({n} tokens, block {block})", full, ours(ids, block_size=block))
        prefill = n - block
        out = off(input_ids=ids[:, :prefill], use_cache=True, update_past_key_values=True, block_size=block)
        step = off(input_ids=ids[:, prefill:], use_cache=True, past_key_values=out.past_key_values,
                   update_past_key_values=False).logits          # generate() passes no block_size here
        our_cache = ours.new_cache()
        ours(ids[:, :prefill], our_cache, store=True, block_size=block)
        _report("fast-dllm v2 block step against the cache", step, ours(ids[:, prefill:], our_cache, block_size=32))


def check_llada2(official: Path, folder: Path, tmp: Path, ids: torch.Tensor, block: int) -> None:
    root = tmp / "dinfer_official"
    _import_package(official, "llada2", "dinfer_official/model",
                    ["configuration_llada2_moe.py", "modeling_llada2_moe.py"], tmp)
    (root / "__init__.py").write_text("")
    (root / "decoding").mkdir(exist_ok=True)
    (root / "decoding" / "__init__.py").write_text("")
    (root / "decoding" / "utils.py").write_text("class KVCache:\n    def __init__(self, kv):\n        self.kv = kv\n")
    mod = importlib.import_module("dinfer_official.model.modeling_llada2_moe")
    cfg_mod = importlib.import_module("dinfer_official.model.configuration_llada2_moe")
    config = cfg_mod.LLaDA2MoeConfig.from_pretrained(folder)
    config._attn_implementation = "eager"
    off = mod.LLaDA2MoeModelLM(config).eval()
    tensors = read_tensors(folder)
    experts = {}
    state = {}
    for name, t in tensors.items():
        if ".mlp.experts." in name:
            layer, e, proj = name.split(".")[2], int(name.split(".")[5]), name.split(".")[6]
            experts.setdefault(layer, {}).setdefault(e, {})[proj] = t
        else:
            state[name] = t
    # dInfer overrides load_state_dict(model_dir, ...) with its own loader; use the nn.Module one
    missing, unexpected = nn.Module.load_state_dict(off, state, strict=False)
    assert not unexpected, unexpected
    assert all(".experts." in m for m in missing), missing
    for layer, per_expert in experts.items():
        fused = off.model.layers[int(layer)].mlp.experts
        for e, p in per_expert.items():
            fused.gate_up.data[e] = torch.cat([p["gate_proj"], p["up_proj"]], dim=0)
            fused.down.data[e] = p["down_proj"]
    ours = load_llada2(folder)
    n = ids.shape[1]
    with torch.no_grad():
        full = off(input_ids=ids, attention_mask=_block_mask_additive(n, block), use_cache=False).logits
        _report(f"llada2 full sequence ({n} tokens, block {block})", full, ours(ids, block_size=block))
        cache = ours.new_cache()
        ours(ids[:, : n - block], cache, store=True, block_size=block)
        _report("llada2 block step against our cache vs official full", full[:, n - block:],
                ours(ids[:, n - block:], cache, block_size=block))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--official", type=Path, required=True, help="folder with sdar/, fastdllm_v2/, llada2/")
    ap.add_argument("--fixtures", type=Path, default=Path(__file__).resolve().parent / "fixtures-block")
    args = ap.parse_args()
    torch.manual_seed(0)
    _install_stubs()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sys.path.insert(0, str(tmp))
        cases = [(check_sdar, "sdar-tiny", 4), (check_fastdllm_v2, "fastdllm-v2-tiny", 8),
                 (check_llada2, "llada2-tiny", 8)]
        for check, name, block in cases:
            folder = args.fixtures / name
            vocab = __import__("json").loads((folder / "config.json").read_text())["vocab_size"]
            ids = torch.randint(0, vocab, (1, 5 * block))
            print(f"{name}:")
            check(args.official, folder, tmp, ids, block)
    print("all official cross-checks within 1e-5")


if __name__ == "__main__":
    main()
