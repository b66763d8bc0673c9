"""A character-level automaton of the canonical action language, for constrained decoding.

The canonical texts that `format_action` writes form a regular language. This module builds it as a
Thompson NFA from a few combinators (literal, trie of strings, sequence, choice, bounded repeat, ordered
subset with a separator) and determinises it lazily (subset construction, memoised), so a decoder can ask
in O(1) after warm-up: which characters may follow this prefix, and is the prefix a complete action.

Special tokens (`<|raw|>`, `<|point_start|>`, `<|latent_17|>`, ...) are single symbols of the alphabet
(private-use characters, see `symbolize`), so the automaton accepts them only as whole tokens.
Ships inside saved models: standard library and sibling modules only.
"""

from __future__ import annotations

import random
import re
import string

from .action_spaces import (
    ACTION_SPACES,
    CLICK_TO_BUTTON,
    GROUNDING_TOKENS,
    GROUNDING_VERBS,
    KEY_TO_BUTTON,
    MAX_MOUSE,
    MAX_NAME_LENGTH,
    MOTION_GROUPS,
    NUM_LATENT_CODES,
    OBJECT_REF_END,
    OBJECT_REF_START,
    POINT_END,
    POINT_MAX,
    POINT_START,
    SKILL_VERBS,
    SPACE_TOKENS,
    latent_token,
)

_NAMED_SYMBOLS = {tok: chr(0xE000 + i) for i, tok in enumerate([*SPACE_TOKENS.values(), *GROUNDING_TOKENS])}
_LATENT_SYMBOL_BASE = 0xE100
_SPECIAL_RE = re.compile("|".join(re.escape(t) for t in _NAMED_SYMBOLS) + r"|<\|latent_(\d{1,4})\|>")
NAME_CHARS = frozenset(string.ascii_lowercase + string.digits + "_")


def symbol(token: str) -> str:
    """The one-character symbol of a special token (its private-use character)."""
    return symbolize(token)


def symbolize(text: str) -> str:
    """Replace every action special token in `text` by its one-character symbol."""

    def one(m: re.Match) -> str:
        return chr(_LATENT_SYMBOL_BASE + int(m.group(1))) if m.group(1) else _NAMED_SYMBOLS[m.group(0)]

    return _SPECIAL_RE.sub(one, text)


# --- expressions: nested tuples, compiled to an NFA ---------------------------------------------------


def lit(text: str) -> tuple:
    return ("lit", symbolize(text))


def choice(strings) -> tuple:
    """Any one of `strings` (compiled as a trie, so shared prefixes stay deterministic)."""
    return ("trie", tuple(symbolize(s) for s in strings))


def seq(*exprs) -> tuple:
    return ("seq", exprs)


def alt(*exprs) -> tuple:
    return ("alt", exprs)


def repeat(expr, low: int, high: int) -> tuple:
    return ("repeat", expr, low, high)


def char_class(chars) -> tuple:
    return ("class", frozenset(chars))


def ordered_subset(items, sep: str) -> tuple:
    """A non-empty subsequence of `items` (kept in order) joined by `sep`."""
    return ("subset", tuple(items), symbolize(sep))


class _NFA:
    def __init__(self):
        self.eps: list[list[int]] = []
        self.edges: list[dict[str, list[int]]] = []

    def new(self) -> int:
        self.eps.append([])
        self.edges.append({})
        return len(self.eps) - 1

    def edge(self, a: int, ch: str, b: int) -> None:
        self.edges[a].setdefault(ch, []).append(b)

    def build(self, expr: tuple, start: int) -> int:
        """Add `expr` from `start` (through a fresh entry state, so loops never leak); return its end."""
        entry = self.new()
        self.eps[start].append(entry)
        kind = expr[0]
        if kind == "lit":
            for ch in expr[1]:
                nxt = self.new()
                self.edge(entry, ch, nxt)
                entry = nxt
            return entry
        if kind == "class":
            end = self.new()
            for ch in expr[1]:
                self.edge(entry, ch, end)
            return end
        if kind == "trie":
            end, nodes = self.new(), {"": entry}
            for word in expr[1]:
                for i, ch in enumerate(word):
                    if word[: i + 1] not in nodes:
                        nodes[word[: i + 1]] = self.new()
                        self.edge(nodes[word[:i]], ch, nodes[word[: i + 1]])
                self.eps[nodes[word]].append(end)
            return end
        if kind == "seq":
            for sub in expr[1]:
                entry = self.build(sub, entry)
            return entry
        if kind == "alt":
            end = self.new()
            for sub in expr[1]:
                self.eps[self.build(sub, entry)].append(end)
            return end
        if kind == "repeat":
            _, sub, low, high = expr
            end = self.new()
            for i in range(high):
                if i >= low:
                    self.eps[entry].append(end)
                entry = self.build(sub, entry)
            self.eps[entry].append(end)
            return end
        if kind == "subset":
            # gate[k]: "item k or a later one may come next"; after[k]: "item k was the last one".
            _, items, sep = expr
            end = self.new()
            gates = [self.new() for _ in items]
            self.eps[entry].append(gates[0])
            for k, item in enumerate(items):
                if k + 1 < len(items):
                    self.eps[gates[k]].append(gates[k + 1])
                after = self.build(item, gates[k])
                self.eps[after].append(end)
                if k + 1 < len(items):
                    self.eps[self.build(("lit", sep), after)].append(gates[k + 1])
            return end
        raise ValueError(f"grammar expression: unknown kind {kind!r}")


