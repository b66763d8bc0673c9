"""`make_env(name, ...)`: a world of any backend by name, with a clear error for an unknown name or a
missing optional install.

    env = make_env("minesim", frame_size=128)
    env = make_env("crafter", frame_size=64)          # pip install "crossagent[crafter]"
    env = make_env("minerl")                          # MineRL 1.0.x + Java 8, see docs/backends.md
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crossagent.envs.base import BackendUnavailable, UnknownBackendError

DEFAULT_BACKEND = "minesim"


@dataclass(frozen=True)
class Backend:
    """One backend: how to build its env and what it needs installed."""

    name: str
    build: Callable[..., Any]
    """`build(frame_size=..., **kwargs)` -> an Env."""
    requires: str | None = None
    """The import name of the optional dependency (None: always available)."""
    install: str = ""
    """What a user runs to get `requires`."""


def _minesim(frame_size: int = 128, **kwargs):
    from crossagent.envs.minesim_env import MineSimEnv

    return MineSimEnv(width=frame_size, height=frame_size, **kwargs)


def _minerl(frame_size: int = 128, **kwargs):
    from crossagent.envs.minerl_env import MineRLEnv

    return MineRLEnv(frame_size=frame_size, **kwargs)


def _crafter(frame_size: int = 64, **kwargs):
    from crossagent.envs.crafter_env import CrafterEnv

    return CrafterEnv(frame_size=frame_size, **kwargs)


BACKENDS: dict[str, Backend] = {
    "minesim": Backend("minesim", _minesim),
    "minerl": Backend(
        "minerl",
        _minerl,
        requires="minerl",
        install='pip install "crossagent[minerl]" (MineRL 1.0.x; it needs a Java 8 JDK and builds '
        "Minecraft at install time: see docs/backends.md)",
    ),
    "crafter": Backend("crafter", _crafter, requires="crafter", install='pip install "crossagent[crafter]"'),
}
"""Backend name -> Backend."""


def check_backend(name: str, needs_install: bool = True) -> Backend:
    """The backend called `name`; UnknownBackendError (listing the known ones) or BackendUnavailable
    (naming the install command) when it cannot be used."""
    backend = BACKENDS.get(name)
    if backend is None:
        raise UnknownBackendError(f"unknown env backend {name!r}; known backends: {', '.join(BACKENDS)}")
    if needs_install and backend.requires and importlib.util.find_spec(backend.requires) is None:
        raise BackendUnavailable(
            f"the {name} backend needs the `{backend.requires}` package, which is not installed: {backend.install}"
        )
    return backend


def make_env(name: str = DEFAULT_BACKEND, frame_size: int | None = None, **kwargs) -> Any:
    """A fresh env of backend `name` rendering `frame_size` square frames (the backend's default if None).

    The MineRL backend also takes `inner=` (an env already speaking MineRL's interface, e.g. a test
    stand-in), and then needs no MineRL install.
    """
    backend = check_backend(name, needs_install=not (name == "minerl" and kwargs.get("inner") is not None))
    if frame_size is not None:
        kwargs["frame_size"] = frame_size
    return backend.build(**kwargs)
