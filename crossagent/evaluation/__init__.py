"""Evaluation: the success-rate metric, the resumable results file, the runner, reports.

The per-episode record, EpisodeResult, is crossagent.rollout.results (the rollout returns it).

success_rate.py  compute_success_rate: ASR overall / per category / ID vs OOD, Wilson intervals
results.py       ResultsStore: append-only JSONL results with resume and a suite fingerprint
runner.py        run_evaluation: an agent (crossagent.agents) over the task suite, resumable
parallel.py      the same episodes over worker processes
report.py        eval_info.json (LeRobot's shape), the paper's table, the model-index block
plots.py         PNG plots of the metrics (one agent's; several agents' ASR and action-space usage)
mtrl_curves.py   the multi-turn RL log (mtrl_log.json), checked, and its learning-curve plot
"""

from crossagent.evaluation.success_rate import compute_success_rate

__all__ = ["compute_success_rate"]
