"""Building and parsing a run's TRL argument dataclasses with a preset's defaults (SFT, STRL, ...).

    values = arguments_from_fields((ScriptArgs, Config), defaults=preset.sft, fields={...}, what="SFT")
    values = parse_with_preset((ScriptArgs, Config), lambda preset: get_preset(preset).sft, argv)

A value comes from, last one winning: the dataclass default, the preset's part (`defaults`), the
`--config` YAML file, the command line (or `fields`).
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import sys
from collections.abc import Callable, Sequence


def field_owners(types: Sequence[type]) -> dict[str, type]:
    """Field name -> the dataclass that takes it (a name in two of them goes to the first in `types`)."""
    return {f.name: cls for cls in reversed(types) for f in dataclasses.fields(cls) if f.init}


def arguments_from_fields(
    types: Sequence[type], defaults: dict, preset: str, fields: dict, what: str
) -> list:
    """One instance per dataclass of `types` from the preset's `defaults` and flat `fields` (each goes to
    the dataclass that owns it; None values are left out); an unknown name is a ValueError with a hint."""
    owners = field_owners(types)
    values = {**defaults, "preset": preset, **{k: v for k, v in fields.items() if v is not None}}
    unknown = sorted(set(values) - set(owners))
    if unknown:
        hints = {name: difflib.get_close_matches(name, owners, n=1) for name in unknown}
        said = ", ".join(f"{n!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for n, h in hints.items())
        raise ValueError(f"unknown {what} argument(s) {said}; the fields of {[c.__name__ for c in types]}")
    parts = {cls: {k: v for k, v in values.items() if owners[k] is cls} for cls in types}
    return [cls(**parts[cls]) for cls in types]


def _preset_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--preset", default=None)
    parser.add_argument("--config", default=None)
    return parser


def parse_with_preset(types: Sequence[type], preset_defaults: Callable[[str], dict], argv: list[str] | None):
    """Parse TRL-style flags (`--config run.yaml`, `--learning_rate`, ...) with `--preset`.

    The preset (from `--preset`, else the YAML file's `preset:`, else `tiny`) sets the defaults
    (`preset_defaults(name)`) that the YAML file and then the command line override.
    """
    import yaml
    from trl import TrlParser

    argv = list(sys.argv[1:] if argv is None else argv)
    known, _ = _preset_parser().parse_known_args(argv)
    preset = known.preset
    if preset is None and known.config:
        with open(known.config) as handle:
            loaded = yaml.safe_load(handle)
        preset = loaded.get("preset") if isinstance(loaded, dict) else None
    preset = preset or "tiny"
    parser = TrlParser(list(types))
    # A bad flag or YAML value is one line naming it (argparse's own "error:" line), not the 300-line usage.
    parser.print_usage = lambda file=None: print(  # type: ignore[method-assign]
        f"usage: {parser.prog} [--config FILE.yaml] [--FIELD VALUE ...]; --help lists every field",
        file=file or sys.stderr,
    )
    parser.set_defaults_with_config(**preset_defaults(preset), preset=preset)
    return parser.parse_args_and_config(argv)


def run_settings(script, config, **extra) -> dict:
    """Every setting of a run as plain YAML values, for its `*_config.yaml`: the script dataclass's fields,
    `extra`, then the TRL config's (values YAML cannot hold, such as enums and paths, as their text)."""
    plain = (str, int, float, bool, type(None))
    return {
        **dataclasses.asdict(script),
        **extra,
        **{k: (v if isinstance(v, plain) else str(v)) for k, v in config.to_dict().items()},
    }
