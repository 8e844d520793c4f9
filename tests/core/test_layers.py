"""The imports run one way down (docs/decisions.md, "The house, one way down"):

    clinic/  ->  reminders/  ->  agendas/  ->  cases/  ->  consultteam/

Each package may import those to its right, never one to its left: the shared core imports no
app, `cases` never imports `agendas`, the meeting and case services announce what happened
(consultteam/events.py) instead of calling reminders, and nothing imports the clinic. Read from
the source with `ast`, so an import inside a function, or under TYPE_CHECKING, counts too.
"""

import ast

import pytest

from tests.paths import ROOT

# Bottom first: a package may import itself and those before it.
LAYERS = ("consultteam", "cases", "agendas", "reminders", "clinic")


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """Every module ``source`` imports, with its line: at the top, inside functions and classes,
    under any `if`. ``module`` (dotted) resolves relative imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x: relative to this module's package
                package = module.split(".")[: -node.level]
                name = ".".join([*package, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def upward_imports(package: str) -> list[str]:
    """Where a module of ``package`` imports a package above it."""
    above = set(LAYERS[LAYERS.index(package) + 1 :])
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for line, name in imported_modules(path.read_text(), module):
            if name.split(".")[0] in above:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    return wrong


@pytest.mark.parametrize("package", LAYERS)
def test_no_package_imports_one_above_it(package):
    assert upward_imports(package) == []


def test_the_check_sees_imports_inside_functions_and_relative_ones():
    source = (
        "import cases.models\n"
        "from agendas import services\n"
        "def page():\n"
        "    from reminders.permissions import can_operate_reminders\n"
        "if True:\n"
        "    from .models import Team\n"
    )
    assert imported_modules(source, "consultteam.teams.views") == [
        (1, "cases.models"),
        (2, "agendas"),
        (4, "reminders.permissions"),
        (6, "consultteam.teams.models"),
    ]


def test_the_package_carries_every_layer():
    """The Dockerfile once forgot reminders/; the image now installs the wheel, whose packages
    setup.py lists (tests/core/test_built_service.py runs what that wheel installs)."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    (apps,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "APPS"
    ]
    for package in LAYERS:
        assert package in apps
