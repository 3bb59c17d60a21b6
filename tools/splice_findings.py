#!/usr/bin/env python3
"""Pastes the outputs `tools/rerun_findings.sh` kept ($OUT/*.txt) into docs/findings.md, verbatim.

docs/findings.md shows five outputs, each in a plain fenced block (the command block is marked `sh`
and left alone), in this order: the merged pass@k report, the analysis, the EB and fixed-k trade-offs
and the greedy AR run. Each named output replaces its block; the others stay. The prose around them
quotes their figures: read the diff and mend it by hand.

    python3 tools/splice_findings.py /tmp/dscope-findings                    # all five
    python3 tools/splice_findings.py /tmp/dscope-findings passk-merge analyze
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = ["passk-merge", "analyze", "tradeoff-eb", "tradeoff-k", "tradeoff-ar"]


def splice(doc: list[str], outputs: dict[str, list[str]], name: str) -> list[str]:
    result, i, block = [], 0, 0
    while i < len(doc):
        if not doc[i].startswith("```"):
            result.append(doc[i])
            i += 1
            continue
        end = doc.index("```", i + 1)
        body = doc[i + 1:end]
        if doc[i] == "```":                     # a plain block: an output, in BLOCKS order
            if block == len(BLOCKS):
                sys.exit(f"error: {name}: more than {len(BLOCKS)} plain code blocks")
            body = outputs.get(BLOCKS[block], body)
            block += 1
        result += [doc[i], *body, "```"]
        i = end + 1
    if block != len(BLOCKS):
        sys.exit(f"error: {name}: {block} plain code blocks, expected {len(BLOCKS)}")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="rerun_findings.sh's $OUT folder")
    ap.add_argument("names", nargs="*", metavar="NAME", help=f"outputs to paste (default all: {', '.join(BLOCKS)})")
    ap.add_argument("--doc", type=Path, default=ROOT / "docs" / "findings.md")
    args = ap.parse_args()
    outputs = {}
    for name in args.names or BLOCKS:
        if name not in BLOCKS:
            sys.exit(f"error: {name}: not an output of docs/findings.md ({', '.join(BLOCKS)})")
        path = args.out / f"{name}.txt"
        if not path.is_file():
            sys.exit(f"error: {path}: no such output (run tools/rerun_findings.sh first)")
        outputs[name] = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    doc = args.doc.read_text(encoding="utf-8").split("\n")
    args.doc.write_text("\n".join(splice(doc, outputs, str(args.doc))), encoding="utf-8")
    print(f"wrote {args.doc}; mend the prose that quotes these outputs (git diff {args.doc.name})")


if __name__ == "__main__":
    main()
