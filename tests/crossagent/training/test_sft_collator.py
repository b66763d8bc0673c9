import pytest
import torch
from datasets import load_dataset

from crossagent.training.sft_collator import ActionSFTCollator, frame_array
from modeling_crossagent.action_spaces import ACTION_SPACES
from modeling_crossagent.processing_crossagent import CrossAgentProcessor


@pytest.fixture(scope="module")
def processor(base_model_dir):
    return CrossAgentProcessor.from_pretrained(base_model_dir, trust_remote_code=True)


@pytest.fixture(scope="module")
def rows(dataset_dir):
    train = load_dataset(str(dataset_dir), "mixed", split="train")
    return [train[i] for i in range(6, 12)]  # second step of an episode: histories are not empty


def test_loss_only_on_action_tokens(processor, rows):
    batch = ActionSFTCollator(processor, ACTION_SPACES)(rows)
    tokenizer = processor.tokenizer
    assert batch["pixel_values"].shape == (len(rows), 3, 64, 64)
    for row, ids, labels, mask in zip(rows, batch["input_ids"], batch["labels"], batch["attention_mask"]):
        trained = labels != -100
        assert tokenizer.decode(ids[trained]) == row["action"] + tokenizer.eos_token
        assert torch.equal(labels[trained], ids[trained])
        # Flushed left: real tokens first, then padding; the action is the last real span.
        length = int(mask.sum())
        assert mask[:length].all() and not mask[length:].any()
        assert trained[:length].nonzero().max() == length - 1
        assert (ids == processor.image_token_id).sum() == processor.image_seq_length


def test_prompt_is_the_inference_prompt(processor, rows):
    """Training prompts are token for token what model.act() sends (the same spaces named)."""
    collator = ActionSFTCollator(processor, ("grounding",))
    batch = collator(rows)
    for index, row in enumerate(rows):
        act = processor.prepare_act_inputs(
            [frame_array(row["image"])], [row["instruction"]], [row["history"]], spaces=["grounding"]
        )
        prompt_length = act["input_ids"].shape[1]
        assert torch.equal(batch["input_ids"][index, :prompt_length], act["input_ids"][0])
        assert torch.equal(batch["pixel_values"][index], act["pixel_values"][0])
    text = collator.prompts(rows[:1])[0]
    assert "Act in one of:<|grounding|><|end|>" in text and "<|raw|>" not in text  # only its own space


def test_frame_array_rejects_float_pixels():
    with pytest.raises(ValueError, match="uint8"):
        frame_array([[[0.5, 0.5, 0.5]]])
