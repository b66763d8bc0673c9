"""The tiny model trains with the stack users will use: PEFT LoRA, TRL SFTTrainer and GRPOTrainer (CPU)."""

import numpy as np
import peft
import torch
import trl
from datasets import Dataset
from PIL import Image

from modeling_crossagent.modeling_crossagent import CrossAgentForActions

ACTIONS = ["<|skill|>mine oak_log", "<|motion|>move forward, jump", "<|raw|>move(12,-3) and click(left)"]


def images(n, seed=0):
    rng = np.random.default_rng(seed)
    return [Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)) for _ in range(n)]


def prompt(processor, instruction):
    return processor.build_messages(instruction, ["<|motion|>jump"], spaces=["raw", "motion", "skill"])


def trainer_args(config_class, tmp_path, **kwargs):
    return config_class(
        output_dir=str(tmp_path),
        max_steps=1,
        per_device_train_batch_size=2,
        learning_rate=1e-3,
        report_to=[],
        use_cpu=True,
        bf16=False,
        save_strategy="no",
        logging_steps=1,
        dataloader_num_workers=0,
        **kwargs,
    )


def changed(before, model):
    after = {k: v for k, v in model.named_parameters() if v.requires_grad}
    return [k for k in after if not torch.equal(before[k], after[k].detach())]


def test_lora_adapter_attaches_trains_and_round_trips(tiny, tmp_path):
    model, processor = tiny
    config = peft.LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], lora_dropout=0.0)
    lora = peft.get_peft_model(model, config)
    trainable = [n for n, p in lora.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in n for n in trainable)
    frames = np.random.default_rng(0).integers(0, 256, (2, 64, 64, 3), dtype=np.uint8)
    inputs = processor.prepare_act_inputs(frames, ["mine oak_log", "kill zombie"])
    before = {n: p.detach().clone() for n, p in lora.named_parameters() if p.requires_grad}
    optimizer = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad], lr=1e-2)
    lora.train()
    loss = lora(**inputs, labels=inputs["input_ids"].masked_fill(inputs["attention_mask"] == 0, -100)).loss
    loss.backward()
    optimizer.step()
    assert changed(before, lora)  # lora_B starts at zero and moved
    lora.eval()
    with torch.no_grad():
        expected = lora(**inputs).logits
    lora.save_pretrained(tmp_path / "adapter")
    assert (tmp_path / "adapter" / "adapter_model.safetensors").exists()
    fresh = CrossAgentForActions(model.config)
    fresh.load_state_dict(
        {
            k.replace(".base_layer", ""): v
            for k, v in lora.get_base_model().state_dict().items()
            if "lora_" not in k
        }
    )
    reloaded = peft.PeftModel.from_pretrained(fresh, tmp_path / "adapter").eval()
    with torch.no_grad():
        torch.testing.assert_close(reloaded(**inputs).logits, expected)


def test_one_trl_sft_step(tiny, tmp_path):
    model, processor = tiny
    dataset = Dataset.from_dict(
        {
            "prompt": [prompt(processor, i) for i in ("mine oak_log", "go forward", "attack")],
            "completion": [
                [{"role": "assistant", "content": [{"type": "text", "text": a}]}] for a in ACTIONS
            ],
            "images": [[im] for im in images(3)],
        }
    )
    args = trainer_args(trl.SFTConfig, tmp_path, max_length=None)
    before = {k: v.detach().clone() for k, v in model.named_parameters()}
    trainer = trl.SFTTrainer(model=model, args=args, train_dataset=dataset, processing_class=processor)
    result = trainer.train()
    assert np.isfinite(result.training_loss)
    moved = changed(before, model)
    assert any(k.startswith("model.vision_tower") for k in moved) and any(
        k.startswith("model.projector") for k in moved
    )


def test_one_trl_grpo_step_from_a_saved_folder(tiny, tmp_path):
    """TRL loads the model itself (AutoModelForCausalLM + trust_remote_code), as trainers/ scripts do."""
    model, processor = tiny
    folder = tmp_path / "model"
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    dataset = Dataset.from_dict(
        {
            "prompt": [prompt(processor, "mine oak_log"), prompt(processor, "kill zombie")],
            "image": images(2, seed=1),
        }
    )

    def reward_length(completions, **kwargs):  # varies between completions, so advantages are non-zero
        return [float(len(c[0]["content"])) for c in completions]

    args = trainer_args(
        trl.GRPOConfig,
        tmp_path / "run",
        num_generations=2,
        max_completion_length=6,
        generation_batch_size=2,
        model_init_kwargs={"trust_remote_code": True},
    )
    trainer = trl.GRPOTrainer(
        model=str(folder),
        reward_funcs=reward_length,
        args=args,
        train_dataset=dataset,
        processing_class=processor,
    )
    loaded = trainer.model
    assert type(loaded).__name__ == "CrossAgentForActions"
    before = {k: v.detach().clone() for k, v in loaded.named_parameters()}
    vision_calls = []
    loaded.model.vision_tower.register_forward_hook(lambda *_: vision_calls.append(1))
    trainer.train()
    assert changed(before, loaded)
    assert len(vision_calls) >= 2  # the frames reached the model in generation and in the loss
    assert loaded.generation_config.suppress_tokens == [loaded.config.image_token_id]
