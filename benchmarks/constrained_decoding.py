"""Speed of constrained action decoding: processor build, cold and warm per-step masking, tiny-model samples.

    PYTHONPATH=. python benchmarks/constrained_decoding.py [--vocab 2000 16000] [--batch 16]

Prints JSON: for each tokenizer size, the processor build time, the mean time of a masking step for a
batch of rows (cold = masks computed for new automaton states, warm = cached), and, with a tiny random
Llama, the fraction of constrained samples that parse (must be 1.0) and generation tokens/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import time

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, LogitsProcessorList, PreTrainedTokenizerFast

from modeling_crossagent.action_decoding import build_action_logits_processor
from modeling_crossagent.action_grammar import action_automaton, desymbolize
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ActionParseError, add_action_tokens


def build_tokenizer(vocab_size: int) -> PreTrainedTokenizerFast:
    """Byte-level BPE over sampled actions plus random words (so large vocabularies fill up)."""
    rng, automaton = random.Random(0), action_automaton()
    corpus = [desymbolize(automaton.sample(rng)) for _ in range(3000)]
    corpus += [
        " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(50))
        for _ in range(vocab_size // 5)
    ]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(
        corpus,
        trainers.BpeTrainer(
            vocab_size=vocab_size,
            special_tokens=["</s>", "<pad>"],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        ),
    )
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="</s>", pad_token="<pad>")
    add_action_tokens(tokenizer)
    return tokenizer


def masking_steps(processor, tokenizer, batch: int, rng: random.Random) -> list[float]:
    """Feed random canonical actions token by token through the processor; seconds per step."""
    automaton = action_automaton()
    rows = [
        tokenizer.encode(desymbolize(automaton.sample(rng)), add_special_tokens=False) for _ in range(batch)
    ]
    length = max(map(len, rows))
    rows = [r + [tokenizer.eos_token_id] * (length - len(r)) for r in rows]
    ids = torch.tensor(rows)
    prompt = torch.full((batch, 3), tokenizer.pad_token_id)
    scores = torch.zeros(batch, len(tokenizer))
    times = []
    for step in range(length + 1):
        start = time.perf_counter()
        processor(torch.cat([prompt, ids[:, :step]], 1), scores)
        times.append(time.perf_counter() - start)
    return times


def sample_parse_rate(tokenizer, processor, batch: int) -> tuple[float, float]:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=512, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )  # fmt: skip
    model = LlamaForCausalLM(config).eval()
    prompt = tokenizer(["Chop down the oak log."], return_tensors="pt")
    start = time.perf_counter()
    with torch.no_grad():
        out = model.generate(
            **prompt, do_sample=True, max_new_tokens=200, num_return_sequences=batch,
            logits_processor=LogitsProcessorList([processor]), pad_token_id=tokenizer.pad_token_id,
        )  # fmt: skip
    seconds = time.perf_counter() - start
    parsed, tokens = 0, 0
    for row in out[:, prompt["input_ids"].shape[1] :].tolist():
        end = row.index(tokenizer.eos_token_id) if tokenizer.eos_token_id in row else len(row)
        tokens += end + 1
        try:
            parse(tokenizer.decode(row[:end], skip_special_tokens=False), known_objects=None)
            parsed += 1
        except ActionParseError:
            pass
    return parsed / batch, tokens / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, nargs="+", default=[2000, 16000])
    parser.add_argument("--batch", type=int, default=16)
    args = parser.parse_args()
    torch.set_num_threads(1)
    results = []
    for vocab in args.vocab:
        tokenizer = build_tokenizer(vocab)
        start = time.perf_counter()
        processor = build_action_logits_processor(tokenizer)
        build_s = time.perf_counter() - start
        rng = random.Random(1)
        cold = masking_steps(processor, tokenizer, args.batch, rng)
        for _ in range(20):  # visit most automaton states
            masking_steps(processor, tokenizer, args.batch, rng)
        warm = masking_steps(processor, tokenizer, args.batch, rng)
        parse_rate, tokens_per_s = sample_parse_rate(tokenizer, processor, args.batch)
        results.append(
            {
                "vocab_size": len(tokenizer),
                "batch": args.batch,
                "processor_build_s": round(build_s, 3),
                "cold_step_ms": round(1e3 * sum(cold) / len(cold), 3),
                "warm_step_ms": round(1e3 * sum(warm) / len(warm), 3),
                "cached_automaton_states": len(processor._masks),
                "constrained_samples_parse_rate": parse_rate,
                "tiny_llama_generated_tokens_per_s": round(tokens_per_s, 1),
            }
        )
    print(
        json.dumps(
            {"benchmark": "constrained_decoding", "cpu_count": os.cpu_count(), "results": results}, indent=2
        )
    )


if __name__ == "__main__":
    main()
