"""Constrained decoding: a LogitsProcessor that lets `generate` write only canonical actions, then EOS.

    processor = build_action_logits_processor(tokenizer, spaces=["skill", "grounding"])
    out = model.generate(**inputs, logits_processor=LogitsProcessorList([processor]))

How: every token's text is decoded once (special tokens become one symbol each, see `action_grammar`) and
put in a character trie. At each step the generated suffix of a row is run through the action automaton;
the allowed tokens of an automaton state are those whose whole text keeps the prefix viable (a walk of the
token trie alongside the automaton, pruned at the first dead character), plus EOS where the prefix is
already a complete action. Masks are cached per automaton state, so after warm-up a step costs one dict
lookup per row; memory is one index tensor per visited state (a few hundred in practice).
Assumes a tokenizer whose decode reproduces the text exactly (byte-level BPE, SentencePiece); WordPiece
decoders insert spaces and cannot produce `move(12,-3)`.
Ships inside saved models: torch, transformers, the standard library and siblings only.
"""

from __future__ import annotations

import torch
from transformers import LogitsProcessor

from .action_grammar import Automaton, action_automaton, symbolize
from .action_spaces import NUM_LATENT_CODES

_FINISHED = -2


class _TrieNode:
    __slots__ = ("children", "ids")

    def __init__(self):
        self.children: dict[str, _TrieNode] = {}
        self.ids: list[int] = []


def token_texts(tokenizer) -> list[str | None]:
    """The symbolized text each token id adds when it follows other text (None: empty or undecodable).

    Decodes `anchor + [id]` and strips the anchor's text, so SentencePiece's leading-space marker and
    byte-level BPE's spaces come out as they read inside a sequence.
    """
    anchor = tokenizer.encode("a", add_special_tokens=False)[-1:]
    anchor_text = tokenizer.decode(anchor, skip_special_tokens=False, clean_up_tokenization_spaces=False)
    ids = list(range(len(tokenizer)))
    decoded = tokenizer.batch_decode(
        [[*anchor, i] for i in ids], skip_special_tokens=False, clean_up_tokenization_spaces=False
    )
    texts: list[str | None] = []
    for i, text in zip(ids, decoded):
        if text.startswith(anchor_text):
            text = text[len(anchor_text) :]
        else:
            text = tokenizer.decode([i], skip_special_tokens=False, clean_up_tokenization_spaces=False)
        texts.append(symbolize(text) if text and "\ufffd" not in text else None)
    return texts


class ActionLogitsProcessor(LogitsProcessor):
    """Masks every token that would leave the language of canonical actions of the allowed spaces."""

    def __init__(
        self,
        tokenizer,
        spaces=None,
        known_objects=None,
        num_latent_codes: int = NUM_LATENT_CODES,
        eos_token_id: int | list[int] | None = None,
    ):
        eos = tokenizer.eos_token_id if eos_token_id is None else eos_token_id
        if eos is None:
            raise ValueError("eos_token_id: the tokenizer has no eos_token; pass eos_token_id=")
        self.eos_ids = [eos] if isinstance(eos, int) else list(eos)
        self.automaton: Automaton = action_automaton(spaces, known_objects, num_latent_codes)
        self.texts = token_texts(tokenizer)
        self._root = _TrieNode()
        for i, text in enumerate(self.texts):
            if text is None or i in self.eos_ids:
                continue
            node = self._root
            for ch in text:
                node = node.children.setdefault(ch, _TrieNode())
            node.ids.append(i)
        self._masks: dict[tuple[int, int], torch.Tensor] = {}  # (state, vocab) -> allowed ids
        self._states: dict[tuple[int, ...], int] = {}
        self._prompt: torch.Tensor | None = None
        self._last_length = -1

    def reset(self) -> None:
        """Forget the current generation (done automatically when a new prompt arrives)."""
        self._prompt, self._last_length = None, -1
        self._states.clear()

    def allowed_ids(self, state: int) -> list[int]:
        """Token ids allowed after automaton `state` (EOS included when the action is complete)."""
        if state == _FINISHED:
            return []
        allowed = list(self.eos_ids) if self.automaton.accepting(state) else []
        if state == Automaton.DEAD:
            return list(self.eos_ids)
        stack = [(self._root, state)]
        while stack:
            node, st = stack.pop()
            allowed.extend(node.ids)
            for ch, child in node.children.items():
                nxt = self.automaton.step(st, ch)
                if nxt != Automaton.DEAD:
                    stack.append((child, nxt))
        # A prefix no token can continue (e.g. a tokenizer without the latent tokens) ends; it won't parse.
        return allowed or list(self.eos_ids)

    def _allowed_tensor(self, state: int, vocab_size: int) -> torch.Tensor:
        # Index tensors, not vocabulary-wide masks: most states allow a handful of tokens.
        key = (state, vocab_size)
        if key not in self._masks:
            self._masks[key] = torch.tensor(
                [i for i in self.allowed_ids(state) if i < vocab_size], dtype=torch.long
            )
        return self._masks[key]

    def state_after(self, ids: list[int]) -> int:
        """The automaton state after the generated token ids (cached by prefix)."""
        key = tuple(ids)
        known = len(key)
        while known and key[:known] not in self._states:  # usually the previous step's prefix is cached
            known -= 1
        state = self._states[key[:known]] if known else self.automaton.start
        for end in range(known + 1, len(key) + 1):
            token = key[end - 1]
            if state in (Automaton.DEAD, _FINISHED):
                pass
            elif token in self.eos_ids:
                state = _FINISHED
            else:
                text = self.texts[token] if token < len(self.texts) else None
                state = Automaton.DEAD if text is None else self.automaton.run(text, state)
            self._states[key[:end]] = state
        return state

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        # A new `generate` call starts unless this is the previous call's input plus one token with the same
        # prompt (a multi-turn prompt that extends the last one is longer by more than one token).
        n = 0 if self._prompt is None else self._prompt.shape[1]
        if (
            self._prompt is None
            or input_ids.shape[1] != self._last_length + 1
            or input_ids.shape[0] != self._prompt.shape[0]
            or not torch.equal(input_ids[:, :n], self._prompt)
        ):
            self.reset()
            self._prompt = input_ids.clone()
            n = input_ids.shape[1]
        self._last_length = input_ids.shape[1]
        rows, cols, finished = [], [], []
        for row, ids in enumerate(input_ids[:, n:].tolist()):
            state = self.state_after(ids)
            if state == _FINISHED:  # finished rows are padded by generate; leave their scores alone
                finished.append(row)
                continue
            allowed_ids = self._allowed_tensor(state, scores.shape[-1])
            cols.append(allowed_ids)
            rows.append(torch.full_like(allowed_ids, row))
        allowed = torch.zeros(scores.shape, dtype=torch.bool)
        if rows:
            allowed[torch.cat(rows), torch.cat(cols)] = True
        allowed[finished] = True
        return scores.masked_fill(~allowed.to(scores.device), float("-inf"))


def build_action_logits_processor(
    tokenizer, spaces=None, known_objects=None, num_latent_codes: int = NUM_LATENT_CODES, eos_token_id=None
) -> ActionLogitsProcessor:
    """A processor for `generate(logits_processor=LogitsProcessorList([...]))` that keeps outputs parseable.

    spaces: the allowed action spaces (default all five); known_objects: restrict grounding objects and
    skill targets to these names; eos_token_id: defaults to the tokenizer's.
    """
    return ActionLogitsProcessor(tokenizer, spaces, known_objects, num_latent_codes, eos_token_id)
