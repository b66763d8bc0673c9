"""Hub-format training datasets built from the scripted expert (and imported from OpenHA).

    from crossagent.datasets.build import build_mixed
    from crossagent.datasets.config import MixedBuildConfig
    from crossagent.datasets.validate import load_mixed, validate_dataset

    folder = build_mixed(MixedBuildConfig(tasks="mine_block:*", episodes_per_task=2), "out/mixed")
    train = load_mixed(folder, "raw", split="train")

`crossagent.datasets.tasks` publishes the task suite itself as a Hub-format dataset folder.
Modules stay import-light (no re-exports here): importing one module loads only what it needs.
"""
