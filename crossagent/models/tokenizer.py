"""Build the project tokenizer offline with `tokenizers`: byte-level BPE on the project corpus.

Byte-level BPE decodes every string back exactly (action texts contain signs, commas and brackets), and
a small vocabulary (4096 by default) keeps the tiny model's embedding table small.
"""

from __future__ import annotations

import logging

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

from crossagent.models.corpus import corpus
from modeling_crossagent.action_spaces import NUM_LATENT_CODES, add_action_tokens, special_tokens
from modeling_crossagent.processing_crossagent import CHAT_TOKENS

logger = logging.getLogger(__name__)


def build_tokenizer(
    vocab_size: int = 4096, num_latent_codes: int = NUM_LATENT_CODES, seed: int = 0
) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE tokenizer on the corpus; chat and action tokens are special, padding is left."""
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    specials = list(CHAT_TOKENS) + special_tokens(num_latent_codes)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(corpus(seed=seed), trainer=trainer)
    logger.info("trained a BPE tokenizer with %d tokens", backend.get_vocab_size())
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token="<|pad|>",
        eos_token="<|end|>",
        padding_side="left",
        clean_up_tokenization_spaces=False,
        extra_special_tokens={"image_token": "<|image|>"},
    )
    add_action_tokens(tokenizer, num_latent_codes)  # already in the vocabulary: marks them special
    return tokenizer
