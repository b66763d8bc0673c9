import pytest

from crossagent.datasets.build import build_mixed
from crossagent.datasets.config import MixedBuildConfig

TASKS = "mine_block:oak_log,kill_entity:cow,craft_item:paper"


def small_config(**overrides) -> MixedBuildConfig:
    """3 tasks x 2 episodes, one process: a few seconds."""
    settings = dict(tasks=TASKS, episodes_per_task=2, workers=1, num_codes=16, validation_fraction=0.2,
                    dense_raw_max_repeat=0)  # fmt: skip
    return MixedBuildConfig(**{**settings, **overrides})


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(folder, summary) of one small build shared by the dataset tests (read it, never modify it)."""
    folder = tmp_path_factory.mktemp("mixed") / "mixed"
    summary = build_mixed(small_config(), folder, progress=False)
    return folder, summary
