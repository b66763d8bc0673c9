"""Batched greedy (or sampled) decoding that computes the prompt's shared system prefix once, not once per world.

Every agent prompt starts with the same system text (the action-space list, ~160 tokens of ~250), so a
rollout round of B worlds would recompute it B times per call. `PrefixCachedDecoder` runs it once
per distinct prefix, keeps its KV cache, and for each round repeats that cache over the batch and
runs only the per-world part (frame, instruction, history) and the new tokens. Rows are laid out as
[shared prefix][left padding][own suffix]; the attention mask hides the padding and position ids
continue from the prefix, so each row computes exactly what it would alone (the same greedy
tokens as `generate`, up to float rounding). Logits processors (constrained decoding) see the rows'
suffix plus their generated tokens as their `input_ids`. With a `temperature` the tokens are sampled
from the softmax of the logits divided by it (no top-k / top-p cut), and `last_logps` holds each
sampled token's log-probability under that distribution (what multi-turn RL records).
"""

from __future__ import annotations

import copy

import torch
from transformers import DynamicCache


class PrefixCachedDecoder:
    """Greedy decoding with a cached shared prefix (see the module docstring)."""

    def __init__(self, model, tokenizer, image_token_id: int, max_cached_prefixes: int = 8) -> None:
        self.model = model
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.eos_id = tokenizer.eos_token_id
        self.image_token_id = image_token_id
        self.max_cached_prefixes = max_cached_prefixes
        self._prefixes: dict[tuple[int, ...], DynamicCache] = {}
        self.last_logps: list[list[float]] = []
        """Per row of the last `generate`, each token's log-probability (sampling only; 0.0 when greedy)."""

    def _prefix_cache(self, prefix: tuple[int, ...]) -> DynamicCache:
        cache = self._prefixes.get(prefix)
        if cache is None:
            if len(self._prefixes) >= self.max_cached_prefixes:
                self._prefixes.clear()
            cache = DynamicCache()
            ids = torch.tensor([prefix], device=self.model.device)
            self.model(input_ids=ids, past_key_values=cache, use_cache=True, logits_to_keep=1)
            self._prefixes[prefix] = cache
        return cache

    @torch.inference_mode()
    def generate(
        self,
        input_ids,
        attention_mask,
        pixel_values,
        max_new_tokens: int,
        logits_processors=(),
        stop_row=None,
        temperature: float | None = None,
    ):
        """Greedy tokens of each left-padded prompt (a list per row, ending with EOS when it ended so).

        `stop_row(tokens) -> bool`, if given, ends a row early (its tokens so far are kept).
        `temperature`, if given, samples instead; `self.last_logps` then holds the tokens' log-probs per row.
        """
        rows = [ids[mask.bool()].tolist() for ids, mask in zip(input_ids, attention_mask)]
        split = rows[0].index(self.image_token_id) if self.image_token_id in rows[0] else 0
        prefix = tuple(rows[0][:split])
        if split == 0 or any(tuple(row[:split]) != prefix for row in rows):
            prefix, split = (), 0  # no shared prefix: plain batched decoding
        suffixes = [row[split:] for row in rows]
        width = max(len(s) for s in suffixes)
        batch = len(rows)
        device = self.model.device
        suffix_ids = torch.full((batch, width), self.pad_id, dtype=torch.long, device=device)
        suffix_mask = torch.zeros((batch, width), dtype=torch.long, device=device)
        for i, suffix in enumerate(suffixes):
            suffix_ids[i, width - len(suffix) :] = torch.tensor(suffix, device=device)
            suffix_mask[i, width - len(suffix) :] = 1
        if prefix:
            cache = copy.deepcopy(self._prefix_cache(prefix))
            cache.batch_repeat_interleave(batch)
        else:
            cache = DynamicCache()
        mask = torch.cat([torch.ones((batch, len(prefix)), dtype=torch.long, device=device), suffix_mask], 1)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)[:, len(prefix) :]
        out = self.model(input_ids=suffix_ids, pixel_values=pixel_values, attention_mask=mask,
                         position_ids=positions, past_key_values=cache, use_cache=True, logits_to_keep=1)  # fmt: skip
        # Without logits processors (which track rows by position), finished rows leave the batch, so
        # one long output does not keep the whole batch decoding.
        prune = not logits_processors
        outputs: list[list[int]] = [[] for _ in range(batch)]
        logps: list[list[float]] = [[] for _ in range(batch)]
        rows_left = torch.arange(batch, device=device)
        finished = torch.zeros(batch, dtype=torch.bool, device=device)
        generated = torch.empty((batch, 0), dtype=torch.long, device=device)
        next_position = positions[:, -1:] + 1
        for step in range(max_new_tokens):
            scores = out.logits[:, -1, :].float()
            scores[:, self.image_token_id] = float("-inf")  # as CrossAgentForActions' suppress_tokens
            if not prune:
                seen = torch.cat([suffix_ids, generated], 1)
                for processor in logits_processors:
                    scores = processor(seen, scores)
            if temperature is None:
                tokens = scores.argmax(-1)
                token_logps = torch.zeros(len(tokens), device=device)
            else:
                distribution = (scores / temperature).log_softmax(-1)
                tokens = torch.multinomial(distribution.exp(), 1).squeeze(1)
                token_logps = distribution.gather(-1, tokens[:, None]).squeeze(1)
            tokens = torch.where(finished, torch.full_like(tokens, self.pad_id), tokens)
            if not prune:
                generated = torch.cat([generated, tokens[:, None]], 1)
            for i, (row, token, logp) in enumerate(
                zip(rows_left.tolist(), tokens.tolist(), token_logps.tolist())
            ):
                if finished[i]:
                    continue
                outputs[row].append(token)
                logps[row].append(logp)
                finished[i] = token == self.eos_id or (stop_row is not None and stop_row(outputs[row]))
            if bool(finished.all()) or step == max_new_tokens - 1:
                break
            if prune and bool(finished.any()):
                keep = torch.nonzero(~finished).flatten()
                cache.batch_select_indices(keep)
                mask, next_position, tokens = mask[keep], next_position[keep], tokens[keep]
                rows_left, finished = rows_left[keep], finished[keep]
            mask = torch.cat([mask, torch.ones((len(tokens), 1), dtype=torch.long, device=device)], 1)
            out = self.model(input_ids=tokens[:, None], attention_mask=mask, position_ids=next_position,
                             past_key_values=cache, use_cache=True, logits_to_keep=1)  # fmt: skip
            next_position = next_position + 1
        self.last_logps = logps
        return outputs
