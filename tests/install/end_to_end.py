"""The tiny end to end that tests/test_install.py runs with an installed wheel, from outside any checkout.

    python end_to_end.py WORKDIR     # builds a dataset, trains 2 SFT steps, evaluates 2 tasks, scores them

Prints one JSON line with what it checked. Everything it needs must come from the installed package:
card templates, the `evaluate` metric module, the model code copied into the saved folder.
"""

import json
import pathlib
import sys

import evaluate

import crossagent
from crossagent.datasets.build import build_mixed
from crossagent.datasets.config import preset_config
from crossagent.evaluation.runner import EvalConfig, run_evaluation
from crossagent.evaluation.success_rate import episode_columns, metric_module_path
from crossagent.rollout.results import EpisodeResult
from crossagent.training.sft import train_sft
from crossagent.training.sft_config import sft_arguments

work = pathlib.Path(sys.argv[1])
data = work / "data"
build_mixed(preset_config("tiny", tasks="mine_block:dirt", episodes_per_task=2, workers=1), data)
model = work / "model"
summary = train_sft(
    sft_arguments(
        "tiny", dataset_name=str(data), dataset_config="skill", output_dir=str(model), max_steps=2,
        per_device_train_batch_size=2, save_steps=2, logging_steps=1, max_eval_rows=4, disable_tqdm=True,
    )
)  # fmt: skip
tasks = ["mine_block:dirt", "craft_item:crafting_table"]
config = EvalConfig(tasks=tasks, episodes_per_task=1, num_envs=2, output_dir=work / "eval", progress=False)
paths = run_evaluation(str(model), config, agent_kwargs={"max_new_tokens": 6})
info = json.loads(pathlib.Path(paths["eval_info"]).read_text())
records = [
    EpisodeResult(**json.loads(line))
    for line in (work / "eval" / "results.jsonl").read_text().splitlines()[1:]
]
metric = evaluate.load(metric_module_path())
scored = metric.compute(**episode_columns(records))
print(
    json.dumps(
        {
            "package": crossagent.__file__,
            "global_step": summary["global_step"],
            "card": (model / "README.md").is_file(),
            "dataset_card": (data / "README.md").is_file(),
            "episodes": info["metrics"]["num_episodes"],
            "metric_episodes": scored["num_episodes"],
        }
    )
)
