"""The pointer head: coordinates written by pointing at image tokens (a pointer-generator over numerals).

Ships inside every saved model (see the package docstring): imports only torch, transformers and siblings.

A from-scratch decoder learns *which* patch holds a named object long before it learns to turn that patch
into numerals: trained to attend to the answer's patch, a head found it on 28-40% of held-out frames while
the written x stayed uncorrelated with the target (docs/perception.md). This head makes the copy part of
the model, as pointer-generator networks copy source words (See et al., 2017):

- every image token j gets a key k_j and a point p_j = its patch centre + a learned offset within the patch
  (tanh-bounded to half a patch), in the grounding frame's [0, POINT_MAX];
- every output position i gets a query q_i from its hidden state;
- the pointer's distribution over the numerals n is P_x(n) = sum_j a_ij K(n - x_j), with a_ij the softmax of
  q_i . k_j over the image tokens before i and K a Gaussian kernel of learned width over the numerals
  the vocabulary holds (the same for y);
- `config.pointer_mixture` says where they are used. `gate`: at every position three gate weights
  (text, x, y) from its hidden state mix them, log(w_text P_lm + w_x P_x + w_y P_y). `grammar`: where the
  grammar says a point's x is next (the position of the `(` after `<|point_start|>`) the numerals get
  P_lm(any numeral) P_x(n), where its y is next (the `,` after that x) P_lm(any numeral) P_y(n), and
  everything else is P_lm. Either way the output is a normalised log-distribution, so the causal-LM loss,
  `generate`, sampling and GRPO's token log-probabilities use it unchanged.

With a KV cache the keys and points of past tokens live in one extra cache layer (index: the decoder's
layer count), so a frame's image tokens stay pointable while the answer is decoded token by token, and
every cache operation (copy, batch repeat, batch select) carries them along.

Off in the presets: pretrained on the tiny preset with `gate`, the gate learned to shut the pointer out
(the text part keeps 99.99% where coordinates are written), see docs/perception.md. With `grammar` nothing
can: the answers' loss on a coordinate is the pointer's own loss.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from transformers.cache_utils import Cache, DynamicLayer

from .action_spaces import POINT_MAX
from .point_code import patch_centres


class CrossAgentPointer(nn.Module):
    """Pointer-generator over the numeral tokens; see the module docstring."""

    def __init__(self, config) -> None:
        super().__init__()
        width = config.text_config.hidden_size
        grid = math.isqrt(config.image_seq_length)
        if grid * grid != config.image_seq_length:
            raise ValueError(
                f"CrossAgentConfig.pointer_head needs a square grid of image tokens; image_seq_length="
                f"{config.image_seq_length} is not a square. Set pointer_head=False."
            )
        ids = config.pointer_numeral_ids  # checked by CrossAgentConfig: one id (or -1) per numeral
        self.image_seq_length = config.image_seq_length
        self.image_token_id = config.image_token_id
        self.cache_layer = config.text_config.num_hidden_layers
        self.grid = grid
        self.half_patch = POINT_MAX / grid / 2
        self.numerals = [(value, token) for value, token in enumerate(ids) if token >= 0]
        self.query = nn.Linear(width, config.pointer_dim, bias=False)
        self.key = nn.Linear(width, config.pointer_dim, bias=False)
        self.offset = nn.Linear(width, 2)
        self.mixture = config.pointer_mixture
        # The gate exists only where it is used: an unused parameter would stall DDP's gradient reduction.
        self.gate = nn.Linear(width, 3) if self.mixture == "gate" else None
        self.syntax_ids = tuple(config.pointer_syntax_ids or ())  # <|point_start|>, "(", ","
        self.log_width = nn.Parameter(torch.tensor(math.log(self.initial_width)))
        # Fixed functions of the config, built on first use (not buffers: loading builds modules on the meta
        # device, and the sincos2d codes are kept the same way).
        self._tables: dict[torch.device, tuple[torch.Tensor, ...]] = {}

    @property
    def initial_width(self) -> float:
        """The kernel's starting width in frame units, a quarter patch; learned, it narrows as offsets learn."""
        return self.half_patch / 2

    def tables(self, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(numeral token ids, their values, patch centres (grid*grid, 2)) on `device`."""
        if device not in self._tables:
            values, ids = zip(*self.numerals)
            self._tables[device] = (
                torch.tensor(ids, device=device),
                torch.tensor(values, dtype=torch.float32, device=device),
                patch_centres(self.grid).to(device),
            )
        return self._tables[device]

    def token_points(self, input_ids: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        """(B, T, 4): per token (is image, x, y, token id); an image token's patch is its raster index in its
        frame. The id rides along (exact in float32) so that cached decoding can read the tokens before the
        one it is given (`grammar` mixture)."""
        is_image = input_ids == self.image_token_id
        index = (is_image.long().cumsum(-1) - 1).clamp(min=0) % self.image_seq_length
        offsets = torch.tanh(self.offset(hidden).float()) * self.half_patch
        points = self.tables(hidden.device)[2][index] + offsets
        return torch.cat(
            [
                is_image.float().unsqueeze(-1),
                points * is_image.unsqueeze(-1),
                input_ids.float().unsqueeze(-1),
            ],
            -1,
        )

    def forward(
        self,
        lm_logits: torch.Tensor,
        hidden: torch.Tensor,
        input_ids: torch.Tensor,
        keep: slice | torch.Tensor,
        cache: Cache | None,
    ) -> torch.Tensor:
        """Log-probabilities (B, T_keep, V) of the mixture, from the LM logits at the kept positions.

        hidden: (B, T, D) the decoder's last hidden states of this forward's tokens (input_ids: (B, T)).
        """
        keys = self.key(hidden).float()
        points = self.token_points(input_ids, hidden)
        past = 0
        if cache is not None:
            while len(cache.layers) <= self.cache_layer:
                cache.layers.append(DynamicLayer())
            past = cache.layers[self.cache_layer].get_seq_length()
            all_keys, all_points = cache.layers[self.cache_layer].update(keys[:, None], points[:, None])
            keys, points = all_keys[:, 0], all_points[:, 0]
        positions = torch.arange(hidden.shape[1], device=hidden.device)[keep] + past
        token_ids = points[..., 3]
        # Only columns that hold an image token in some row can be pointed at: keep those.
        columns = torch.nonzero(points[..., 0].any(0)).flatten()
        keys, points = keys[:, columns], points[:, columns]
        query_hidden = hidden[:, keep]
        attention, sees_image = self._attend(query_hidden, positions, keys, points, columns)
        pointer_x = torch.bmm(attention, self._kernel(points[..., 1]))
        pointer_y = torch.bmm(attention, self._kernel(points[..., 2]))
        if self.mixture == "grammar":
            return self._grammar_mixture(lm_logits, pointer_x, pointer_y, token_ids, positions, sees_image)
        gate = self.gate(query_hidden).float()
        gate = torch.cat([gate[..., :1], gate[..., 1:].masked_fill(~sees_image, -1e4)], -1)
        log_gate = gate.log_softmax(-1)
        out = lm_logits.float().log_softmax(-1) + log_gate[..., :1]
        tiny = torch.finfo(torch.float32).tiny
        copied = torch.logaddexp(
            log_gate[..., 1:2] + pointer_x.clamp(min=tiny).log(),
            log_gate[..., 2:3] + pointer_y.clamp(min=tiny).log(),
        )
        numeral_ids = self.tables(hidden.device)[0]
        return out.index_copy(-1, numeral_ids, torch.logaddexp(out[..., numeral_ids], copied))

    def _grammar_mixture(self, lm_logits, pointer_x, pointer_y, token_ids, positions, sees_image):
        """The `grammar` mixture: at a point's x and y the numerals follow the pointer (module docstring).

        token_ids: (B, T_all) every token so far (cache included); positions: the kept outputs' indices in it.
        """
        start, open_paren, comma = self.syntax_ids

        def before(k: int) -> torch.Tensor:  # (B, T_keep) the token k places before each kept output
            index = positions - k
            found = token_ids[:, index.clamp(min=0)]
            return found.masked_fill((index < 0)[None, :], -1.0)

        writes_x = (before(0) == open_paren) & (before(1) == start)
        writes_y = (before(0) == comma) & (before(2) == open_paren) & (before(3) == start)
        sees_image = sees_image[..., 0]
        writes_x, writes_y = writes_x & sees_image, writes_y & sees_image
        out = lm_logits.float().log_softmax(-1)
        if not bool((writes_x | writes_y).any()):
            return out
        numeral_ids = self.tables(lm_logits.device)[0]
        numerals = out[..., numeral_ids]
        any_numeral = numerals.logsumexp(-1, keepdim=True)
        tiny = torch.finfo(torch.float32).tiny
        pointed = torch.where(writes_x[..., None], pointer_x, pointer_y).clamp(min=tiny).log() + any_numeral
        numerals = torch.where((writes_x | writes_y)[..., None], pointed, numerals)
        return out.index_copy(-1, numeral_ids, numerals)

    def attention(self, hidden: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        """(B, T, T): the weight each position's pointer puts on each earlier image token (rows before the
        first frame are zero), without a cache; what pretraining's `point_attention_weight` supervises."""
        keys = self.key(hidden).float()
        every = torch.arange(hidden.shape[1], device=hidden.device)
        return self._attend(hidden, every, keys, self.token_points(input_ids, hidden), every)[0]

    def _attend(self, query_hidden, positions, keys, points, columns) -> tuple[torch.Tensor, torch.Tensor]:
        """(attention (B, Tq, N), sees_image (B, Tq, 1)) of queries at absolute `positions` over the keys of
        the tokens at absolute `columns`: softmax over the image tokens before each query."""
        allowed = (points[..., 0] > 0)[:, None, :] & (columns[None, None, :] <= positions[None, :, None])
        sees_image = allowed.any(-1, keepdim=True)
        scores = torch.einsum("bqd,bkd->bqk", self.query(query_hidden).float(), keys)
        scores = scores / math.sqrt(keys.shape[-1])
        # A finite fill, not -inf: a position that sees no image gets a harmless uniform row, zeroed here and
        # gated out in `forward`, and no NaN reaches the gradients.
        return scores.masked_fill(~allowed, -1e9).softmax(-1) * sees_image, sees_image

    def _kernel(self, coordinates: torch.Tensor) -> torch.Tensor:
        """(B, N) coordinates -> (B, N, numerals): a Gaussian over the numeral values, normalised."""
        values = self.tables(coordinates.device)[1]
        distance = (values - coordinates[..., None]) / self.log_width.exp()
        return (-0.5 * distance**2).softmax(-1)
