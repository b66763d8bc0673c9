"""Model and dataset card templates, shipped inside the package, and the one function that renders them.

    text = render_card("crossagent_sft.md.jinja", **fields)

The templates are package data (`crossagent/cards/templates/*.md.jinja`), so a normal, non-editable
`pip install` renders cards exactly as a source checkout does.
"""

from __future__ import annotations

import functools

import jinja2

TEMPLATES_PACKAGE = "crossagent.cards"
"""The package whose `templates/` folder holds the card templates."""


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATES_PACKAGE, "templates"),
        undefined=jinja2.StrictUndefined,  # a missing field is a bug in the caller, not an empty cell
        keep_trailing_newline=True,
        autoescape=False,  # Markdown and YAML, not HTML
    )


def template_names() -> list[str]:
    """Every card template the package ships."""
    return sorted(_environment().list_templates(extensions=["jinja"]))


def render_card(template_name: str, **fields) -> str:
    """Render the card template `template_name` with `fields` (every field the template names is required)."""
    try:
        template = _environment().get_template(template_name)
    except jinja2.TemplateNotFound:
        raise FileNotFoundError(
            f"card template {template_name!r} is not in the installed package; it ships {template_names()}"
        ) from None
    return template.render(**fields)
