"""`{{ code|label:"state" }}`: the translated name of a code in the console's templates."""

from __future__ import annotations

from typing import Any

from django import template

from agent_console import labels

register = template.Library()


@register.filter(name="label")
def label(code: Any, group: str) -> str:
    return labels.label(group, code)
