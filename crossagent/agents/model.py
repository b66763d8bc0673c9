"""A CrossAgentForActions model as an agent: one batched `generate` per rollout round.

    agent = ModelAgent.from_folder("outputs/sft")        # AutoModel + AutoProcessor, trust_remote_code
    agent.latent_codebook                                # the folder's latent codebook, or None
    texts = agent.act(observations, tasks, histories)    # one action text per world

It builds the same prompt as `CrossAgentForActions.act` (`processor.prepare_act_inputs`), decodes
greedily with the shared system prefix computed once (`PrefixCachedDecoder`; or samples with
`generate`) and, unlike `act`, keeps the action TEXT (the rollout parses it with the
executors' grammar) and the number of tokens each row generated (`last_token_counts`: up to and
including its end token), which is the episode's token cost.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open

from crossagent.agents.prefix_decoding import PrefixCachedDecoder
from modeling_crossagent.action_spaces import ACTION_SPACES

logger = logging.getLogger(__name__)


class NotAModelFolderError(ValueError):
    """The agent path is not a saved CrossAgentForActions folder."""


def check_model_folder(path: str | os.PathLike) -> Path:
    """The folder, if it holds a saved CrossAgent model; else NotAModelFolderError saying what is wrong."""
    path = Path(path)
    fix = "pass a folder written by CrossAgentForActions.save_pretrained + processor.save_pretrained"
    if not path.is_dir():
        raise NotAModelFolderError(f"--agent {path}: no such folder; {fix}, or 'expert' / 'random'")
    config_path = path / "config.json"
    if not config_path.is_file():
        raise NotAModelFolderError(f"--agent {path}: no config.json, so not a saved model; {fix}")
    try:
        config = json.loads(config_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise NotAModelFolderError(f"--agent {path}: config.json is not JSON ({error}); {fix}") from None
    if not isinstance(config, dict) or config.get("model_type") != "crossagent":
        found = config.get("model_type") if isinstance(config, dict) else None
        raise NotAModelFolderError(
            f"--agent {path}: config.json has model_type {found!r}, not 'crossagent'; {fix}"
        )
    if not any(path.glob("*.safetensors")):
        raise NotAModelFolderError(f"--agent {path}: no *.safetensors weights next to config.json; {fix}")
    return path


class ModelAgent:
    """Drives a CrossAgentForActions (see the module docstring)."""

    def __init__(
        self,
        model: Any,
        processor: Any,
        name: str = "model",
        spaces: list[str] | None = None,
        constrained: bool = False,
        max_new_tokens: int = 48,
        do_sample: bool = False,
        stop_invalid: bool = True,
        latent_codebook: Any = None,
    ) -> None:
        self.model = model.eval()
        self.processor = processor
        self.name = name
        self.spaces = spaces
        """Allowed action spaces (default all five)."""
        self.constrained = constrained
        """Mask tokens that would leave the action grammar (every output parses)."""
        self.max_new_tokens = max_new_tokens
        self.do_sample = do_sample
        self.stop_invalid = stop_invalid
        """Greedy decoding ends an output as soon as it leaves the action grammar (see `GrammarStop`)."""
        self.last_token_counts: list[int] | None = None
        self.latent_codebook = latent_codebook
        """The model's LatentCodebook (from its folder), or None; the rollout's latent executor replays it."""
        self._decoder = PrefixCachedDecoder(model, processor.tokenizer, model.config.image_token_id)
        self._grammar_stop = GrammarStop(processor.action_logits_processor(spaces))
        size = getattr(getattr(model.config, "vision_config", None), "image_size", None)
        self.frame_size: int | None = int(size) if size else None
        """The model's input frame side: the runner renders worlds at this size by default."""
        self.folder: Path | None = None
        """The saved folder the model was loaded from (`from_folder`); keys the results file by its weights."""

    def decoding_settings(self) -> dict[str, Any]:
        """Everything besides the weights that changes what this agent outputs (part of the results key)."""
        temperature = getattr(getattr(self.model, "generation_config", None), "temperature", None)
        return {
            "max_new_tokens": self.max_new_tokens,
            "constrained": self.constrained,
            "do_sample": self.do_sample,
            "temperature": temperature if self.do_sample else None,
            "stop_invalid": self.stop_invalid,
            "spaces": list(self.spaces) if self.spaces else None,
        }

    @classmethod
    def from_folder(cls, path: str | os.PathLike, trust_remote_code: bool = False, **kwargs) -> ModelAgent:
        """Load a saved model folder (config.json, weights, processor files) with trust_remote_code.

        The folder's own `.py` files run; when they differ from the installed modeling_crossagent the folder is
        refused unless `trust_remote_code` (`--trust-remote-code`), see `crossagent.agents.remote_code`.
        """
        from safetensors import SafetensorError
        from transformers import AutoModel, AutoProcessor

        from crossagent.agents.remote_code import check_folder_code

        path = check_model_folder(path)
        check_folder_code(path, trust_remote_code, "--trust-remote-code")
        for weights in sorted(path.glob("*.safetensors")):
            try:
                with safe_open(str(weights), framework="pt") as handle:
                    handle.metadata()
            except (SafetensorError, OSError) as error:
                raise NotAModelFolderError(
                    f"--agent {path}: {weights.name} is not a readable safetensors file ({error}); "
                    "re-save or re-download the model"
                ) from None
        try:
            model = AutoModel.from_pretrained(path, trust_remote_code=True)
            processor = AutoProcessor.from_pretrained(path, trust_remote_code=True)
        except (OSError, ValueError, KeyError, SafetensorError) as error:
            raise NotAModelFolderError(
                f"--agent {path}: cannot load it as a CrossAgent model: {error}"
            ) from error
        kwargs.setdefault("name", path.resolve().name)
        from crossagent.executors.latent import model_codebook, trained_spaces

        if kwargs.get("spaces") is None:
            # A single-space baseline was trained on prompts naming its one space: prompt it the same way.
            trained = trained_spaces(path)
            kwargs["spaces"] = list(trained) if set(trained) != set(ACTION_SPACES) else None

        kwargs.setdefault("latent_codebook", model_codebook(path, kwargs.get("spaces")))
        agent = cls(model, processor, **kwargs)
        agent.folder = path
        return agent

    def reset(self, batch_index: int, task: Any, seed: int | None = None) -> None:
        """Stateless between decisions: everything it needs is in the prompt."""

    @torch.inference_mode()
    def act(self, observations: list[dict], tasks: list[Any], histories: list[list[str]]) -> list[str]:
        processor = self.processor
        frames = [observation["image"] for observation in observations]
        instructions = [task.instruction for task in tasks]
        inputs = processor.prepare_act_inputs(frames, instructions, histories, spaces=self.spaces)
        inputs = inputs.to(self.model.device)
        constraints = [processor.action_logits_processor(self.spaces)] if self.constrained else []
        if self.do_sample:
            sequences = self.model.generate(
                **inputs, max_new_tokens=self.max_new_tokens, do_sample=True, logits_processor=constraints
            )
            generated = sequences[:, inputs["input_ids"].shape[1] :]
            self.last_token_counts = _generated_lengths(generated, processor.tokenizer)
        else:  # greedy: the shared system prefix is computed once, not once per world
            rows = self._decoder.generate(
                inputs["input_ids"], inputs["attention_mask"], inputs["pixel_values"], self.max_new_tokens,
                constraints, self._grammar_stop if self.stop_invalid else None,
            )  # fmt: skip
            self.last_token_counts = [len(row) for row in rows]
            generated = padded_rows(rows, processor.tokenizer.pad_token_id)
        return processor.decode_actions(generated)


