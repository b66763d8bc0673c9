"""The batched agent-environment loop shared by evaluation, data building and RL.

loop.py      run_rollout: N worlds, one batched agent call per round, executors, accounting, crash retries
records.py   EpisodeSpec (what to play), DecisionRecord / RolloutHooks (per-decision and per-tick
             callbacks for data building and RL), EpisodeOutcome (per-episode accounting)
results.py   EpisodeResult (one finished episode: the results file's line) and its validation
tokens.py    generated-token counts (agent-reported, else tokenizer-free)
"""

from crossagent.rollout.loop import NO_OP_TEXT, RolloutConfig, default_env_factory, run_rollout
from crossagent.rollout.records import DecisionRecord, EpisodeOutcome, EpisodeSpec, RolloutHooks, episode_seed
from crossagent.rollout.results import EpisodeResult, validate_record, validate_records
from crossagent.rollout.tokens import count_text_tokens

__all__ = [
    "NO_OP_TEXT", "DecisionRecord", "EpisodeOutcome", "EpisodeResult", "EpisodeSpec", "RolloutConfig",
    "RolloutHooks", "count_text_tokens", "default_env_factory", "episode_seed", "run_rollout", "validate_record",
    "validate_records",
]  # fmt: skip
