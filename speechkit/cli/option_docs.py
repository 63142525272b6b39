"""A backend Options class's field descriptions and defaults, read from speechkit's source, not imported.

A flag's help comes from the option it sets, so flag and option never disagree; but importing an
Options class imports pydantic, the document schema and the backend's module (a quarter to a whole
second), which ``speechkit --help`` would pay for every command. So the ``Field(...)`` calls are read
with :mod:`ast` instead: the class is found in its module's source, its bases are followed in Python's
method resolution order, and a description or default is evaluated with the names it uses looked up the
same way (module constants, ``from speechkit... import NAME``). A description built any other way is an
error here, and ``tests/test_cold_start.py`` checks that every one read equals pydantic's.
"""

from __future__ import annotations

import ast
import importlib
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
"""The ``speechkit`` package folder, whose modules are read as source."""


class OptionDocsError(LookupError):
    """A class, field or name the source reader cannot resolve (a programming error, not a user's)."""


@cache
def _module(name: str) -> ast.Module:
    relative = Path(*name.split(".")[1:])
    for path in (ROOT / relative.with_suffix(".py"), ROOT / relative / "__init__.py"):
        if path.is_file():
            return ast.parse(path.read_text(encoding="utf-8"), str(path))
    raise OptionDocsError(f"no source for module {name}")


def _own(module: str) -> bool:
    return module == "speechkit" or module.startswith("speechkit.")


def _top_level(module: str, name: str) -> ast.stmt | None:
    """The statement of ``module`` that binds ``name`` (a class, an assignment or an import), last one wins."""
    found = None
    for node in _module(module).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            found = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            if any(isinstance(t, ast.Name) and t.id == name for t in _targets(node)):
                found = node
        elif isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            found = node
    return found


def _imported(node: ast.ImportFrom, name: str) -> tuple[str, str]:
    alias = next(a for a in node.names if (a.asname or a.name) == name)
    return node.module or "", alias.name


ClassKey = tuple[str, str]
"""(module, qualified name) of a class in speechkit's source."""


def _class(module: str, qualname: str) -> tuple[ClassKey, ast.ClassDef] | None:
    """The class ``qualname`` of ``module``, following imports; None for a class outside speechkit."""
    first, *rest = qualname.split(".")
    node = _top_level(module, first)
    if isinstance(node, ast.ImportFrom):
        source, original = _imported(node, first)
        return _class(source, ".".join([original, *rest])) if _own(source) else None
    if not isinstance(node, ast.ClassDef):
        raise OptionDocsError(f"{module}: no class {qualname}")
    found: tuple[ClassKey, ast.ClassDef] | None = ((module, first), node)
    for part in rest:
        found = _member(*found, part) if found else None
        if found is None:
            raise OptionDocsError(f"{module}: no class {qualname}")
    return found


def _member(key: ClassKey, node: ast.ClassDef, name: str) -> tuple[ClassKey, ast.ClassDef] | None:
    """A class-level ``name`` of a class: a nested class or an alias (``Options = DiarizationOptions``),
    defined there or inherited, as attribute lookup finds it."""
    for (module, qualname), outer in _mro(key, node):
        for statement in outer.body:
            if isinstance(statement, ast.ClassDef) and statement.name == name:
                return (module, f"{qualname}.{name}"), statement
            if (isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None
                    and name in [t.id for t in _targets(statement) if isinstance(t, ast.Name)]):
                return _class(module, _dotted(statement.value))
    return None


def _targets(statement: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return statement.targets if isinstance(statement, ast.Assign) else [statement.target]


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    raise OptionDocsError(f"{ast.unparse(node)}: not a dotted name the source reader can follow")


def _bases(key: ClassKey, node: ast.ClassDef) -> list[tuple[ClassKey, ast.ClassDef]]:
    """The bases found in speechkit's source (pydantic's own, which declare no options, are left out)."""
    found = [_class(key[0], _dotted(base)) for base in node.bases]
    return [b for b in found if b is not None]


def _mro(key: ClassKey, node: ast.ClassDef) -> list[tuple[ClassKey, ast.ClassDef]]:
    """C3 linearisation, as Python orders the classes whose annotations pydantic reads."""
    bases = _bases(key, node)
    sequences = [_mro(*b) for b in bases] + [bases]
    order = [(key, node)]
    while any(sequences):
        for sequence in sequences:
            if sequence and not any(sequence[0][0] in [k for k, _ in s[1:]] for s in sequences):
                head = sequence[0]
                break
        else:
            raise OptionDocsError(f"no consistent method resolution order for {key[1]}")
        order.append(head)
        sequences = [s[1:] if s and s[0][0] == head[0] else s for s in sequences]
    return order


def _value(module: str, name: str) -> Any:
    """The value a module-level name has: evaluated from source for speechkit's own, imported otherwise."""
    node = _top_level(module, name)
    if isinstance(node, ast.ImportFrom):
        source, original = _imported(node, name)
        return _value(source, original) if _own(source) else getattr(importlib.import_module(source), original)
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return _evaluate(module, node.value)
    raise OptionDocsError(f"{module}: {name} is not a constant the source reader can evaluate")


def _evaluate(module: str, expr: ast.expr) -> Any:
    names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    scope = {name: _value(module, name) for name in names}
    return eval(compile(ast.Expression(expr), module, "eval"), {"__builtins__": {}}, scope)  # noqa: S307 - our own source


class OptionDocs:
    """``OptionDocs("speechkit.stages.diarize.base:DiarizationOptions")``: descriptions and defaults by field."""

    def __init__(self, reference: str) -> None:
        self.module, _, self.qualname = reference.partition(":")

    def _field(self, name: str) -> tuple[str, ast.Call]:
        found = _class(self.module, self.qualname)
        if found is None:
            raise OptionDocsError(f"{self.module}:{self.qualname} is not a class in speechkit's source")
        for (module, _), node in _mro(*found):
            for statement in node.body:
                if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                        and statement.target.id == name):
                    call = statement.value
                    if not (isinstance(call, ast.Call) and _dotted(call.func).split(".")[-1] == "Field"):
                        raise OptionDocsError(f"{self.qualname}.{name} is not declared with Field(...)")
                    return module, call
        raise OptionDocsError(f"{self.qualname} has no field {name!r}")

    def description(self, name: str) -> str:
        module, call = self._field(name)
        expr = next((k.value for k in call.keywords if k.arg == "description"), None)
        if expr is None:
            raise OptionDocsError(f"{self.qualname}.{name} has no description")
        return str(_evaluate(module, expr))

    def default(self, name: str) -> Any:
        module, call = self._field(name)
        expr = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "default"), None)
        if expr is None:
            raise OptionDocsError(f"{self.qualname}.{name} has no plain default")
        return _evaluate(module, expr)