def padded_rows(rows: list[list[int]], pad_id: int) -> torch.Tensor:
    """Token rows of different lengths as one right-padded (rows, longest) tensor."""
    generated = torch.full((len(rows), max(map(len, rows))), pad_id)
    for i, row in enumerate(rows):
        generated[i, : len(row)] = torch.tensor(row)
    return generated


class GrammarStop:
    """True once generated tokens can no longer be completed to an action of the allowed spaces.

    Runs the tokens through the constrained decoder's action automaton (the canonical grammar every
    CrossAgent model is trained on): a row that left it will not parse as a trained action, so
    generating the rest (up to max_new_tokens of babble from an untrained model, which may well start
    with a valid space token) changes nothing but the cost. Rows that end with EOS are left alone.
    The cut is at the canonical grammar, slightly stricter than the parser, which also reads OpenHA's
    looser forms; `ModelAgent(stop_invalid=False)` (`crossagent eval --full-invalid-outputs`) turns it off.
    """

    def __init__(self, logits_processor: Any) -> None:
        self.automaton = logits_processor.automaton
        self.texts = logits_processor.texts
        self.eos_ids = set(logits_processor.eos_ids)

    def __call__(self, tokens: list[int]) -> bool:
        state = self.automaton.start
        for token in tokens:
            if token in self.eos_ids:
                return False
            text = self.texts[token] if token < len(self.texts) else None
            if text is None:
                return True
            state = self.automaton.run(text, state)
            if state == self.automaton.DEAD:
                return True
        return False


def _generated_lengths(generated: torch.Tensor, tokenizer: Any) -> list[int]:
    """Tokens each row generated: up to and including its first end token (the rest is padding)."""
    end = tokenizer.eos_token_id
    lengths = []
    for row in generated.tolist():
        lengths.append(row.index(end) + 1 if end in row else len(row))
    return lengths
