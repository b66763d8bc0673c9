"""TRL's fused LM head, computed through the model's own forward when the model has a pointer head.

TRL 1.16's `SFTTrainer` and `GRPOTrainer` patch every model with `trl.trainer.utils.add_fused_lm_head`: with
`fused_lm_head=True` the patched forward runs the backbone and projects through `lm_head` in tiles, so the
training log-probabilities never pass through `CrossAgentForActions.forward`. For a model with the pointer head
(`CrossAgentConfig.pointer_head`) that is the wrong distribution, and the head gets no gradient at all: a
3,000-step pretraining left its weights exactly as initialised. `route_fused_head_through_forward` keeps TRL's
interface (`FusedCausalLMOutput`, the same fields and loss normalisation) but computes it from the full
forward's log-distribution. The full logits are materialised, which TRL's tiles avoid; with the project's
3.7k-token vocabulary that costs little. Models without a pointer head keep TRL's kernel.
"""

from __future__ import annotations

import functools
import types

from trl.trainer.utils import FusedCausalLMOutput


def route_fused_head_through_forward(model, temperature: float = 1.0) -> bool:
    """Make `model(..., labels=L, fused_lm_head=True)` score with the model's own forward (see the module
    docstring); returns whether the model needed it (it has a pointer head)."""
    model = model.get_base_model() if hasattr(model, "get_base_model") else model
    if getattr(model, "pointer", None) is None:
        return False
    full_forward = type(model).forward

    @functools.wraps(full_forward)  # `generate` validates its kwargs against the signature
    def forward(
        self, *args, fused_lm_head=False, labels=None, shift_labels=None, num_items_in_batch=None, **kwargs
    ):
        if not fused_lm_head:
            return full_forward(self, *args, labels=labels, **kwargs)
        kwargs["use_cache"] = False
        logits = full_forward(self, *args, **kwargs).logits.float() / temperature
        if shift_labels is None:
            logits, labels = logits[:, :-1], labels[:, 1:]
        else:
            labels = shift_labels
        mask = labels != -100
        log_distribution = logits.log_softmax(-1)
        log_probs = log_distribution.gather(-1, labels.clamp(min=0)[..., None]).squeeze(-1) * mask
        entropy = -(log_distribution.exp() * log_distribution).sum(-1) * mask
        is_top1 = (log_distribution.argmax(-1) == labels) & mask
        count = mask.sum().clamp(min=1) if num_items_in_batch is None else num_items_in_batch
        return FusedCausalLMOutput(
            loss=-log_probs.sum() / count,
            log_probs=log_probs,
            entropy=entropy,
            is_top1=is_top1,
            label_mask=mask,
        )

    model.forward = types.MethodType(forward, model)
    return True
