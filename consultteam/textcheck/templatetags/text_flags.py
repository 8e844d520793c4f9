"""`{% load text_flags %}`: the flags of one record out of a mapping built once per page
(`services.flags_for_objects`), since a template cannot index a dict by a variable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def flags_of(flags: Mapping[Any, list[Any]] | None, object_id: Any) -> list[Any]:
    """``{{ tib_flags|flags_of:entry.public_id }}``: that record's flags, or none."""
    return list(flags.get(object_id, [])) if flags else []
