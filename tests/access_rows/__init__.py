"""Rows of the access matrix, one module per area; each module defines `ROWS: list[Row]`."""

from __future__ import annotations

import importlib
import pkgutil

from tests.matrix import Row


def all_rows() -> list[Row]:
    rows: list[Row] = []
    for module in pkgutil.iter_modules(__path__):
        rows += importlib.import_module(f"{__name__}.{module.name}").ROWS
    return rows
