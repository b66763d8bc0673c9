"""Wrapping a tiny random Qwen2-VL, built locally (never downloaded), keeps its weights and computations."""

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast, Qwen2VLConfig, Qwen2VLForConditionalGeneration
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

from crossagent.models.wrap import QWEN2_VL_IMAGE_MEAN, QWEN2_VL_IMAGE_STD, wrap_qwen2_vl
from modeling_crossagent.modeling_crossagent import CrossAgentForActions


@pytest.fixture(scope="module")
def qwen():
    # Stands in for Qwen's tokenizer: a byte-level BPE without any of our chat or action tokens.
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    backend.train_from_iterator(
        ["mine oak_log", "move(3,-2) and press(w)", "kill zombie"] * 20, trainer=trainer
    )
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend)
    vocab = len(tokenizer) + 3
    config = Qwen2VLConfig(
        vision_config=dict(
            depth=2, embed_dim=32, num_heads=2, hidden_size=64, patch_size=14, spatial_merge_size=2
        ),
        text_config=dict(
            vocab_size=vocab,
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=1,
            bos_token_id=None,
            eos_token_id=None,
            rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [4, 6, 6]},
        ),
        image_token_id=vocab - 1,
        video_token_id=vocab - 2,
        vision_start_token_id=vocab - 3,
        bos_token_id=None,
        eos_token_id=None,
    )
    torch.manual_seed(0)
    vlm = Qwen2VLForConditionalGeneration(config).eval()
    return vlm, tokenizer


def test_wrapped_qwen2_vl_matches_the_original(qwen, tmp_path):
    vlm, tokenizer = qwen
    text_ids = tokenizer(["mine oak_log and move(3,-2)"], return_tensors="pt")["input_ids"]
    with torch.no_grad():
        reference_logits = vlm(input_ids=text_ids).logits
    model, processor = wrap_qwen2_vl(vlm, tokenizer, image_size=56)
    model.eval()
    assert model.config.projector_type == "identity" and model.config.image_seq_length == 4
    assert model.config.text_config.vocab_size == len(processor.tokenizer) > vlm.config.text_config.vocab_size

    with torch.no_grad():  # text-only: same weights, same (1-D = M-RoPE for text) positions, same logits
        logits = model(input_ids=text_ids).logits
        torch.testing.assert_close(logits[..., : reference_logits.shape[-1]], reference_logits)

        frame = np.random.default_rng(0).integers(0, 256, (56, 56, 3), dtype=np.uint8)
        qwen_proc = Qwen2VLImageProcessorPil(image_mean=QWEN2_VL_IMAGE_MEAN, image_std=QWEN2_VL_IMAGE_STD)
        qwen_inputs = qwen_proc([frame], return_tensors="pt")
        qwen_features = vlm.model.get_image_features(
            qwen_inputs["pixel_values"], qwen_inputs["image_grid_thw"]
        ).pooler_output
        ours = model.model.get_image_features(
            processor.image_processor([frame], return_tensors="pt")["pixel_values"]
        )
        torch.testing.assert_close(ours.reshape(-1, ours.shape[-1]), torch.cat(list(qwen_features)))

    actions = model.act(processor, [frame], ["mine oak_log"], max_new_tokens=4)
    assert len(actions) == 1
    model.save_pretrained(tmp_path)
    processor.save_pretrained(tmp_path)
    inputs = processor.prepare_act_inputs([frame], ["mine oak_log"])
    with torch.no_grad():
        torch.testing.assert_close(
            CrossAgentForActions.from_pretrained(tmp_path)(**inputs).logits, model(**inputs).logits
        )


def test_wrap_rejects_a_frame_size_off_the_patch_grid(qwen):
    vlm, tokenizer = qwen
    with pytest.raises(ValueError, match="multiple of patch_size"):
        wrap_qwen2_vl(vlm, tokenizer, image_size=50)
