"""Trains the bundled tiny-arith model v2: a small LLaDA on arithmetic word problems (issues 4, 16).

Objective: LLaDA's masked-diffusion SFT. The chat-rendered prompt is never masked; the worked answer,
EOS-padded to a fixed generation length, is masked position by position with probability t,
t ~ U(eps, 1) per sample (stratified over the batch; uniform random masking, no order favoured);
loss = sum over masked positions of CE / t, divided by batch size x generation length. The output
head runs on the masked positions only (the loss reads nothing else).

Layout of a training row (RoPE positions as at decode time, right padding only):

    [ prompt (P_i tokens) | answer + EOS ... EOS (gen_length) | pad (P_max - P_i, attention-masked) ]

Data: an endless stream (tools/task_stream.py); the tasks and the masks of step s come from
generators seeded with (seed, s), held-out tasks excluded by construction. Resumable: `last.pt` in
the run folder (every few minutes, at each evaluation and on SIGTERM) holds model, optimizer, step,
history and RNG state, so re-running the same command continues where it stopped.

Learning rate: warm-up, then constant, then a cosine decay over the last --decay-steps of
--max-steps ("warmup-stable-decay"): a long run can be extended by raising --max-steps while it is
still in the constant phase, or ended early by lowering it.

    nice -n 19 python3 tools/train_tiny.py --run /work/runs/tiny-arith-v2          # train / resume
    python3 tools/train_tiny.py --run /tmp/probe --bench 30                         # seq/s, no run

Every --eval-every steps the log gets greedy accuracy on the evaluation files (easy and hard
generator splits, hand-written questions, out-of-domain refusals) in AR order (leftmost mask first)
and in confidence order (whole answer one block), one token per step, as a curve in metrics.jsonl.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
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
import arith_tokenizer  # noqa: E402
import task_stream  # noqa: E402
from layer_growth import grow_layers  # noqa: E402
from llada_reference import LLaDAConfig, LLaDAModel, load_llada  # noqa: E402
from tiny_eval import EVAL_SETS, evaluate  # noqa: E402



@dataclass
class Recipe:
    seed: int = 1234
    gen_length: int = 128               # answers (<= 119 tokens with the v2 tokenizer) EOS-padded to this
    drill: float = 0.155                # weight of drills in the training mixture (task_stream.Mixture)
    forms: float = 0.0                  # weight of story_forms.py's shapes (0: the stream of runs before them)
    story_drill: float = 0.0            # weight of short_tasks.story_drill (0: the stream of runs before them)
    # model
    d_model: int = 192
    n_layers: int = 4
    n_heads: int = 6
    mlp_hidden_size: int = 512
    rope_theta: float = 10000.0
    # optimisation
    batch_size: int = 32
    lr: float = 2e-3
    min_lr_ratio: float = 0.05
    warmup_steps: int = 300
    max_steps: int = 60_000
    decay_steps: int = 15_000           # cosine decay over the last decay_steps of max_steps
    weight_decay: float = 0.05
    beta2: float = 0.98
    grad_clip: float = 1.0
    mask_eps: float = 1e-3
    # bookkeeping
    log_every: int = 25
    eval_every: int = 2000
    early_evals: str = "500,1000"     # extra evaluations at these steps (the curve's start)
    eval_limit: int = 0                 # > 0: at most this many tasks per evaluation set (probes)
    checkpoint_minutes: float = 5.0


# ----------------------------------------------------------------------------------------------
# Data

def batch_tasks(r: Recipe, step: int, tokenizer) -> list[task_stream.Task]:
    """The batch of step `step`: drawn from a stream seeded with (seed, step), so a resumed run
    sees the same data as an uninterrupted one; tasks whose answer does not fit gen_length are skipped."""
    mixture = task_stream.Mixture(drill=r.drill, forms=r.forms, story_drill=r.story_drill)
    stream = task_stream.training_stream(r.seed * 1_000_003 + step, mixture)
    fitting = (t for t in stream if len(tokenizer.encode(t.solution, add_special_tokens=False).ids) < r.gen_length)
    return [next(fitting) for _ in range(r.batch_size)]


def make_batch(tasks: list[task_stream.Task], tokenizer, gen_length: int, eos_id: int):
    """input ids (B, T), answer positions (B, T) bool, attention mask (B, T) bool; T = longest prompt + G."""
    prompts = [e.ids for e in tokenizer.encode_batch([arith_tokenizer.render_prompt(t.question) for t in tasks],
                                                     add_special_tokens=False)]
    answers = [e.ids for e in tokenizer.encode_batch([t.solution for t in tasks], add_special_tokens=False)]
    G = gen_length
    T = max(len(p) for p in prompts) + G
    B = len(tasks)
    ids = torch.full((B, T), eos_id, dtype=torch.long)
    answer = torch.zeros((B, T), dtype=torch.bool)
    attend = torch.zeros((B, T), dtype=torch.bool)
    for row, (prompt, ans) in enumerate(zip(prompts, answers)):
        if len(ans) >= G:
            raise ValueError(f"answer of {len(ans)} tokens does not fit gen_length {G}: {tasks[row].solution!r}")
        P = len(prompt)
        ids[row, :P] = torch.tensor(prompt)
        ids[row, P:P + len(ans)] = torch.tensor(ans)      # the rest of the answer span stays EOS
        answer[row, P:P + G] = True
        attend[row, :P + G] = True
    return ids, answer, attend


def masked_diffusion_loss(model: LLaDAModel, ids: torch.Tensor, answer: torch.Tensor, attend: torch.Tensor,
                          mask_id: int, gen_length: int, eps: float, generator: torch.Generator) -> torch.Tensor:
    """LLaDA SFT loss: CE on masked answer positions / t, normalised by batch size x answer length."""
    B, device = ids.shape[0], ids.device
    # stratified t: one draw in each of B equal slices of [0, 1), shuffled; marginally U(0, 1)
    u = (torch.randperm(B, generator=generator) + torch.rand(B, generator=generator)) / B
    p_mask = ((1 - eps) * u + eps).to(device)                                # (B,)
    # drawn on the CPU generator whatever the device, so a run's masks do not depend on it
    masked = (torch.rand(ids.shape, generator=generator).to(device) < p_mask[:, None]) & answer
    noisy = torch.where(masked, torch.full_like(ids, mask_id), ids)
    hidden = model.hidden_states(noisy, attend)                              # (B, T, d)
    logits = model.logits(hidden[masked])                                    # (masked, V): the head only where CE is read
    ce = F.cross_entropy(logits.float(), ids[masked], reduction="none")
    weights = 1.0 / p_mask[:, None].expand_as(ids)[masked]
    return (ce * weights).sum() / (B * gen_length)


# ----------------------------------------------------------------------------------------------
# Training loop

def lr_at(step: int, r: Recipe) -> float:
    """Warm-up, constant, then cosine decay to min_lr_ratio over the last decay_steps."""
    if step < r.warmup_steps:
        return r.lr * (step + 1) / r.warmup_steps
    decay_start = r.max_steps - r.decay_steps
    if step < decay_start:
        return r.lr
    progress = min(1.0, (step - decay_start) / max(1, r.decay_steps))
    return r.lr * (r.min_lr_ratio + (1 - r.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def model_config(r: Recipe, tokenizer) -> LLaDAConfig:
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
    taken, and 1 thread is then several times faster (issue 16, load ~10: 12.4 s/step with 2
    threads, 2.2 s/step with 1); on an idle machine 2 threads win.
    Every `period` steps the next `trial` steps run with the other count (an exploration window),
    whose time is measured afresh: blended into a figure taken under a load that has since gone, it
    would keep the faster count unused for several periods.
    """

    def __init__(self, counts=(2, 1), period: int = 400, trial: int = 4, decay: float = 0.8):
        self.counts, self.period, self.trial, self.decay = counts, period, trial, decay
        self.seconds: dict[int, Optional[float]] = {c: None for c in counts}
        self.current = counts[0]
        self.exploring: Optional[int] = None

    def choose(self, step: int) -> int:
        if step >= self.period and step % self.period == 0:
            self.exploring = next((c for c in self.counts if c != self.best()), None)
            if self.exploring:
                self.seconds[self.exploring] = None
        elif step % self.period >= self.trial:
            self.exploring = None
        unmeasured = next((c for c in self.counts if self.seconds[c] is None), None)
        count = self.exploring or unmeasured or self.best()
        if count != self.current:
            torch.set_num_threads(count)
            self.current = count
        return count

    def best(self) -> int:
        """The count with the lower measured step time (evaluations run with it)."""
        measured = [c for c in self.counts if self.seconds[c] is not None]
        return min(measured, key=lambda c: self.seconds[c]) if measured else self.current

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


