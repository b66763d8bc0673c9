"""The `crossagent` command: one entry point for every stage of the pipeline."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
import traceback

from crossagent import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossagent",
        description=(
            "Train one vision-language-action model to act across raw, motion, grounding, "
            "skill and latent action spaces (arXiv 2512.09706), on the embedded MineSim world."
        ),
    )
    parser.add_argument("--version", action="version", version=f"crossagent {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        if hasattr(module, "register"):
            module.register(subparsers)
    return parser


OUTPUT_FOLDER_ARGS = {"output_dir": "--output-dir", "out": "--out"}
"""Arguments naming a folder to write into: an existing file there is a usage error, not a traceback."""


def user_errors() -> tuple[type[BaseException], ...]:
    """Errors a user's input causes (bad values, files, YAML, weights): one line on stderr, exit 2."""
    import yaml

    errors: list[type[BaseException]] = [ValueError, OSError, RuntimeError, yaml.YAMLError]
    try:
        from safetensors import SafetensorError

        errors.append(SafetensorError)
    except ImportError:  # pragma: no cover -- safetensors comes with transformers
        pass
    return tuple(errors)


def _quiet_stdout() -> None:
    """The reader of stdout went away (`crossagent tasks list | head`): drop what is still buffered."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    for name, flag in OUTPUT_FOLDER_ARGS.items():
        value = getattr(args, name, None)
        if value is not None and os.path.isfile(value):
            print(
                f"crossagent {args.command}: error: {flag} {value} is an existing file; pass a folder",
                file=sys.stderr,
            )
            return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except user_errors() as error:
        if args.verbose:
            traceback.print_exc()
        message = " ".join(str(error).split()) or type(error).__name__
        hint = "" if args.verbose else " (-v shows the traceback)"
        print(f"crossagent {args.command}: error: {message}{hint}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
