"""--push_to_hub uploads the finished folder once, with its card already holding the final metrics.

The Hub cannot be reached from tests, so `HfApi` is replaced by a recorder that reads the folder at upload
time (what would be sent), and the offline switch is lifted for this one test.
"""

import pathlib
import typing

import huggingface_hub

from crossagent.training.sft import train_sft


class RecordingHub:
    uploads: typing.ClassVar[list] = []

    def create_repo(self, repo_id, private=None, exist_ok=False):
        assert exist_ok
        return huggingface_hub.RepoUrl(f"https://huggingface.co/{repo_id}")

    def upload_folder(self, repo_id, folder_path, ignore_patterns, commit_message):
        folder = pathlib.Path(folder_path)
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        RecordingHub.uploads.append(
            {"repo_id": repo_id, "files": files, "card": (folder / "README.md").read_text(),
             "ignore": ignore_patterns}
        )  # fmt: skip

        class Commit:
            commit_url = f"https://huggingface.co/{repo_id}/commit/0"

        return Commit()


def test_push_uploads_the_finished_folder_with_its_metrics(sft_config, monkeypatch):
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub, "HfApi", RecordingHub)
    RecordingHub.uploads = []
    summary = train_sft(sft_config(push_to_hub=True, hub_model_id="me/crossagent-tiny"))
    (upload,) = RecordingHub.uploads  # once, at the end: not at every checkpoint
    assert upload["repo_id"] == "me/crossagent-tiny"
    assert "model.safetensors" in upload["files"] and "sft_run.json" in upload["files"]
    assert "checkpoint-*" in upload["ignore"]
    assert (
        "Teacher-forced next-action accuracy" in upload["card"] and "Not computed yet" not in upload["card"]
    )
    assert f"{summary['metrics']['all']['exact']:.3f}" in upload["card"]
