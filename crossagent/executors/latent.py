"""The latent codebook (k-means over fixed-length chunks of raw ticks) and the executor that replays a code.

A chunk is `chunk_length` consecutive raw ticks; a tick is a vector of the MineRL buttons (0/1) and the
camera (pitch, yaw) divided by `camera_scale` degrees, so a 10° turn weighs like one button. Codes are
cluster centres; decoding thresholds the buttons at 0.5 and rounds the camera to mouse units.
Saved as safetensors: tensor `centroids` (codes, chunk_length, features) and metadata, as CODEBOOK_FILE
in the dataset folder and, by SFT, in every model folder that may answer in latent (`model_codebook`
loads it there for the rollout's latent executor).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass

import numpy as np
from safetensors.numpy import load_file, save_file

from crossagent.executors.base import EnvAction, InvalidAction, PlannedExecutor
from crossagent.executors.raw import env_to_raw, raw_to_env
from crossagent.files import atomic_path
from modeling_crossagent.action_spaces import (
    BUTTONS,
    CAMERA_DEGREES_PER_UNIT,
    MAX_MOUSE,
    LatentAction,
    RawAction,
)

logger = logging.getLogger(__name__)
_WARNED: set[str] = set()

CODEBOOK_FILE = "latent_codebook.safetensors"
"""The codebook's file name in a dataset folder and in a model folder."""
CAMERA_SCALE = 10.0
"""Degrees of camera per feature unit."""
TICK_FEATURES = len(BUTTONS) + 2


def tick_vector(tick: RawAction | EnvAction, camera_scale: float = CAMERA_SCALE) -> np.ndarray:
    """One tick as a feature vector: BUTTONS as 0/1, then pitch and yaw in units of `camera_scale` degrees."""
    raw = tick if isinstance(tick, RawAction) else env_to_raw(tick)
    vector = np.zeros(TICK_FEATURES, dtype=np.float32)
    vector[: len(BUTTONS)] = [b in raw.buttons for b in BUTTONS]
    vector[len(BUTTONS) :] = np.asarray(raw.camera, dtype=np.float32) / camera_scale
    return vector


def episode_chunks(
    episodes, chunk_length: int, stride: int | None = None, camera_scale: float = CAMERA_SCALE
) -> np.ndarray:
    """All chunks of `chunk_length` ticks (every `stride` ticks, default chunk_length) of the episodes."""
    stride = stride or chunk_length
    out = []
    for episode in episodes:
        vectors = np.stack([tick_vector(t, camera_scale) for t in episode]) if len(episode) else None
        for begin in range(0, len(episode) - chunk_length + 1, stride):
            out.append(vectors[begin : begin + chunk_length])
    if not out:
        raise ValueError(f"episodes: no episode has {chunk_length} ticks; shorten chunk_length")
    return np.stack(out)


def _kmeans(x: np.ndarray, k: int, iterations: int, rng: np.random.Generator) -> np.ndarray:
    """Lloyd's k-means with k-means++ seeding; empty clusters are re-seeded at the worst-fit point."""
    centres = [x[rng.integers(len(x))]]
    d2 = ((x - centres[0]) ** 2).sum(1)
    for _ in range(1, k):
        centres.append(x[rng.choice(len(x), p=d2 / d2.sum())] if d2.sum() > 0 else x[rng.integers(len(x))])
        d2 = np.minimum(d2, ((x - centres[-1]) ** 2).sum(1))
    c = np.stack(centres)
    for _ in range(iterations):
        dist = (x**2).sum(1)[:, None] - 2 * x @ c.T + (c**2).sum(1)[None]
        labels = dist.argmin(1)
        new = np.stack([x[labels == j].mean(0) if (labels == j).any() else c[j] for j in range(k)])
        for j in np.flatnonzero(np.bincount(labels, minlength=k) == 0):
            new[j] = x[dist.min(1).argmax()]
        if np.allclose(new, c):
            break
        c = new
    return c


