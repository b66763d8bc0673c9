"""Publish a dataset folder to the Hub as it is (shards, card, codebook, settings), with huggingface_hub."""

from __future__ import annotations

import logging
import pathlib

logger = logging.getLogger(__name__)


def push_folder(folder: str | pathlib.Path, repo_id: str, private: bool = False) -> str:
    """Upload `folder` to the dataset repo `repo_id` (created if needed); returns the repo URL.

    Needs a token (`hf auth login` or HF_TOKEN). The folder is validated first so nothing broken is published.
    """
    from huggingface_hub import HfApi, get_token

    from crossagent.datasets.validate import validate_dataset

    if get_token() is None:
        raise RuntimeError(
            f"--push-to-hub {repo_id}: no Hugging Face token; run `hf auth login` or set HF_TOKEN"
        )
    validate_dataset(folder)
    api = HfApi()
    url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="dataset",
                      commit_message="Upload the CrossAgent mixed-action dataset")  # fmt: skip
    logger.info("published %s to %s", folder, url)
    return str(url)
