"""The Env protocol and its backends (minesim, minerl, crafter), plus vectorised envs.

from crossagent.envs import make_env
env = make_env("crafter", frame_size=64)
"""

from crossagent.envs.base import BackendUnavailable, Env, UnknownBackendError, UnsupportedAction
from crossagent.envs.registry import BACKENDS, DEFAULT_BACKEND, check_backend, make_env

__all__ = [
    "BACKENDS", "DEFAULT_BACKEND", "BackendUnavailable", "Env", "UnknownBackendError", "UnsupportedAction",
    "check_backend", "make_env",
]  # fmt: skip