def copy_eval_sets(run: Path) -> None:
    """Copies the evaluation files into the run folder at each start, so a run outlives its checkout."""
    (run / "eval").mkdir(exist_ok=True)
    for file, _ in EVAL_SETS.values():
        if (task_stream.DATA / file).exists():
            shutil.copyfile(task_stream.DATA / file, run / "eval" / file)


def load_eval_sets(run: Path, log: Log, limit: int = 0) -> dict[str, list[dict]]:
    """The run's copies of the evaluation files, read at each evaluation."""
    sets = {}
    for name, (file, count) in EVAL_SETS.items():
        path = run / "eval" / file
        count = min(count, limit) if limit > 0 else count
        if path.exists():
            sets[name] = task_stream.read_jsonl(path)[:count]
        else:
            log(f"  eval set {name}: {path} missing, skipped")
    return sets


def new_optimizer(model: LLaDAModel, r: Recipe) -> torch.optim.Optimizer:
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": r.weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}],
                             lr=r.lr, betas=(0.9, r.beta2), eps=1e-8)


def prepare_tokenizer(run: Path, init: Optional[Path] = None):
    """The run's tokenizer, made once and kept in the run folder: trained on the v2 corpus, or, for a
    run that starts from a trained model (`init`), that model's tokenizer extended on the v2 corpus."""
    tok_dir = run / "tokenizer"
    if not (tok_dir / "tokenizer.json").exists():
        tokenizer = (arith_tokenizer.extend_tokenizer(arith_tokenizer.load_tokenizer(init)) if init
                     else arith_tokenizer.train_tokenizer())
        arith_tokenizer.write_tokenizer(tokenizer, tok_dir)
    return arith_tokenizer.load_tokenizer(tok_dir)


