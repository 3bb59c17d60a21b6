"""Trains the bundled tiny-arith model: a small LLaDA on arithmetic word problems (issue 4).

Objective: LLaDA's masked-diffusion SFT. The chat-rendered prompt is never masked; the worked answer,
EOS-padded to a fixed generation length, is masked position by position with probability t,
t ~ U(eps, 1) per sample (stratified over the batch; uniform random masking, no order favoured);
loss = sum over masked positions of CE / t, divided by batch size x generation length.

Layout of a training row (RoPE positions as at decode time, right padding only):

    [ prompt (P_i tokens) | answer + EOS ... EOS (gen_length) | pad (P_max - P_i, attention-masked) ]

Seeded and resumable: the batch and the masks of step s are drawn from generators seeded with
(seed, s), and `last.pt` in the run folder (written every few minutes and on SIGTERM) holds model,
optimizer and step, so re-running the same command continues where it stopped.

    nice -n 19 python tools/train_tiny.py --run tools/work/long            # train / resume
    nice -n 19 python tools/train_tiny.py --run tools/work/probe --minutes 10 --max-steps 4000

Every --eval-every steps the log gets greedy held-out accuracy in AR order (block length 1, one
token per step) and in confidence order (whole answer one block, one token per step).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import signal
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import arith_tasks  # noqa: E402
import arith_tokenizer  # noqa: E402
from llada_reference import LLaDAConfig, LLaDAModel  # noqa: E402

ANSWER_PATTERN = re.compile(r"The answer is (\d+)\.")


@dataclass
class Recipe:
    seed: int = 1234
    # data
    train_tasks: int = 300_000
    drill_tasks: int = 100_000          # bare-equation drills (arith_tasks.generate_drill) ...
    drill_fraction: float = 0.2         # ... this share of each batch's rows ...
    drill_from_step: int = 0            # ... from this step on ...
    late_drill_fraction: float = 0.4    # ... and this share from late_drill_step on (added at step 4,000:
    late_drill_step: int = 4200         #     the text was fluent, arithmetic ~50% right per equation)
    # model
    d_model: int = 192
    n_layers: int = 4
    n_heads: int = 6
    mlp_hidden_size: int = 512
    rope_theta: float = 10000.0
    # optimisation
    batch_size: int = 32
    lr: float = 2e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 200
    max_steps: int = 10_000
    weight_decay: float = 0.05
    beta2: float = 0.98
    grad_clip: float = 1.0
    mask_eps: float = 1e-3
    # bookkeeping
    log_every: int = 25
    eval_every: int = 2000
    eval_tasks: int = 100
    checkpoint_minutes: float = 5.0


# ----------------------------------------------------------------------------------------------
# Data

@dataclass
class Dataset:
    prompts: list[list[int]]        # chat-rendered prompt ids: word problems, then drills
    answers: list[list[int]]        # worked-answer ids, no EOS
    gen_length: int                 # answers EOS-padded to this length
    n_problems: int                 # rows [0, n_problems) are word problems, the rest drills


def build_dataset(recipe: Recipe, tokenizer, run: Path) -> Dataset:
    """Tokenised training tasks, cached per task count and tokenizer under tools/work/cache."""
    generator_source = Path(arith_tasks.__file__).read_bytes()
    digest = hashlib.sha256(tokenizer.to_str().encode() + generator_source).hexdigest()[:12]
    cache = run.parent / "cache" / f"dataset-{recipe.train_tasks}-{recipe.drill_tasks}-{digest}.pt"
    cache.parent.mkdir(parents=True, exist_ok=True)
    if cache.exists():
        data = torch.load(cache)
        return Dataset(data["prompts"], data["answers"], data["gen_length"], data["n_problems"])
    problems = arith_tasks.train_tasks(recipe.train_tasks)
    tasks = problems + arith_tasks.drill_tasks(recipe.drill_tasks)
    prompts = [e.ids for e in tokenizer.encode_batch([arith_tokenizer.render_prompt(t.question) for t in tasks],
                                                     add_special_tokens=False)]
    answers = [e.ids for e in tokenizer.encode_batch([t.solution for t in tasks], add_special_tokens=False)]
    heldout = arith_tasks.heldout_tasks()
    heldout_answers = [e.ids for e in tokenizer.encode_batch([t.solution for t in heldout], add_special_tokens=False)]
    longest = max(len(a) for a in answers + heldout_answers)
    gen_length = 8 * math.ceil((longest + 1) / 8)          # at least one EOS after the longest answer
    torch.save({"prompts": prompts, "answers": answers, "gen_length": gen_length,
                "n_problems": len(problems)}, cache)
    return Dataset(prompts, answers, gen_length, len(problems))


def make_batch(data: Dataset, indices: np.ndarray, eos_id: int, pad_id: int):
    """input ids (B, T), answer positions (B, T) bool, attention mask (B, T) bool."""
    G = data.gen_length
    lengths = [len(data.prompts[i]) for i in indices]
    T = max(lengths) + G
    ids = torch.full((len(indices), T), pad_id, dtype=torch.long)
    answer = torch.zeros((len(indices), T), dtype=torch.bool)
    attend = torch.zeros((len(indices), T), dtype=torch.bool)
    for row, i in enumerate(indices):
        prompt, ans = data.prompts[i], data.answers[i]
        assert len(ans) < G, f"answer of {len(ans)} tokens does not fit gen_length {G}"
        P = len(prompt)
        ids[row, :P] = torch.tensor(prompt)
        ids[row, P:P + G] = eos_id
        ids[row, P:P + len(ans)] = torch.tensor(ans)
        answer[row, P:P + G] = True
        attend[row, :P + G] = True
    return ids, answer, attend


def masked_diffusion_loss(model: LLaDAModel, ids: torch.Tensor, answer: torch.Tensor, attend: torch.Tensor,
                          mask_id: int, gen_length: int, eps: float, generator: torch.Generator) -> torch.Tensor:
    """LLaDA SFT loss: CE on masked answer positions / t, normalised by batch size x answer length."""
    B = ids.shape[0]
    # stratified t: one draw in each of B equal slices of [0, 1), shuffled; marginally U(0, 1)
    u = (torch.randperm(B, generator=generator) + torch.rand(B, generator=generator)) / B
    p_mask = (1 - eps) * u + eps                                             # (B,)
    masked = (torch.rand(ids.shape, generator=generator) < p_mask[:, None]) & answer
    noisy = torch.where(masked, torch.full_like(ids, mask_id), ids)
    logits = model(noisy, attend)                                            # (B, T, V)
    ce = F.cross_entropy(logits[masked], ids[masked], reduction="none")
    weights = 1.0 / p_mask[:, None].expand_as(ids)[masked]
    return (ce * weights).sum() / (B * gen_length)


# ----------------------------------------------------------------------------------------------
# Greedy held-out evaluation in the two orders (one token per step)

@torch.no_grad()
def greedy_decode(model: LLaDAModel, prompts: list[list[int]], gen_length: int, mask_id: int, pad_id: int,
                  order: str) -> list[list[int]]:
    """Batched greedy decode with per-row prompt lengths (right padding, attention-masked).

    order "ar": each step commits the leftmost mask (= llada_generate with block_length 1);
    order "confidence": each step commits the mask whose argmax has the highest softmax probability
    (= llada_generate with one block of gen_length, low_confidence). Same result as llada_generate
    row by row; batched here so evaluation during training stays cheap.
    """
    B = len(prompts)
    lengths = torch.tensor([len(p) for p in prompts])
    T = int(lengths.max()) + gen_length
    canvas = torch.full((B, T), pad_id, dtype=torch.long)
    attend = torch.zeros((B, T), dtype=torch.bool)
    for row, p in enumerate(prompts):
        canvas[row, :len(p)] = torch.tensor(p)
        canvas[row, len(p):len(p) + gen_length] = mask_id
        attend[row, :len(p) + gen_length] = True
    rows = torch.arange(B)
    for step in range(gen_length):
        logits = model(canvas, attend).double()
        if order == "ar":
            position = lengths + step
            token = logits[rows, position].argmax(dim=-1)
        else:
            p = logits.softmax(dim=-1)
            x0 = p.argmax(dim=-1)
            confidence = torch.gather(p, -1, x0[..., None]).squeeze(-1)
            confidence = torch.where(canvas == mask_id, confidence, torch.full_like(confidence, -math.inf))
            position = confidence.argmax(dim=-1)
            token = x0[rows, position]
        canvas[rows, position] = token
    return [canvas[row, len(p):len(p) + gen_length].tolist() for row, p in enumerate(prompts)]


def parse_answer(text: str) -> Optional[int]:
    found = ANSWER_PATTERN.findall(text)
    return int(found[-1]) if found else None


def evaluate(model: LLaDAModel, tokenizer, heldout: list[dict], gen_length: int, mask_id: int, pad_id: int,
             batch: int = 100) -> dict:
    prompts = [tokenizer.encode(arith_tokenizer.render_prompt(t["prompt"]), add_special_tokens=False).ids
               for t in heldout]
    result = {}
    was_training = model.training
    model.eval()
    for order in ("ar", "confidence"):
        correct, samples = 0, []
        for start in range(0, len(heldout), batch):
            outputs = greedy_decode(model, prompts[start:start + batch], gen_length, mask_id, pad_id, order)
            for task, ids in zip(heldout[start:start + batch], outputs):
                text = tokenizer.decode(ids, skip_special_tokens=True)
                correct += parse_answer(text) == task["answer"]
                if len(samples) < 2:
                    samples.append(text)
        result[order] = correct / len(heldout)
        result[order + "_samples"] = samples
    model.train(was_training)
    return result


# ----------------------------------------------------------------------------------------------
# Training loop

def lr_at(step: int, r: Recipe) -> float:
    if step < r.warmup_steps:
        return r.lr * (step + 1) / r.warmup_steps
    progress = min(1.0, (step - r.warmup_steps) / max(1, r.max_steps - r.warmup_steps))
    return r.lr * (r.min_lr_ratio + (1 - r.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def model_config(r: Recipe, tokenizer, gen_length: int) -> LLaDAConfig:
    vocab = 64 * math.ceil(tokenizer.get_vocab_size() / 64)   # ids past the tokenizer are embedding rows only
    return LLaDAConfig(
        d_model=r.d_model, n_layers=r.n_layers, n_heads=r.n_heads, n_kv_heads=r.n_heads,
        mlp_hidden_size=r.mlp_hidden_size, vocab_size=vocab, embedding_size=vocab,
        max_sequence_length=256, rope_theta=r.rope_theta, rms_norm_eps=1e-5,
        mask_token_id=tokenizer.token_to_id(arith_tokenizer.MASK),
        eos_token_id=tokenizer.token_to_id(arith_tokenizer.EOS),
        pad_token_id=tokenizer.token_to_id(arith_tokenizer.EOS),
        weight_tying=False,
    )


class ThreadChooser:
    """Picks 1 or 2 intra-op threads by measured step time, re-checked as the machine's load changes.

    On 2 cores shared with compiler jobs, 2 threads stall at every barrier whenever one core is
    taken, and 1 thread is then several times faster; on an idle machine 2 threads win.
    Every `period` steps the next `trial` steps run with the other count (an exploration window).
    """

    def __init__(self, counts=(2, 1), period: int = 100, trial: int = 10, decay: float = 0.8):
        self.counts, self.period, self.trial, self.decay = counts, period, trial, decay
        self.seconds: dict[int, Optional[float]] = {c: None for c in counts}
        self.current = counts[0]

    def choose(self, step: int) -> int:
        exploring = step % self.period < self.trial and step >= self.period
        best = min(self.counts, key=lambda c: self.seconds[c] if self.seconds[c] is not None else 0.0)
        other = next((c for c in self.counts if c != best), best)
        count = other if exploring else best
        if count != self.current:
            torch.set_num_threads(count)
            self.current = count
        return count

    def record(self, count: int, seconds: float) -> None:
        old = self.seconds[count]
        self.seconds[count] = seconds if old is None else self.decay * old + (1 - self.decay) * seconds

    def summary(self) -> str:
        return " ".join(f"{c}t {v:.2f}s" for c, v in self.seconds.items() if v is not None)


class Log:
    def __init__(self, path: Path):
        self.path = path

    def __call__(self, line: str) -> None:
        stamped = time.strftime("%Y-%m-%d %H:%M:%S ") + line
        print(stamped, flush=True)
        with self.path.open("a") as f:
            f.write(stamped + "\n")


def save_checkpoint(path: Path, **state) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(r: Recipe, run: Path, minutes: Optional[float], pid_file: Optional[Path]) -> None:
    run.mkdir(parents=True, exist_ok=True)
    if pid_file:
        pid_file.write_text(f"{os.getpid()}\n")
    log = Log(run / "train.log")
    fixed_threads = os.environ.get("DSCOPE_THREADS")
    threads = ThreadChooser(counts=(int(fixed_threads),) * 2 if fixed_threads else (2, 1))
    torch.set_num_threads(threads.current)

    tok_dir = run / "tokenizer"
    if not (tok_dir / "tokenizer.json").exists():
        arith_tokenizer.write_tokenizer(arith_tokenizer.train_tokenizer(), tok_dir)
    tokenizer = arith_tokenizer.load_tokenizer(tok_dir)
    data = build_dataset(r, tokenizer, run)
    heldout_all = [{"prompt": t.question, "answer": t.answer} for t in arith_tasks.heldout_tasks()]
    heldout = heldout_all[:r.eval_tasks]

    cfg = model_config(r, tokenizer, data.gen_length)
    torch.manual_seed(r.seed)
    model = LLaDAModel(cfg)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": r.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=r.lr, betas=(0.9, r.beta2), eps=1e-8)
    step, history, best = 0, [], None
    last = run / "last.pt"
    if last.exists():
        state = torch.load(last, weights_only=False)
        if state["recipe"] != asdict(r):
            changed = {k: (state["recipe"].get(k), v) for k, v in asdict(r).items() if state["recipe"].get(k) != v}
            log(f"recipe changed on resume (old, new): {changed}")
        assert state["gen_length"] == data.gen_length, "gen_length changed; start a new run folder"
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, history, best = state["step"], state["history"], state.get("best")
        log(f"resumed from step {step}")
    else:
        n_params = sum(p.numel() for p in model.parameters())
        log(f"new run: {n_params:,} parameters, gen_length {data.gen_length}, "
            f"{data.n_problems:,} word problems + {len(data.prompts) - data.n_problems:,} drills, "
            f"recipe {json.dumps(asdict(r))}")
        (run / "config.json").write_text(json.dumps(cfg.to_json_dict(), indent=2) + "\n")

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))

    def checkpoint() -> None:
        save_checkpoint(last, model=model.state_dict(), optimizer=optimizer.state_dict(), step=step,
                        history=history, best=best, recipe=asdict(r), gen_length=data.gen_length,
                        config=cfg.to_json_dict())

    def run_eval() -> None:
        nonlocal best
        t0 = time.time()
        # Long batched forwards: all cores, whatever the step-time chooser currently prefers.
        torch.set_num_threads(max(threads.counts))
        result = evaluate(model, tokenizer, heldout, data.gen_length, cfg.mask_token_id, cfg.eos_token_id)
        torch.set_num_threads(threads.current)
        entry = {"step": step, "ar": result["ar"], "confidence": result["confidence"],
                 "eval_tasks": len(heldout)}
        history.append(entry)
        with (run / "metrics.jsonl").open("a") as f:
            f.write(json.dumps(entry) + "\n")
        log(f"eval step {step}: AR {result['ar']:.1%}  confidence {result['confidence']:.1%}  "
            f"({len(heldout)} held-out tasks, {time.time() - t0:.0f}s)")
        for order in ("ar", "confidence"):
            log(f"  {order} sample: {result[order + '_samples'][0]!r}")
        score = (result["ar"], result["confidence"])
        if best is None or score > tuple(best["score"]):
            best = {"step": step, "score": list(score)}
            save_checkpoint(run / "best.pt", model=model.state_dict(), step=step, config=cfg.to_json_dict(),
                            gen_length=data.gen_length, eval=entry)
            log(f"  new best checkpoint at step {step}")

    started = time.time()
    last_checkpoint = time.time()
    window_loss, window_start = [], time.time()
    model.train()
    while step < r.max_steps and not stop["now"]:
        if minutes is not None and time.time() - started > 60 * minutes:
            log(f"time limit of {minutes} minutes reached")
            break
        count = threads.choose(step)
        step_start = time.time()
        rng = np.random.default_rng([r.seed, step])
        indices = rng.integers(0, data.n_problems, size=r.batch_size)
        fraction = r.late_drill_fraction if step >= r.late_drill_step else r.drill_fraction
        if step >= r.drill_from_step and fraction > 0:
            drill = rng.random(r.batch_size) < fraction
            indices[drill] = rng.integers(data.n_problems, len(data.prompts), size=int(drill.sum()))
        ids, answer, attend = make_batch(data, indices, cfg.eos_token_id, cfg.eos_token_id)
        generator = torch.Generator().manual_seed(r.seed * 1_000_003 + step)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, r)
        loss = masked_diffusion_loss(model, ids, answer, attend, cfg.mask_token_id, data.gen_length,
                                     r.mask_eps, generator)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), r.grad_clip)
        optimizer.step()
        step += 1
        window_loss.append(loss.item())
        threads.record(count, time.time() - step_start)
        if step % r.log_every == 0:
            elapsed = time.time() - window_start
            log(f"step {step} loss {np.mean(window_loss):.4f} lr {lr_at(step - 1, r):.2e} "
                f"{elapsed / len(window_loss):.2f}s/step (threads {threads.summary()})")
            window_loss, window_start = [], time.time()
        if step % r.eval_every == 0:
            run_eval()
            checkpoint()
            last_checkpoint = time.time()
        elif time.time() - last_checkpoint > 60 * r.checkpoint_minutes:
            checkpoint()
            last_checkpoint = time.time()
    checkpoint()
    if not stop["now"] and (not history or history[-1]["step"] != step):
        run_eval()          # end of the run or of --minutes
        checkpoint()
    log(f"stopped at step {step}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, default=Path(__file__).resolve().parent / "work" / "tiny-arith",
                    help="run folder: checkpoints, log, metrics (created; resumed when it has last.pt)")
    ap.add_argument("--minutes", type=float, default=None, help="stop (with a checkpoint) after this many minutes")
    ap.add_argument("--pid-file", type=Path, default=Path("/tmp/dscope-train.pid"))
    defaults = Recipe()
    for name, value in asdict(defaults).items():
        ap.add_argument("--" + name.replace("_", "-"), type=type(value), default=value)
    args = ap.parse_args()
    recipe = Recipe(**{k: getattr(args, k) for k in asdict(defaults)})
    train(recipe, args.run, args.minutes, args.pid_file)


if __name__ == "__main__":
    main()
