"""`crossagent info`: the installed stack and what this machine offers."""

from __future__ import annotations

import argparse
import platform

from crossagent.environment import STACK, package_versions

OPTIONAL = ["crafter", "minerl"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("info", help="print the installed stack and the device")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import torch

    from crossagent import __version__

    print(f"crossagent {__version__} on Python {platform.python_version()} ({platform.machine()})")
    for name, version in package_versions(STACK).items():
        print(f"  {name:16s} {version or 'MISSING'}")
    for name, version in package_versions(OPTIONAL).items():
        print(f"  {name:16s} {version or 'not installed (optional)'}")
    device = f"cuda ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "cpu"
    print(f"  device           {device}, {torch.get_num_threads()} torch threads")
    return 0