@torch.no_grad()
def start_from(model: LLaDAModel, init: Path, tokenizer) -> None:
    """Copies a trained model (an HF folder whose tokenizer the run's extends) into `model`. Every
    matrix keeps its values; the embedding and head rows of tokens the old vocabulary lacks start as
    the mean of the rows of the old tokens that spell them, so they begin where the old model read them.
    A recipe with more layers grows the model without changing what it computes (`layer_growth`)."""
    old_cfg, old = load_llada(init)
    old_tokenizer = arith_tokenizer.load_tokenizer(init)
    new_state, old_state = model.state_dict(), old.state_dict()
    new_layers = model.config.n_layers
    if new_layers < old_cfg.n_layers:
        raise SystemExit(f"{init}: {old_cfg.n_layers} layers, more than the recipe's {new_layers}")
    renamed = grow_layers(old_state, old_cfg.n_layers, new_layers)
    vocabulary_rows = ("model.transformer.wte.weight", "model.transformer.ff_out.weight")
    if any(new_state[k].shape != v.shape for k, v in renamed.items() if k not in vocabulary_rows):
        raise SystemExit(f"{init}: its layers differ in shape from the recipe's model")
    old_rows = old_tokenizer.get_vocab_size()
    for name in vocabulary_rows:
        rows = new_state[name]
        rows[:old_rows] = renamed[name][:old_rows]
        for token_id in range(old_rows, rows.shape[0]):
            token = tokenizer.id_to_token(token_id)
            spelling = [old_tokenizer.token_to_id(t.value) for t in old_tokenizer.model.tokenize(token)] if token else []
            rows[token_id] = renamed[name][spelling].mean(0) if spelling else 0.0
    for name, value in renamed.items():
        if name not in vocabulary_rows:
            new_state[name].copy_(value)
    model.load_state_dict(new_state)


