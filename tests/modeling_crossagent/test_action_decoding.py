"""Constrained decoding with a locally built BPE tokenizer and a tiny random Llama: every sample parses."""

import random
import time

import pytest
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, LogitsProcessorList, PreTrainedTokenizerFast

from modeling_crossagent.action_decoding import build_action_logits_processor
from modeling_crossagent.action_grammar import action_automaton, desymbolize
from modeling_crossagent.action_parsing import parse
from modeling_crossagent.action_spaces import ActionParseError, add_action_tokens

KNOWN = {"oak_log", "zombie", "crafting_table", "iron_ore", "stick"}


@pytest.fixture(scope="module")
def tokenizer():
    rng, automaton = random.Random(0), action_automaton()
    corpus = [desymbolize(automaton.sample(rng)) for _ in range(2000)]
    corpus += ["Chop down the oak log.", "Kill the zombie.", "Craft a stick from planks."] * 20
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=1200,
        special_tokens=["</s>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(corpus, trainer)
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="</s>", pad_token="<pad>")
    assert add_action_tokens(tok) == 73
    return tok


@pytest.fixture(scope="module")
def model(tokenizer):
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=512,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return LlamaForCausalLM(config).eval()


def _sample(model, tokenizer, processor, n=12, seed=0):
    torch.manual_seed(seed)
    prompt = tokenizer(["Chop down the oak log."], return_tensors="pt")
    with torch.no_grad():
        out = model.generate(
            **prompt,
            do_sample=True,
            max_new_tokens=256,
            num_return_sequences=n,
            logits_processor=LogitsProcessorList([processor]),
            pad_token_id=tokenizer.pad_token_id,
        )
    generated = out[:, prompt["input_ids"].shape[1] :]
    texts = []
    for row in generated.tolist():
        assert tokenizer.eos_token_id in row, "every sample must end with EOS within the budget"
        texts.append(tokenizer.decode(row[: row.index(tokenizer.eos_token_id)], skip_special_tokens=False))
    return texts


@pytest.mark.parametrize("spaces", [None, ["raw"], ["skill", "grounding"], ["motion", "latent"]])
def test_constrained_samples_all_parse_in_the_allowed_spaces(model, tokenizer, spaces):
    processor = build_action_logits_processor(tokenizer, spaces=spaces, known_objects=KNOWN)
    texts = _sample(model, tokenizer, processor)
    allowed = set(spaces or ["raw", "motion", "grounding", "skill", "latent"])
    for text in texts:
        action = parse(text, known_objects=KNOWN)
        assert action.space in allowed, text
    if spaces is None:
        assert len({parse(t).space for t in texts}) >= 3  # it really samples, not one fixed answer


def test_unconstrained_random_model_does_not_parse(model, tokenizer):
    """The control: without the processor, the same random model writes text that does not parse."""
    torch.manual_seed(0)
    prompt = tokenizer(["Chop down the oak log."], return_tensors="pt")
    out = model.generate(**prompt, do_sample=True, max_new_tokens=30, num_return_sequences=8)
    failures = 0
    for row in out[:, prompt["input_ids"].shape[1] :]:
        try:
            parse(tokenizer.decode(row, skip_special_tokens=True))
        except ActionParseError:
            failures += 1
    assert failures == 8


def test_a_multi_turn_prompt_extending_the_last_one_starts_a_new_action(model, tokenizer):
    processor = build_action_logits_processor(tokenizer, spaces=["skill"], known_objects=KNOWN)
    torch.manual_seed(1)
    ids = tokenizer(["Kill the zombie."], return_tensors="pt")["input_ids"]
    for _turn in range(3):  # each prompt = the previous prompt + its answer + a new observation
        out = model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            do_sample=True,
            max_new_tokens=40,
            logits_processor=LogitsProcessorList([processor]),
            pad_token_id=tokenizer.pad_token_id,
        )
        answer = out[0, ids.shape[1] :].tolist()
        assert parse(tokenizer.decode(answer[: answer.index(tokenizer.eos_token_id)]), known_objects=KNOWN)
        ids = torch.cat([out, tokenizer(["Next frame."], return_tensors="pt")["input_ids"]], dim=1)


def test_processor_reused_across_generate_calls_and_is_fast(model, tokenizer):
    processor = build_action_logits_processor(tokenizer, spaces=["raw", "motion"])
    for seed in range(2):
        for text in _sample(model, tokenizer, processor, n=8, seed=seed):
            assert parse(text).space in {"raw", "motion"}
    scores = torch.zeros(16, len(tokenizer))
    ids = torch.full((16, 5), tokenizer.eos_token_id - 0)
    ids[:, 4] = tokenizer.convert_tokens_to_ids("<|raw|>")
    processor(ids[:, :4], scores)  # new prompt
    start = time.perf_counter()
    for _ in range(20):
        masked = processor(ids, scores)
    per_step = (time.perf_counter() - start) / 20
    assert torch.isfinite(masked).any(dim=1).all()
    assert per_step < 0.05, f"{per_step * 1e3:.1f} ms per step for 16 rows"
