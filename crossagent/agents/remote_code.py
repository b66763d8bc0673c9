"""Before a model folder's own Python files run: compare them with the installed `modeling_crossagent`.

A saved CrossAgentForActions folder carries copies of the model code (its config's `auto_map`), and loading
it with `trust_remote_code=True` imports those files: whoever wrote the folder runs code on this machine.
A folder written by this version carries exactly the installed package's files; one whose `.py` files differ
(edited, from another version, or from someone else) is refused unless the user opts in, and then warned
about.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)


class UntrustedCodeError(ValueError):
    """A model folder's Python files differ from the installed modeling_crossagent and no opt-in was given."""


def installed_code_dir() -> Path:
    import modeling_crossagent

    return Path(modeling_crossagent.__file__).resolve().parent


def differing_code_files(folder: str | os.PathLike) -> list[str]:
    """The folder's `.py` files that are not byte-identical to the installed package's file of that name."""
    installed = installed_code_dir()
    differing = []
    for path in sorted(Path(folder).glob("*.py")):
        ours = installed / path.name
        if not ours.is_file() or ours.read_bytes() != path.read_bytes():
            differing.append(path.name)
    return differing


def check_folder_code(folder: str | os.PathLike, trust_remote_code: bool, flag: str) -> None:
    """Refuse (UntrustedCodeError naming the files and `flag`) a folder whose code differs from the installed
    package, unless `trust_remote_code`; with it, warn that the folder's own code will run."""
    differing = differing_code_files(folder)
    if not differing:
        return
    where = (
        f"{folder}: its model code ({', '.join(differing)}) differs from the installed modeling_crossagent"
    )
    if not trust_remote_code:
        raise UntrustedCodeError(
            f"{where}, and loading it would run that code; read those files and pass {flag} if you trust "
            "them, or re-save the model with this version of CrossAgent"
        )
    logger.warning("%s; running it because of %s", where, flag)
