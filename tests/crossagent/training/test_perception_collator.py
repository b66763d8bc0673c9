"""Pretraining's dense target: each image token's label is the first token of the object its patch shows."""

import pytest
import torch

from crossagent.datasets.perception import OBJECT_GRID
from crossagent.datasets.perception_build import load_perception
from crossagent.training.perception_collator import (
    PerceptionCollator,
    patch_naming_accuracy,
    patch_objects,
    point_patch,
    pointer_accuracy,
)
from crossagent.training.sft_collator import ActionSFTCollator
from modeling_crossagent.action_spaces import ACTION_SPACES
from modeling_crossagent.modeling_crossagent import CrossAgentForActions
from modeling_crossagent.processing_crossagent import CrossAgentProcessor


def grid_of(fill: str, **cells: str) -> list[str]:
    """An OBJECT_GRID x OBJECT_GRID cell list of `fill`, with cells named 'r_c' replaced."""
    names = [fill] * OBJECT_GRID * OBJECT_GRID
    for key, name in cells.items():
        r, c = map(int, key[1:].split("_"))
        names[r * OBJECT_GRID + c] = name
    return names


def test_a_patch_is_labelled_with_the_rarest_object_it_shows():
    # One oak_log cell in the top-left patch, a patch of HUD (empty) cells, grass everywhere else.
    step = OBJECT_GRID // 4
    hud = {f"c{r}_{c}": "" for r in range(step * 3, step * 4) for c in range(step)}
    cells = grid_of("grass_block", c1_2="oak_log", c0_0="sky", c0_1="sky", **hud)
    names = patch_objects(cells, 4)
    assert names[0] == "oak_log"  # rarer than sky (2 cells) and grass, though it covers one cell of 16
    assert names[1] == "grass_block" and names[12] == ""
    assert patch_objects(cells, 1) == ["oak_log"]


def test_bad_cells_or_grids_are_refused():
    with pytest.raises(ValueError, match="cell_objects has 64 names"):
        patch_objects(["sky"] * 64, 4)
    with pytest.raises(ValueError, match="3x3 image tokens"):
        patch_objects(grid_of("sky"), 3)


@pytest.fixture(scope="module")
def processor(base_model_dir):
    return CrossAgentProcessor.from_pretrained(base_model_dir, trust_remote_code=True)


def test_world_rows_get_a_label_after_each_image_token_and_gui_rows_do_not(
    processor, perception_dir, base_model_dir
):
    world = [load_perception(perception_dir, "point", "train")[i] for i in range(2)]
    gui = [load_perception(perception_dir, "gui", "train")[0]]
    assert all(len(r["cell_objects"]) == OBJECT_GRID**2 for r in world) and gui[0]["cell_objects"] == []
    rows = world + gui
    dense = PerceptionCollator(processor, ACTION_SPACES)(rows)
    plain = ActionSFTCollator(processor, ACTION_SPACES)(rows)
    assert torch.equal(dense["input_ids"], plain["input_ids"])
    tokenizer = processor.tokenizer
    for i, row in enumerate(world):
        images = (dense["input_ids"][i] == processor.image_token_id).nonzero().flatten()
        expected = [
            tokenizer(n, add_special_tokens=False).input_ids[0] for n in patch_objects(row["cell_objects"], 4)
        ]
        assert dense["labels"][i, images + 1].tolist() == expected
        answer = plain["labels"][i] != -100
        assert torch.equal(dense["labels"][i, answer], plain["labels"][i, answer])  # the answer is untouched
    assert torch.equal(dense["labels"][2], plain["labels"][2])
    # The real model trains on both targets: more labelled tokens, a finite loss with gradients.
    model = CrossAgentForActions.from_pretrained(base_model_dir, trust_remote_code=True)
    assert (dense["labels"] != -100).sum() == (plain["labels"] != -100).sum() + 2 * 16
    loss = model(**dense).loss
    loss.backward()
    assert torch.isfinite(loss) and model.model.projector.linear_1.weight.grad.abs().sum() > 0


def test_patch_naming_accuracy_scores_every_patch_of_the_world_rows(
    processor, perception_dir, base_model_dir
):
    model = CrossAgentForActions.from_pretrained(base_model_dir, trust_remote_code=True)
    rows = list(load_perception(perception_dir, "point", "train").select(range(3)))
    rows += [load_perception(perception_dir, "gui", "train")[0]]  # no cell_objects: left out
    result = patch_naming_accuracy(model, processor, rows, batch_size=2)
    assert result["patches"] == 3 * 16
    assert 0 <= result["accuracy"] <= 1 and 1 / 16 <= result["majority_accuracy"] <= 1


def test_point_patch_splits_the_frame_row_major():
    assert point_patch([0, 0], 4) == 0 and point_patch([1000, 1000], 4) == 15
    assert point_patch([499, 0], 4) == 1 and point_patch([500, 0], 4) == 2 and point_patch([0, 250], 4) == 4


def test_pointer_targets_mark_the_outputs_that_write_the_point_and_its_patch(processor, perception_dir):
    point_rows = [r for r in load_perception(perception_dir, "point", "train") if r["answer_point"]][:2]
    rows = [
        *point_rows,
        load_perception(perception_dir, "identify", "train")[0],
    ]  # its point is in the question
    batch = PerceptionCollator(processor, ACTION_SPACES, dense_object_labels=False, point_attention=True)(
        rows
    )
    plain = ActionSFTCollator(processor, ACTION_SPACES)(rows)
    assert torch.equal(batch["labels"], plain["labels"])  # no dense labels asked for
    tokens = processor.tokenizer.convert_ids_to_tokens
    for i, row in enumerate(point_rows):
        x, y = row["answer_point"]
        written = batch["input_ids"][i, batch["pointer_queries"][i] + 1].tolist()
        assert tokens(written) == [str(x), str(y)]  # the outputs at `(` and `,` write x and y
        assert batch["pointer_patches"][i] == point_patch([x, y], 4)
    assert batch["pointer_queries"][2].tolist() == [-1, -1] and batch["pointer_patches"][2] == -1


def test_pointer_accuracy_scores_the_point_rows(processor, perception_dir, base_model_dir):
    model = CrossAgentForActions.from_pretrained(base_model_dir, trust_remote_code=True)
    rows = list(load_perception(perception_dir, "point", "train").select(range(4)))
    with_point = sum(bool(r["answer_point"]) for r in rows)
    before = model.config._attn_implementation
    result = pointer_accuracy(model, processor, rows, batch_size=3)
    assert model.config._attn_implementation == before  # scored in eager mode, handed back as it was
    assert result["points"] == with_point
    assert 0 <= result["accuracy"] <= 1 and 0 < result["mean_weight_on_answer_patch"] < 1


def test_pointer_accuracy_reads_a_pointer_heads_own_attention(processor, perception_dir):
    import dataclasses

    from crossagent.models.presets import build_config
    from crossagent.presets import get_preset

    spec = dataclasses.replace(get_preset("tiny").model, pointer_head=True)
    torch.manual_seed(0)
    model = CrossAgentForActions(build_config(spec, processor.tokenizer))
    rows = list(load_perception(perception_dir, "point", "train").select(range(4)))
    result = pointer_accuracy(model, processor, rows, batch_size=3)
    assert result["points"] == sum(bool(r["answer_point"]) for r in rows)
    # An untrained pointer spreads its weight over the frame's 16 image tokens: about 1/16 on each.
    assert abs(result["mean_weight_on_answer_patch"] - 1 / 16) < 0.02
    assert not model.pointer._forward_hooks  # the hook it added is gone
