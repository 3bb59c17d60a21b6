#!/usr/bin/env python3
"""Pastes the screens `tools/capture_screens.sh` wrote (docs/screens/*-120x40.txt) into README.md.

Each capture replaces the README code block that shows it, found by its first line: the main screen
(`── canvas`), the compare screen (`── ar `) and, of the inspector screen, only its right-hand panel
(`│── position`, down to the entropy sparkline). The captions around them quote steps, tokens and
probabilities of the capture: read the diff and mend them by hand.

    python3 tools/splice_screens.py            # README.md in place
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def screen(name: str, screens: Path) -> list[str]:
    lines = (screens / name).read_text(encoding="utf-8").rstrip("\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def inspector_panel(lines: list[str]) -> list[str]:
    """The panel at the right of the inspector screen: each line from its last `│`, down to the end
    of the sparkline under the "entropy by step" heading."""
    panel, in_sparkline = [], False
    for line in lines:
        if "│" not in line:
            break
        part = line[line.rindex("│"):].rstrip()
        if in_sparkline and part == "│":
            break
        panel.append(part)
        in_sparkline = in_sparkline or "entropy by step" in part
    if not panel or not panel[0].startswith("│── position"):
        sys.exit("error: the inspector capture has no position panel at its right (was it captured with `i`?)")
    return panel


def replace_block(readme: list[str], opening: str, body: list[str], what: str) -> list[str]:
    """The README with the fenced block whose first line starts with `opening` replaced by `body`."""
    for start in range(len(readme) - 1):
        if readme[start].strip() == "```" and readme[start + 1].startswith(opening):
            end = next((i for i in range(start + 1, len(readme)) if readme[i].strip() == "```"), None)
            if end is None:
                sys.exit(f"error: README.md: the {what} block opened at line {start + 1} is never closed")
            return readme[:start + 1] + body + readme[end:]
    sys.exit(f"error: README.md has no code block starting with {opening!r} (the {what} capture)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--screens", type=Path, default=ROOT / "docs" / "screens")
    ap.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = ap.parse_args()
    readme = args.readme.read_text(encoding="utf-8").split("\n")
    readme = replace_block(readme, "── canvas", screen("main-120x40.txt", args.screens), "main")
    readme = replace_block(readme, "── ar ", screen("compare-120x40.txt", args.screens), "compare")
    readme = replace_block(readme, "│── position", inspector_panel(screen("inspector-120x40.txt", args.screens)),
                           "inspector")
    args.readme.write_text("\n".join(readme), encoding="utf-8")
    print(f"wrote {args.readme}; mend the captions that quote the captures (git diff {args.readme.name})")


if __name__ == "__main__":
    main()