def train(r: Recipe, run: Path, minutes: Optional[float], fixed_threads: int, device: torch.device,
          init: Optional[Path]) -> None:
    run.mkdir(parents=True, exist_ok=True)
    (run / "pid").write_text(f"{os.getpid()}\n")
    log = Log(run / "train.log")
    threads = ThreadChooser(counts=(fixed_threads,) * 2 if fixed_threads else (2, 1))
    torch.set_num_threads(threads.current)
    tokenizer = prepare_tokenizer(run, init if not (run / "last.pt").exists() else None)
    copy_eval_sets(run)
    cfg = model_config(r, tokenizer)
    torch.manual_seed(r.seed)
    model = LLaDAModel(cfg).to(device)
    optimizer = new_optimizer(model, r)
    step, history, best = 0, [], None
    last = run / "last.pt"
    if last.exists():
        state = torch.load(last, weights_only=False, map_location=device)
        if state["recipe"] != asdict(r):
            changed = {k: (state["recipe"].get(k), v) for k, v in asdict(r).items() if state["recipe"].get(k) != v}
            log(f"recipe changed on resume (old, new): {changed}")
        if state["config"] != cfg.to_json_dict() or state["gen_length"] != r.gen_length:
            raise SystemExit(f"{last}: model shape or gen_length differ from the flags; use a new run folder")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"].cpu())
        step, history, best = state["step"], state["history"], state.get("best")
        log(f"resumed from step {step} on {device}")
    else:
        if init:
            start_from(model, init, tokenizer)
            log(f"new run starts from the weights of {init}")
        n_params = sum(p.numel() for p in model.parameters())
        log(f"new run on {device}: {n_params:,} parameters, gen_length {r.gen_length}, "
            f"recipe {json.dumps(asdict(r))}")
        (run / "config.json").write_text(json.dumps(cfg.to_json_dict(), indent=2) + "\n")

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))

    def checkpoint() -> None:
        save_checkpoint(last, model=model.state_dict(), optimizer=optimizer.state_dict(), step=step,
                        history=history, best=best, recipe=asdict(r), gen_length=r.gen_length,
                        config=cfg.to_json_dict(), torch_rng=torch.get_rng_state())

    def run_eval() -> None:
        nonlocal best
        t0 = time.time()
        entry = {"step": step}
        torch.set_num_threads(threads.best())
        for name, tasks in load_eval_sets(run, log, r.eval_limit).items():
            if stop["now"]:     # SIGTERM: leave the evaluation unfinished and unrecorded
                log(f"eval step {step} interrupted")
                return
            result = evaluate(model, tokenizer, tasks, r.gen_length, cfg.mask_token_id, cfg.eos_token_id)
            entry[name] = {"ar": result["ar"], "confidence": result["confidence"], "tasks": len(tasks)}
            log(f"eval step {step} {name:4s}: AR {result['ar']:6.1%}  confidence {result['confidence']:6.1%}  "
                f"({len(tasks)} tasks)")
            for order in ("ar", "confidence"):
                for prompt, text in result[order + "_samples"]:
                    log(f"    {order} miss: {prompt[:70]!r} -> {text[-60:]!r}")
        history.append(entry)
        with (run / "metrics.jsonl").open("a") as f:
            f.write(json.dumps(entry) + "\n")
        torch.set_num_threads(threads.current)
        log(f"eval step {step} took {time.time() - t0:.0f}s ({threads.best()} threads)")
        # best = highest mean of the easy and hand-written accuracies, both orders
        scored = [entry[s][o] for s in ("easy", "hand") if s in entry for o in ("ar", "confidence")]
        score = sum(scored) / max(1, len(scored))
        if best is None or score > best["score"]:
            best = {"step": step, "score": score}
            save_checkpoint(run / "best.pt", model=model.state_dict(), step=step, config=cfg.to_json_dict(),
                            gen_length=r.gen_length, recipe=asdict(r), eval=entry)
            log(f"  new best checkpoint at step {step} (score {score:.3f})")

    early_evals = {int(v) for v in r.early_evals.split(",") if v}
    started = last_checkpoint = window_start = time.time()
    window_loss = []
    model.train()
    while step < r.max_steps and not stop["now"]:
        if minutes is not None and time.time() - started > 60 * minutes:
            log(f"time limit of {minutes} minutes reached")
            break
        count = threads.choose(step)
        step_start = time.time()
        ids, answer, attend = (t.to(device) for t in
                               make_batch(batch_tasks(r, step, tokenizer), tokenizer, r.gen_length, cfg.eos_token_id))
        generator = torch.Generator().manual_seed(r.seed * 1_000_003 + step)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, r)
        loss = masked_diffusion_loss(model, ids, answer, attend, cfg.mask_token_id, r.gen_length,
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
                f"{elapsed / len(window_loss):.2f}s/step {r.batch_size * len(window_loss) / elapsed:.1f} seq/s "
                f"(threads {threads.summary()})")
            window_loss, window_start = [], time.time()
        if step % r.eval_every == 0 or step in early_evals:
            checkpoint()
            run_eval()
            checkpoint()
            last_checkpoint = window_start = time.time()
        elif time.time() - last_checkpoint > 60 * r.checkpoint_minutes:
            checkpoint()
            last_checkpoint = time.time()
    checkpoint()
    log(f"stopped at step {step}")


