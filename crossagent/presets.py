"""The one table of presets: each name sets the model, its data, its SFT run and what the main job does.

    from crossagent.presets import get_preset
    preset = get_preset("tiny")
    preset.model.image_size            # 64: the vision tower's input side (and the data's frame size)
    preset.data                        # MixedBuildConfig fields of the preset's mixed-action dataset
    preset.sft                         # SFT argument defaults of any SFT run of the preset (TRL names)
    preset.job                         # JobPlan fields: what `crossagent pipeline --preset NAME` trains
    preset.pretrain                    # perception data and pretraining of the base model SFT starts from

The values are plain data so that every layer can read them: the model builder
(`crossagent.models.presets`), the dataset builder (`crossagent.datasets.config`), SFT
(`crossagent.training.sft_config`) and the main job (`crossagent.pipeline.config`) each turn their part
into their own checked config, and a test builds every part of every preset.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelSize:
    """Sizes of one CrossAgent model (SigLIP vision tower + Llama decoder)."""

    image_size: int
    """Side of the square frame the vision tower sees (MineSim frames are rendered at this size)."""
    patch_size: int
    """Vision patch side; image tokens per frame = (image_size // patch_size) ** 2."""
    vision: dict = field(default_factory=dict)
    """SiglipVisionConfig fields (width, depth, heads)."""
    text: dict = field(default_factory=dict)
    """LlamaConfig fields (width, depth, heads)."""
    history_length: int = 4
    """Previous actions shown in the prompt of a freshly built model (SFT may change it)."""
    image_position_embedding: str = "none"
    """`sincos2d`: each image token carries the 2-D sin-cos code of its patch centre (CrossAgentConfig)."""
    numeral_code_init: bool = False
    """Initialise the embedding (and tied output row) of each numeral token 0..1000 with the sin-cos code of
    its value, so that near numbers start near each other (`crossagent.models.presets`)."""
    pointer_head: bool = False
    """Write coordinate numerals by pointing at image tokens (`CrossAgentConfig.pointer_head`)."""
    pointer_mixture: str = "gate"
    """With `pointer_head`: `gate` or `grammar` (`CrossAgentConfig.pointer_mixture`)."""


@dataclass(frozen=True)
class Preset:
    """Everything one preset name decides."""

    name: str
    """The name users type (`--preset tiny`, `--config tiny`)."""
    hardware: str
    """What the preset is sized for, in words."""
    model: ModelSize
    """The model's sizes."""
    data: dict = field(default_factory=dict)
    """`MixedBuildConfig` fields of the preset's mixed-action dataset (the frame size comes from `model`)."""
    sft: dict = field(default_factory=dict)
    """SFT argument defaults of every run of the preset (`trainers/sft.py --preset NAME`): fields of
    `SFTScriptArguments`, `CrossAgentSFTConfig` (TRL's `SFTConfig`) or TRL's `ModelConfig`."""
    strl: dict = field(default_factory=dict)
    """Single-turn RL defaults of every run of the preset (`trainers/strl.py --preset NAME`): fields of
    `STRLScriptArguments` or `CrossAgentSTRLConfig` (TRL's `GRPOConfig`)."""
    mtrl: dict = field(default_factory=dict)
    """Multi-turn RL defaults of every run of the preset (`trainers/mtrl.py --preset NAME`): fields of
    `MTRLScriptArguments` or `CrossAgentMTRLConfig` (TRL's `GRPOConfig`)."""
    job: dict = field(default_factory=dict)
    """`JobPlan` fields: what the main job trains and evaluates, on top of `sft` (`crossagent pipeline`)."""
    crafter: dict = field(default_factory=dict)
    """`CrafterPlan` fields: the main job on Crafter (`crossagent pipeline --env crafter`)."""
    pretrain: dict = field(default_factory=dict)
    """Perception pretraining of the base model every SFT starts from: `data` (`PerceptionBuildConfig`
    fields of its dataset) and `train` (argument defaults of `trainers/pretrain.py`: fields of
    `PretrainScriptArguments`, `CrossAgentSFTConfig` or TRL's `ModelConfig`)."""


PAPER_MODELS: dict[str, str] = {
    "crossagent": "mixed",
    "raw": "raw",
    "motion": "motion",
    "grounding": "grounding",
}
"""CrossAgent and the paper's single-space baselines (RawHA, MotionHA, GroundHA), by name -> spaces."""

MTRL_MODELS: dict[str, str] = {
    "grounding-rl": "grounding",
    "crossagent-mtrl": "crossagent-cs2",
    "raw-rl": "raw",
    "motion-rl": "motion",
}
"""Multi-turn RL runs of the main job, name -> start model: CrossAgent from M_cs2 (relabel SFT) and the
paper's RL baselines (RawHA-RL, MotionHA-RL, GroundHA-RL) from their SFT models. The runs start in this
order, `mtrl_parallel` at a time, so the dearest goes first: GroundHA-RL's 60 steps took ~1,900 s on
shared cores, as long as the other three together (CrossAgent ~600, raw ~420, motion ~320), and with it
last the stage waited for it alone. The report orders agents by their SFT model, not by this dict."""

# Pointing switches on (docs/perception.md, "Model variants, measured"): with them the pretrained base
# located 23% of targets against 17% without, and raised the grounding baseline's in-domain success from
# 17.5% to 28.7% after SFT; without a pretrained base they change nothing measurable.
_TINY_MODEL = ModelSize(
    image_size=64,
    patch_size=16,
    image_position_embedding="sincos2d",
    numeral_code_init=True,
    vision=dict(hidden_size=96, intermediate_size=192, num_hidden_layers=2, num_attention_heads=2),
    text=dict(
        hidden_size=192,
        intermediate_size=512,
        num_hidden_layers=4,
        num_attention_heads=4,
        num_key_value_heads=2,
    ),
)
_SMALL_MODEL = ModelSize(
    image_size=128,
    patch_size=16,
    vision=dict(hidden_size=384, intermediate_size=1536, num_hidden_layers=6, num_attention_heads=6),
    text=dict(
        hidden_size=768,
        intermediate_size=2048,
        num_hidden_layers=12,
        num_attention_heads=12,
        num_key_value_heads=4,
    ),
)

PRESETS: dict[str, Preset] = {
    "tiny": Preset(
        name="tiny",
        hardware="a 2-core CPU; the main job took 111 min with 12 MTRL steps per run (docs/main-job.md)",
        model=_TINY_MODEL,
        # Every in_domain and ood_seen task (591): 6 episodes per RL task, 100 per category shared by the
        # ood_seen tasks (every craft target once): ~945 episodes, ~39k `mixed` rows, ~24k dense `raw` rows.
        data=dict(episodes_per_task=6, category_episodes=100, image_size=_TINY_MODEL.image_size),
        sft=dict(
            per_device_train_batch_size=8,
            learning_rate=1e-3,
            warmup_steps=10,
            save_steps=100,
            dataloader_num_workers=0,
        ),
        # 8 answers per decision state, 2 states per step; measured in docs/strl.md. The warm-up samples
        # 8 answers on 512 states (~8% equivalent: ~300 rows) and trains 60 steps on them (~1.5 epochs: on
        # 256 states x 4 answers, 74 rows, 60 steps = 6 epochs collapsed the model onto a few texts).
        strl=dict(
            per_device_train_batch_size=16,
            num_generations=8,
            # 5x the config's default: at 1e-5 a from-scratch 2.6M model moves too little in 120 steps.
            learning_rate=5e-5,
            max_steps=120,
            save_steps=40,
            max_train_rows=2048,
            warmup_samples=8,
            warmup_rows=512,
            warmup_max_steps=60,
            warmup_learning_rate=1e-4,
            dataloader_num_workers=0,
        ),
        # 4 episodes per (task, world) group, 4 groups per step (16 episodes: ~1,300 model calls), 8 turns
        # per episode trained on; 8 worlds per task (240 rows: one pass every 15 steps). 60 steps: after 12
        # CrossAgent's greedy play was unchanged (12.9% in domain over 8 episodes per task, as its start
        # M_cs2), after 60 it was 23.8%; 2e-4 instead of 5e-5 gave 19.2% (docs/mtrl.md, Results).
        mtrl=dict(
            num_generations=4,
            per_device_train_batch_size=16,
            # STRL's rate for the same model (5x the config's default: 12 steps at 1e-5 barely move it).
            learning_rate=5e-5,
            max_steps=60,
            save_steps=1,
            turns_per_episode=8,
            worlds_per_task=8,
            token_penalty=0.2,
            token_scale=1000.0,
            rollout_num_envs=64,
            dataloader_num_workers=0,
        ),
        job=dict(
            sft_models=PAPER_MODELS,
            # Every SFT starts from the perception-pretrained base (docs/perception.md, "Does the base help
            # SFT?"): in domain, over 8 episodes per task, the grounding baseline 28.7% against 17.5% from
            # scratch; CrossAgent 20.0% against 16.7%, motion 12.9% against 9.2%, raw 16.7% against 14.2%
            # (within noise each, all four higher).
            pretrain=True,
            # Same optimizer budget per baseline: 1,000 steps of 8 rows (0.9 epoch of a decision-point config
            # of the broad data, 0.4 of the dense raw one); CrossAgent's mixed config has a row per space per
            # decision, so 2,400 steps give it 0.55 epoch. (The 30-task data of the previous release took
            # 540 and 1,290 steps: 3.4 and 1.5 epochs.)
            # No previous actions in the prompt (history_length=0). With the last 4 shown, the raw baseline
            # learned to repeat its last action (one row per tick: mostly repeats) and solved 2 of 20 mine/kill
            # train tasks, without them 6; CrossAgent, motion and grounding solved 13, 7 and 8 of 20 without
            # against 13, 6 and 10 with, and evaluation is ~2x faster (prompts half as long).
            sft_overrides=dict(max_steps=1000, save_steps=200, logging_steps=20, history_length=0),
            sft_model_overrides={"crossagent": dict(max_steps=2400)},
            sft_parallel=2,
            # Single-turn RL from CrossAgent's SFT model, then D_strl and the SFT on it (M_cs2): every decision
            # state relabelled (~6,500 train states -> ~2,150 verified rows; 6.3 min on shared cores), and
            # M_cs2 continued from M_mix for 540 steps of 8 rows, not re-initialised from the base. Measured
            # by hand on the 2026-12-03 job's models (docs/mtrl.md, one episode per task, ID / paper-OOD):
            # from the base on 2,048 states 56.7 / 5.9, on every state 60.0 / 7.4, from M_mix on every state
            # 63.3 / 11.2 (MTRL from it 66.7 / 10.5); M_mix itself 26.7 / 8.8.
            strl_from="crossagent",
            relabel_k=4,
            relabel_max_rows=None,
            relabel_sft_from="sft",
            relabel_sft_overrides=dict(max_steps=540),
            # Multi-turn RL: CrossAgent from M_cs2 (the paper's start), each RL baseline from its SFT model,
            # two runs at once (one torch thread each). The ablation (--ablation) starts from M_mix.
            mtrl_models=MTRL_MODELS,
            mtrl_parallel=2,
            mtrl_ablation={"crossagent-mtrl-from-sft": "crossagent"},
            eval_episodes_per_task=1,
            eval_num_envs=64,
            eval_workers=2,
            eval_max_new_tokens=24,
            target_minutes=120,
        ),
        # Crafter: 10 score episodes of Crafter's own protocol per agent; 4 scripted episodes per
        # in_domain/ood_seen achievement (300 steps) for the data; 300 SFT steps on it.
        crafter=dict(score_episodes=10, data_episodes_per_task=4, sft_max_steps=300),
        # 13,885 train rows (30 s to build on the idle machine). 3,000 steps of 16 rows (3.5 epochs): the base
        # that helped every SFT (docs/perception.md); after 1,000 steps it hit 14% of point targets, not 22%. On the job's two
        # torch threads a step takes ~0.22 s: ~11 min, inside the stage's 15-minute budget.
        pretrain=dict(
            data=dict(train_scenes=1500, test_scenes=150, image_size=_TINY_MODEL.image_size),
            train=dict(
                per_device_train_batch_size=16,
                learning_rate=1e-3,
                warmup_steps=50,
                max_steps=3000,
                save_steps=500,
                logging_steps=50,
                dataloader_num_workers=0,
            ),
        ),
    ),
    "small": Preset(
        name="small",
        hardware="one GPU (H100/H200 class)",
        model=_SMALL_MODEL,
        # Every in_domain and ood_seen task, 40 episodes per RL task, 1,500 per category (capped at 40 per
        # task: kill 1,040, smelt 1,200, interact 320): ~6,800 episodes, ~270k `mixed` rows (estimated
        # from the tiny build's rows per episode in each category: craft 46, kill 55, smelt 55, mine 17).
        data=dict(episodes_per_task=40, category_episodes=1500, image_size=_SMALL_MODEL.image_size),
        sft=dict(
            per_device_train_batch_size=32,
            learning_rate=3e-4,
            warmup_steps=100,
            weight_decay=0.01,
            save_steps=500,
            dataloader_num_workers=4,
            max_eval_rows=2048,
        ),
        strl=dict(
            per_device_train_batch_size=64,
            num_generations=8,
            learning_rate=5e-6,
            max_steps=1000,
            save_steps=200,
            warmup_samples=8,
            warmup_rows=4096,
            warmup_max_steps=500,
            warmup_learning_rate=3e-5,
            dataloader_num_workers=2,
        ),
        mtrl=dict(
            num_generations=8,
            per_device_train_batch_size=64,
            learning_rate=2e-6,
            max_steps=200,
            save_steps=1,
            turns_per_episode=16,
            worlds_per_task=32,
            token_penalty=0.2,
            token_scale=1000.0,
            rollout_num_envs=128,
            dataloader_num_workers=2,
        ),
        job=dict(
            pretrain=True,
            sft_models=PAPER_MODELS,
            sft_overrides=dict(num_train_epochs=3.0),
            sft_parallel=1,
            strl_from="crossagent",
            mtrl_models=MTRL_MODELS,
            mtrl_ablation={"crossagent-mtrl-from-sft": "crossagent"},
            eval_episodes_per_task=8,
            eval_num_envs=128,
            eval_workers=2,
        ),
        pretrain=dict(
            data=dict(train_scenes=30000, test_scenes=500, image_size=_SMALL_MODEL.image_size, workers=8),
            train=dict(
                per_device_train_batch_size=32,
                learning_rate=3e-4,
                warmup_steps=200,
                num_train_epochs=2.0,
                save_steps=1000,
                dataloader_num_workers=4,
            ),
        ),
    ),
}
"""Every preset; measured sizes and times are in the README."""

PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)


def get_preset(name: str) -> Preset:
    """The preset called `name`; a clear error naming the choices otherwise."""
    if name not in PRESETS:
        raise ValueError(f"preset={name!r} is unknown; choose one of {', '.join(PRESET_NAMES)}")
    return PRESETS[name]