@dataclass
class LatentCodebook:
    """Cluster centres of raw-tick chunks; `<|latent_k|>` replays the chunk of centre k."""

    centroids: np.ndarray
    """(num_codes, chunk_length, TICK_FEATURES) float32."""
    camera_scale: float = CAMERA_SCALE
    """Degrees of camera per feature unit (see `tick_vector`)."""

    def __post_init__(self):
        self.centroids = np.asarray(self.centroids, dtype=np.float32)
        if self.centroids.ndim != 3 or self.centroids.shape[2] != TICK_FEATURES:
            raise ValueError(
                f"centroids: expected (codes, chunk_length, {TICK_FEATURES}), got {self.centroids.shape}"
            )

    @property
    def num_codes(self) -> int:
        return self.centroids.shape[0]

    @property
    def chunk_length(self) -> int:
        return self.centroids.shape[1]

    @classmethod
    def fit(
        cls,
        chunks: np.ndarray,
        num_codes: int,
        iterations: int = 100,
        seed: int = 0,
        camera_scale=CAMERA_SCALE,
    ) -> LatentCodebook:
        """k-means over chunks (N, chunk_length, TICK_FEATURES), e.g. from `episode_chunks`."""
        chunks = np.asarray(chunks, dtype=np.float32)
        flat = chunks.reshape(len(chunks), -1)
        distinct = len(np.unique(flat, axis=0))
        if distinct < num_codes:
            raise ValueError(
                f"num_codes: {num_codes} codes but only {distinct} distinct chunks; lower num_codes"
            )
        centres = _kmeans(flat, num_codes, iterations, np.random.default_rng(seed))
        logger.info(
            "latent codebook: %d codes from %d chunks of %d ticks", num_codes, len(chunks), chunks.shape[1]
        )
        return cls(centres.reshape(num_codes, *chunks.shape[1:]), camera_scale)

    def encode(self, chunks: np.ndarray) -> np.ndarray:
        """The nearest code of each chunk: (N, chunk_length, F) -> (N,) int64 (one chunk -> shape ())."""
        chunks = np.asarray(chunks, dtype=np.float32)
        flat = chunks.reshape(-1, self.chunk_length * TICK_FEATURES)
        c = self.centroids.reshape(self.num_codes, -1)
        codes = ((flat[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
        return codes[0] if chunks.ndim == 2 else codes

    def decode(self, index: int) -> list[RawAction]:
        """The raw ticks that code `index` replays."""
        if not 0 <= index < self.num_codes:
            raise InvalidAction(f"latent index {index}: this codebook has codes 0..{self.num_codes - 1}")
        ticks = []
        for vector in self.centroids[index]:
            buttons = frozenset(b for b, v in zip(BUTTONS, vector) if v > 0.5)
            pitch, yaw = (
                float(v) * self.camera_scale / CAMERA_DEGREES_PER_UNIT for v in vector[len(BUTTONS) :]
            )
            dx, dy = (int(np.clip(round(u), -MAX_MOUSE, MAX_MOUSE)) for u in (yaw, pitch))
            ticks.append(RawAction(buttons, dx, dy))
        return ticks

    def save(self, path: str | os.PathLike) -> None:
        """Write safetensors (to a temporary file, then moved into place)."""
        metadata = {
            "chunk_length": str(self.chunk_length),
            "camera_scale": repr(self.camera_scale),
            "buttons": json.dumps(list(BUTTONS)),
        }
        with atomic_path(path) as tmp:
            save_file({"centroids": self.centroids}, str(tmp), metadata=metadata)

    @classmethod
    def load(cls, path: str | os.PathLike) -> LatentCodebook:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as f:
            metadata = f.metadata() or {}
        if json.loads(metadata.get("buttons", "[]")) != list(BUTTONS):
            raise ValueError(
                f"{path}: its button layout differs from this version's BUTTONS; refit the codebook"
            )
        book = cls(load_file(str(path))["centroids"], float(metadata["camera_scale"]))
        if book.chunk_length != int(metadata["chunk_length"]):
            raise ValueError(f"{path}: metadata chunk_length disagrees with the centroids' shape")
        return book


class LatentExecutor(PlannedExecutor):
    """Replays the chunk of a latent code, open loop, for exactly `chunk_length` ticks.

    Competence bound: as good as the average chunk the code stands for; it never looks at the observation.
    """

    space = "latent"

    def __init__(self, codebook: LatentCodebook):
        super().__init__(max_ticks=codebook.chunk_length)
        self.codebook = codebook

    def plan(self, action: LatentAction) -> list[EnvAction]:
        return [raw_to_env(t) for t in self.codebook.decode(action.index)]


def model_codebook(folder: str | os.PathLike, spaces=None) -> LatentCodebook | None:
    """The codebook saved in a model folder, or None; then, if the model may answer in latent (`spaces`,
    else the `dataset_config` of the folder's sft_config.yaml, else every space), warns once per folder
    that its latent answers will be invalid."""
    path = os.path.join(folder, CODEBOOK_FILE)
    if os.path.isfile(path):
        return LatentCodebook.load(path)
    if "latent" in (spaces or trained_spaces(folder)) and str(folder) not in _WARNED:
        _WARNED.add(str(folder))
        logger.warning(
            "%s has no %s: the model's latent answers will be counted invalid (retrain with a dataset "
            "that has a codebook, or copy the dataset's codebook into the folder)",
            folder, CODEBOOK_FILE,
        )  # fmt: skip
    return None


def trained_spaces(folder: str | os.PathLike) -> tuple[str, ...]:
    """The action spaces a saved model was trained to answer in (and its prompts named): the
    `action_spaces` of its multi-turn RL run (`mtrl_config.yaml`), else the `dataset_config` of its SFT
    run (`sft_config.yaml`: `mixed` or one space), else all five."""
    import yaml

    from modeling_crossagent.action_spaces import ACTION_SPACES

    for name, key in (("mtrl_config.yaml", "action_spaces"), ("sft_config.yaml", "dataset_config")):
        try:
            with open(os.path.join(folder, name)) as handle:
                trained = (yaml.safe_load(handle) or {}).get(key)
        except (OSError, yaml.YAMLError, AttributeError):
            continue
        spaces = tuple(s.strip() for s in str(trained or "").split(",") if s.strip())
        if spaces and all(s in ACTION_SPACES for s in spaces):
            return spaces
        if trained:
            return ACTION_SPACES
    return ACTION_SPACES