class Automaton:
    """A lazily determinised automaton: integer states, `step(state, char) -> state | DEAD`."""

    DEAD = -1

    def __init__(self, expr: tuple):
        self._nfa = _NFA()
        self._final = self._nfa.build(expr, self._nfa.new())
        self._sets: list[frozenset[int]] = []
        self._ids: dict[frozenset[int], int] = {}
        self._moves: dict[tuple[int, str], int] = {}
        self.start = self._state(self._closure({0}))

    def _closure(self, states) -> frozenset[int]:
        seen, stack = set(states), list(states)
        while stack:
            for nxt in self._nfa.eps[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return frozenset(seen)

    def _state(self, nfa_states: frozenset[int]) -> int:
        if not nfa_states:
            return self.DEAD
        if nfa_states not in self._ids:
            self._ids[nfa_states] = len(self._sets)
            self._sets.append(nfa_states)
        return self._ids[nfa_states]

    def step(self, state: int, ch: str) -> int:
        key = (state, ch)
        if key not in self._moves:
            if state == self.DEAD:
                return self.DEAD
            targets = [t for s in self._sets[state] for t in self._nfa.edges[s].get(ch, ())]
            self._moves[key] = self._state(self._closure(targets))
        return self._moves[key]

    def run(self, text: str, state: int | None = None) -> int:
        """The state after reading `text` (already symbolized) from `state` (default: the start)."""
        state = self.start if state is None else state
        for ch in text:
            state = self.step(state, ch)
            if state == self.DEAD:
                break
        return state

    def accepting(self, state: int) -> bool:
        return state != self.DEAD and self._final in self._sets[state]

    def next_chars(self, state: int) -> list[str]:
        """The characters that keep the prefix viable (every NFA state here can reach the end)."""
        if state == self.DEAD:
            return []
        return sorted({ch for s in self._sets[state] for ch in self._nfa.edges[s]})

    def accepts(self, text: str) -> bool:
        """Whether `text` (with special tokens spelled out) is a complete canonical action."""
        return self.accepting(self.run(symbolize(text)))

    def sample(self, rng: random.Random, stop: float = 0.5) -> str:
        """A random complete string (symbolized), by a random walk that stops at accepting states."""
        state, out = self.start, []
        while True:
            chars = self.next_chars(state)
            if not chars or (self.accepting(state) and rng.random() < stop):
                return "".join(out)
            out.append(rng.choice(chars))
            state = self.step(state, out[-1])


def desymbolize(text: str) -> str:
    """Inverse of `symbolize`."""
    named = {v: k for k, v in _NAMED_SYMBOLS.items()}
    return "".join(
        named.get(ch) or (latent_token(ord(ch) - _LATENT_SYMBOL_BASE) if 0xE100 <= ord(ch) < 0xF000 else ch)
        for ch in text
    )


def _integers(low: int, high: int, skip=()) -> tuple:
    return choice(str(i) for i in range(low, high + 1) if i not in skip)


def space_expression(space: str, known_objects=None, num_latent_codes: int = NUM_LATENT_CODES) -> tuple:
    """The canonical body of one space, preceded by its space token."""
    if space == "raw":
        mouse, nonzero = _integers(-MAX_MOUSE, MAX_MOUSE), _integers(-MAX_MOUSE, MAX_MOUSE, skip=(0,))
        move = seq(lit("move("), alt(seq(nonzero, lit(","), mouse), seq(lit("0,"), nonzero)), lit(")"))
        press = seq(lit("press("), ordered_subset([lit(k) for k in KEY_TO_BUTTON], ","), lit(")"))
        clicks = [lit(f"click({side})") for side in CLICK_TO_BUTTON]
        body = alt(lit("no_op"), ordered_subset([move, press, *clicks], " and "))
    elif space == "motion":
        body = ordered_subset([choice(group) for group in MOTION_GROUPS], ", ")
    elif space in ("grounding", "skill"):
        if known_objects is not None:
            name = choice(sorted(known_objects))
        else:
            name = repeat(char_class(NAME_CHARS), 1, MAX_NAME_LENGTH)
        if space == "skill":
            body = seq(choice(f"{verb} " for verb in SKILL_VERBS), name)
        else:
            point = _integers(0, POINT_MAX)
            body = seq(
                choice(GROUNDING_VERBS),
                lit(" " + OBJECT_REF_START),
                name,
                lit(OBJECT_REF_END + POINT_START + "("),
                point,
                lit(","),
                point,
                lit(")" + POINT_END),
            )
    elif space == "latent":
        body = choice(latent_token(i) for i in range(num_latent_codes))
    else:
        raise ValueError(f"space: expected one of {list(ACTION_SPACES)}, got {space!r}")
    return seq(lit(SPACE_TOKENS[space]), body)


def action_automaton(spaces=None, known_objects=None, num_latent_codes: int = NUM_LATENT_CODES) -> Automaton:
    """The automaton of canonical actions of `spaces` (default: all five)."""
    spaces = list(ACTION_SPACES if spaces is None else spaces)
    if not spaces:
        raise ValueError("spaces: expected at least one action space")
    if known_objects is not None:
        bad = sorted(
            n for n in known_objects if not set(n) <= NAME_CHARS or not 0 < len(n) <= MAX_NAME_LENGTH
        )
        if bad:
            raise ValueError(f"known_objects: names must match [a-z0-9_]+, got {bad[:5]}")
    return Automaton(alt(*(space_expression(s, known_objects, num_latent_codes) for s in spaces)))
