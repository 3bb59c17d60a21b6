"""Recomputes every test expectation pinned to the bundled model's exact outputs, from the exported
folder (Sources/Models/Resources/tiny-arith), so a re-export ships with one command:

    python3 tools/regenerate_bundled_expectations.py            # after tools/export_tiny.py
    nice -n 10 swift test --disable-swift-testing --filter 'LLaDAParityTests|BF16DotForwardTests|BundledModelCacheTests|RemoteBundledModelTests'

Writes
    Tests/ModelsTests/Fixtures/tiny-arith/expected.safetensors
        PyTorch logits (tools/llada_reference.py, fp32 compute on the bf16 weights) of held-out task
        0's half-masked canvas: export_tiny.write_parity_fixture, as the exporter writes it.
    Tests/DecoderTests/Fixtures/tiny-arith-cache-agreement.json
        How many generated tokens Fast-dLLM's prefix and dual caches leave as the exact decode has
        them, over the first four held-out tasks (greedy, confidence order, blocks of 8, one token
        per step), from `dscope decode --json` (builds the debug binary if needed). Printed beside the
        previous export's counts; docs/performance.md ("Caches") quotes them and is updated by hand.

Everything else the suite reads of the bundled model (generation length, task files, tokenizer) the
tests read from the model's own files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_tiny  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = export_tiny.DEFAULT_OUT
CACHE_AGREEMENT = ROOT / "Tests" / "DecoderTests" / "Fixtures" / "tiny-arith-cache-agreement.json"
TASKS, BLOCK = 4, 8


def dscope_binary() -> Path:
    subprocess.run(["nice", "-n", "10", "swift", "build", "--product", "dscope"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return ROOT / ".build" / "debug" / "dscope"


def decode(dscope: Path, prompt: str, cache: str) -> list[int]:
    out = subprocess.run([str(dscope), "decode", "--model", str(BUNDLED), "--prompt", prompt, "--block", str(BLOCK), "--k", "1",
                          "--cache", cache, "--json"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    summary = [json.loads(line) for line in out.splitlines() if line.strip()][-1]
    return summary["ids"]


def cache_agreement(dscope: Path) -> dict:
    lines = (BUNDLED / "heldout.jsonl").read_text().splitlines()
    tasks = [json.loads(line) for line in lines if line.strip()][:TASKS]
    agreeing, positions = {"prefix": 0, "dual": 0}, 0
    for task in tasks:
        exact = decode(dscope, task["prompt"], "exact")
        positions += len(exact)
        for mode in agreeing:
            agreeing[mode] += sum(a == b for a, b in zip(decode(dscope, task["prompt"], mode), exact))
    return {"tasks": len(tasks), "block_length": BLOCK, "positions": positions, "agreeing": agreeing}


def main() -> None:
    export_tiny.write_parity_fixture(BUNDLED, export_tiny.PARITY_FIXTURE)
    print(f"wrote {export_tiny.PARITY_FIXTURE.relative_to(ROOT)}")

    previous = json.loads(CACHE_AGREEMENT.read_text()) if CACHE_AGREEMENT.exists() else None
    agreement = cache_agreement(dscope_binary())
    CACHE_AGREEMENT.write_text(json.dumps(agreement, indent=2) + "\n")
    print(f"wrote {CACHE_AGREEMENT.relative_to(ROOT)} (docs/performance.md, \"Caches\", quotes these counts)")
    for mode, count in agreement["agreeing"].items():
        before = f"; before: {previous['agreeing'][mode]} / {previous['positions']}" if previous else ""
        print(f"  {mode} cache: {count} / {agreement['positions']} tokens as the exact decode "
              f"({count / agreement['positions']:.1%}{before})")


if __name__ == "__main__":
    main()
