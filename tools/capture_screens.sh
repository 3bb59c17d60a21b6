#!/usr/bin/env bash
# The README's screens, captured afresh from the bundled model (docs/screens/*-120x40.txt): the
# scope at 120×40 in a private tmux server (monochrome, paused), driven by keys and read back with
# `tmux capture-pane`, as the published captures were made.
#
#   tools/capture_screens.sh                 # release build, the default prompt below
#   PROMPT="Ana has 7 pens. …" tools/capture_screens.sh
#
# Writes docs/screens/main-120x40.txt (`:MAIN_STEP`, default 13/16 of the generation length: the
# restated question is in, its arithmetic still masked), compare-120x40.txt (`c`, `:COMPARE_STEP`,
# default 5/16 of it) and inspector-120x40.txt (`:MAIN_STEP`,
# `i`, Tab). Each step the scope decodes is the model's (greedy, deterministic), so a capture changes
# only with the model or the prompt; the status bar's timings are this machine's.
# `tools/splice_screens.py` pastes them into README.md; the prose about them is mended by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

DSCOPE=${DSCOPE:-.build/release/dscope}
PROMPT=${PROMPT:-"Tom has 12 marbles. He gives 4 to Sam. How many marbles are left?"}
GEN=$(python3 -c 'import json; print(json.load(open("Sources/Models/Resources/tiny-arith/generation_config.json"))["gen_length"])')
MAIN_STEP=${MAIN_STEP:-$((GEN * 13 / 16))}
COMPARE_STEP=${COMPARE_STEP:-$((GEN * 5 / 16))}
OUT=${OUT:-docs/screens}
SOCKET=dscope-capture-$$
[ -x "$DSCOPE" ] || { echo "error: $DSCOPE is not built (swift build -c release)" >&2; exit 1; }

tm() { tmux -u -L "$SOCKET" "$@"; }
trap 'tm kill-server 2>/dev/null || true' EXIT

# Polls the pane until it contains every given string (60 s at most).
wait_for() {
    local deadline=$((SECONDS + 60)) screen
    while ((SECONDS < deadline)); do
        screen=$(tm capture-pane -p -t cap)
        local all=1
        for needle in "$@"; do [[ $screen == *"$needle"* ]] || all=0; done
        ((all)) && return 0
        sleep 0.1
    done
    echo "error: timed out waiting for: $*; the screen was:" >&2
    tm capture-pane -p -t cap >&2
    exit 1
}

start() {
    tm -f /dev/null new-session -d -s cap -x 120 -y 40 "$DSCOPE --no-color --paused --prompt $(printf %q "$PROMPT"); sleep 600"
    tm set-option -g status off
    wait_for "step 0/$GEN"
}

jump() {   # :N Enter, then wait for the decode to get there and settle
    tm send-keys -t cap ":" && tm send-keys -t cap -l "$1" && tm send-keys -t cap Enter
    wait_for "step $1/$GEN" "paused"
    sleep 1
}

save() {
    tm capture-pane -p -t cap > "$OUT/$1"
    tm kill-session -t cap
    echo "wrote $OUT/$1"
}

start; jump "$MAIN_STEP"; save main-120x40.txt
start; tm send-keys -t cap c; wait_for "compare: ar vs"; jump "$COMPARE_STEP"; save compare-120x40.txt
start; jump "$MAIN_STEP"; tm send-keys -t cap i; wait_for "── position "; tm send-keys -t cap Tab; sleep 1
save inspector-120x40.txt