# ----------------------------------------------------------------------------------------------
# Profiling: sequences per second of the training step, no run folder state touched

def bench(r: Recipe, run: Path, steps: int, threads: int, compile_model: bool, bf16: bool) -> None:
    torch.set_num_threads(threads)
    tokenizer = prepare_tokenizer(run)
    cfg = model_config(r, tokenizer)
    torch.manual_seed(r.seed)
    model = LLaDAModel(cfg)
    optimizer = new_optimizer(model, r)
    if compile_model:   # the loss calls hidden_states, not forward
        model.hidden_states = torch.compile(model.hidden_states, dynamic=True)
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters, batch {r.batch_size}, threads {threads}, "
          f"compile {compile_model}, bf16 autocast {bf16}")
    times, cpu_times, data_times, lengths = [], [], [], []
    for step in range(steps):
        t0, c0 = time.time(), time.process_time()
        ids, answer, attend = make_batch(batch_tasks(r, step, tokenizer), tokenizer, r.gen_length, cfg.eos_token_id)
        t1 = time.time()
        generator = torch.Generator().manual_seed(step)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = masked_diffusion_loss(model, ids, answer, attend, cfg.mask_token_id, r.gen_length,
                                         r.mask_eps, generator)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        times.append(time.time() - t0)
        cpu_times.append(time.process_time() - c0)
        data_times.append(t1 - t0)
        lengths.append(ids.shape[1])
    # wall time depends on the machine's load; CPU seconds per sequence much less (with 1 thread)
    skip = 3 if steps > 6 else 0
    wall, cpu = np.median(times[skip:]), np.median(cpu_times[skip:])
    print(f"NEW batch {r.batch_size} T~{np.mean(lengths):.0f}: median step wall {wall:.3f}s cpu {cpu:.3f}s "
          f"(data {np.median(data_times) * 1000:.0f} ms) -> {r.batch_size / wall:.1f} seq/s wall, "
          f"{r.batch_size / cpu:.1f} seq per CPU-second; first step {times[0]:.1f}s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, required=True,
                    help="run folder (outside the checkout): checkpoints, log, metrics; resumed when it has last.pt")
    ap.add_argument("--minutes", type=float, default=None, help="stop (with a checkpoint) after this many minutes")
    ap.add_argument("--threads", type=int, default=0,
                    help="torch intra-op threads; 0 (default): 2 or 1, whichever the measured step time favours")
    ap.add_argument("--device", default="cpu",
                    help="torch device to train on (cpu, cuda); the checkpoints load on any device")
    ap.add_argument("--init", type=Path, default=None,
                    help="a new run starts from this trained model's folder (its tokenizer is extended on the "
                         "v2 corpus, new token rows start from their spelling; a larger --n-layers grows it, "
                         "the new layers silent until trained); ignored on resume")
    ap.add_argument("--bench", type=int, default=0, help="only time this many training steps and print seq/s")
    ap.add_argument("--compile", action="store_true", help="with --bench: torch.compile the model")
    ap.add_argument("--bf16", action="store_true", help="with --bench: bf16 autocast")
    defaults = Recipe()
    for name, value in asdict(defaults).items():
        ap.add_argument("--" + name.replace("_", "-"), type=type(value), default=value)
    args = ap.parse_args()
    recipe = Recipe(**{k: getattr(args, k) for k in asdict(defaults)})
    if args.bench:
        bench(recipe, args.run, args.bench, args.threads or 2, args.compile, args.bf16)
    else:
        train(recipe, args.run, args.minutes, args.threads, torch.device(args.device), args.init)


if __name__ == "__main__":
    main()
