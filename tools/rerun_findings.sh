#!/usr/bin/env bash
# Re-runs docs/findings.md's measurements on the bundled model with the exact commands printed
# there, plus the greedy accuracy of issue 16's acceptance (dscope itself, one token per step, both
# orders) on every task file shipped beside the model. Each command's output is kept verbatim
# (OUT/*.txt) with its wall time (OUT/times.txt), for pasting into docs/findings.md and the README.
#
#   tools/rerun_findings.sh [all|passk|analyze|tradeoff|accuracy]   # default all, in that order
#   DSCOPE=.build/release/dscope OUT=/tmp/findings tools/rerun_findings.sh accuracy
#
# `passk` and `analyze` copy passk.json and analysis.json into docs/data/ (as findings.md cites them).
# Long: on 2 cores with the 128-position model, passk ≈ 39 min, analyze ≈ 5 min, tradeoff ≈ 7 min,
# accuracy ≈ 13 min on an AMD EPYC; 55-65, 5-7, 8.5-12 and 22 min on an Intel Xeon (the 5-layer model:
# passk 75, analyze 6, tradeoff 10). Run it on a quiet
# machine. `tools/splice_findings.py OUT` pastes the outputs into docs/findings.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DSCOPE=$(realpath "${DSCOPE:-.build/release/dscope}")
OUT=${OUT:-/tmp/dscope-findings}
PART=${1:-all}
BUNDLED=$ROOT/Sources/Models/Resources/tiny-arith
[ -x "$DSCOPE" ] || { echo "error: $DSCOPE is not built (swift build -c release)" >&2; exit 1; }
mkdir -p "$OUT"
cd "$OUT"
dscope() { "$DSCOPE" "$@"; }

# timed NAME CMD…: runs CMD, its stdout into NAME.txt, its wall time appended to times.txt.
timed() {
    local name=$1 start=$SECONDS; shift
    echo "== $name: $*"
    "$@" > "$name.txt"
    echo "$name $((SECONDS - start)) s: $*" | tee -a times.txt
}

# waitall NAME PID…: waits for every job, and stops the script if any of them failed.
waitall() {
    local name=$1 pid failed=0; shift
    for pid in "$@"; do wait "$pid" || failed=1; done
    [ $failed = 0 ] || { echo "error: $name: a job failed or was killed; its outputs are incomplete" >&2; exit 1; }
}

passk() {
    # pass@k, n = 16 samples per task and order at temperature 1, as two shards (one per core)
    rm -rf transcripts passk-0.json passk-1.json passk.json
    local start=$SECONDS
    dscope passk --limit 100 --n 16 --k 1,2,4,8,16 --orders ar,confidence --threads 1 \
      --shard 0/2 --out passk-0.json --keep-transcripts transcripts > passk-0.txt &
    local shard0=$!
    dscope passk --limit 100 --n 16 --k 1,2,4,8,16 --orders ar,confidence --threads 1 \
      --shard 1/2 --out passk-1.json --keep-transcripts transcripts > passk-1.txt &
    # a shard that failed or was killed leaves docs/data/ as it was (a bare `wait` would merge the partial runs)
    waitall passk $shard0 $!
    echo "passk-shards $((SECONDS - start)) s: two shards of dscope passk --limit 100 --n 16" | tee -a times.txt
    timed passk-merge dscope passk merge passk-0.json passk-1.json --out passk.json
    cp passk.json "$ROOT/docs/data/passk.json"
}

analyze() {
    # entropy at decode time, from the 3,200 transcripts the run kept
    timed analyze dscope analyze transcripts --by-token --csv commits.csv --json analysis.json
    cp analysis.json "$ROOT/docs/data/analysis.json"
}

tradeoff() {
    # parallel decoding (greedy, confidence order)
    timed tradeoff-eb dscope tradeoff --limit 100 --rule eb --values 0,0.1,0.5,1,2
    timed tradeoff-k dscope tradeoff --limit 100 --rule k --values 1,2,3,4,5
    # greedy AR accuracy for comparison (k = 1 is one token per step)
    timed tradeoff-ar dscope tradeoff --limit 100 --rule k --values 1 --order ar
}

accuracy() {
    # Issue 16's acceptance: greedy, one token per step, every shipped task file, both orders
    # (the two orders run side by side, one thread each).
    for file in heldout heldout-hard handwritten; do
        [ -f "$BUNDLED/$file.jsonl" ] || { echo "($file.jsonl not shipped: skipped)"; continue; }
        local start=$SECONDS
        local pids=()
        for order in confidence ar; do
            dscope tradeoff --tasks "$BUNDLED/$file.jsonl" --rule k --values 1 --order $order --threads 1 \
                > "accuracy-$file-$order.txt" &
            pids+=($!)
        done
        waitall "accuracy-$file" "${pids[@]}"
        echo "accuracy-$file $((SECONDS - start)) s: dscope tradeoff --tasks $file.jsonl --rule k --values 1 --order confidence|ar --threads 1" | tee -a times.txt
        grep -h -A3 "^k " "accuracy-$file-confidence.txt" "accuracy-$file-ar.txt" || true
    done
}

case $PART in
    all) passk; analyze; tradeoff; accuracy ;;
    passk|analyze|tradeoff|accuracy) $PART ;;
    *) echo "error: unknown part '$PART' (all, passk, analyze, tradeoff, accuracy)" >&2; exit 1 ;;
esac
echo "outputs in $OUT"
