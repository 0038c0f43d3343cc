"""What the notebook's own text says about an answer: whose code it is, read before any kernel starts.

The grader reads each notebook's code cells (the text it was handed, never
what a kernel reports) and, per write-code answer:

- finds the answer's last top-level binding (``def``, assignment, import);
- follows the names it uses through the notebook's other top-level bindings
  (helpers, aliases, decorators, default arguments) to the modules they
  come from;
- lists what it calls from poolutils, Keras or TensorFlow that the
  exercise's reference solution does not use itself (exercise 5.1 says "you
  may use ``pu.max_pool``", and its reference does), and the run-time tricks
  that make the text say nothing (``exec``, ``globals()``, ``__import__``, ...);
- keeps the answer's syntax tree, to compare with the reference's
  (the copied-code flag).

All parsing happens here, before the first kernel starts: the grader never
calls ``ast.parse`` while nbclient's asyncio tasks may be collected.

Examples
--------
>>> text = '''{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
...   "source": "import keras\\\\nhelper = keras.ops.max\\\\ndef f(x):\\\\n    return helper(x)"}],
...   "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'''
>>> read(text, ["f"])["f"].uses
('keras', 'keras.ops.max')
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import textwrap
from dataclasses import dataclass
from typing import Any

# Modules whose functions do the learner's work for them.
LIBRARIES = ("poolutils", "keras", "tensorflow", "tf_keras")
# Names that bind or fetch code at run time, so the text no longer says what runs.
DYNAMIC = frozenset(
    {
        "exec",
        "eval",
        "compile",
        "__import__",
        "globals",
        "locals",
        "vars",
        "setattr",
        "delattr",
        "getattr",
        "get_ipython",
        "importlib",
        "sys",
        "builtins",
        "__builtins__",
        "ctypes",
        "marshal",
        "pickle",
        "types",
    }
)
# Of those, the ones that are harmless at a notebook's top level (`import sys` to print a version);
# inside an answer or its helpers every one of them counts.
_TOP_LEVEL_HARMLESS = frozenset({"sys", "getattr", "pickle", "types"})
# Attributes of `sys` that reach other modules or code, wherever they appear.
_SYS_HOOKS = frozenset(
    {"modules", "meta_path", "path_hooks", "settrace", "setprofile", "_getframe", "addaudithook"}
)
# Dunder attributes that reach other code (a function's globals, every class in the process).
_ALLOWED_DUNDERS = frozenset({"__init__", "__name__", "__doc__", "__len__", "__call__"})
# IPython line magics that bind no names; any other magic makes the notebook's text say too little.
_HARMLESS_MAGICS = ("%matplotlib", "%config", "%time ", "%timeit", "%precision", "%pprint")


@dataclass(frozen=True)
class AnswerText:
    """The answer as the notebook's text defines it.

    Attributes
    ----------
    defined : str
        'def', 'lambda', 'assignment', 'import', or '' when the text never binds the name.
    uses : tuple of str
        Qualified names from :data:`LIBRARIES` the answer reaches, directly or through helpers.
    dynamic : tuple of str
        Run-time features the answer (or the notebook's top level) uses.
    shape : str or None
        The answer's syntax tree without its name, docstring and decorators (a ``def`` only).
    """

    defined: str
    uses: tuple[str, ...] = ()
    dynamic: tuple[str, ...] = ()
    shape: str | None = None


@dataclass
class _Binding:
    kind: str
    node: ast.AST | None
    uses: set[str]
    names: set[str]
    dynamic: set[str]


def code_cells(text: str) -> list[str]:
    """The source of every code cell of the notebook ``text`` (an unreadable notebook has none)."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return []
    sources = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def read(text: str, names: list[str]) -> dict[str, AnswerText]:
    """:class:`AnswerText` for each answer name, from the notebook ``text``."""
    bindings: dict[str, _Binding] = {}
    top_dynamic: set[str] = set()
    for source in code_cells(text):
        tree, magic = _parse(source)
        if magic:
            top_dynamic.add(magic)
        if tree is None:
            continue
        aliases = {k: v.uses for k, v in bindings.items() if v.kind == "import"}
        for node in tree.body:
            _bind(node, bindings, top_dynamic, {k: next(iter(v), k) for k, v in aliases.items()})
            aliases = {k: v.uses for k, v in bindings.items() if v.kind == "import"}
    return {name: _answer(name, bindings, top_dynamic) for name in names}


def _parse(source: str) -> tuple[ast.Module | None, str]:
    lines, magic = [], ""
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            if not stripped.startswith(_HARMLESS_MAGICS) or stripped.startswith("%%"):
                magic = f"the IPython command `{stripped.split()[0]}`"
            lines.append("")
            continue
        lines.append(line)
    try:
        return ast.parse("\n".join(lines)), magic
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, magic


def _bind(node: ast.stmt, bindings: dict[str, _Binding], top: set[str], aliases: dict[str, str]) -> None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        for alias in node.names:
            if isinstance(node, ast.Import):
                qualified, name = alias.name, alias.asname or alias.name.split(".")[0]
                if alias.asname is None:
                    qualified = alias.name.split(".")[0]
            else:
                qualified, name = (
                    f"{'.' * node.level}{node.module or ''}.{alias.name}",
                    alias.asname or alias.name,
                )
            if qualified.split(".")[0] in DYNAMIC - _TOP_LEVEL_HARMLESS:
                top.add(f"`{qualified.split('.')[0]}`")
            if qualified.lstrip(".").startswith(("poolutils.grading", "poolutils.checks.core")):
                top.add(f"`{qualified.lstrip('.')}` (the grader's own code)")
            bindings[name] = _Binding("import", node, {qualified}, set(), set())
        return
    uses, names, dynamic = _reached(node, aliases)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        kind = "def" if not isinstance(node, ast.ClassDef) else "class"
        bindings[node.name] = _Binding(kind, node, uses, names, dynamic)
        return
    # Top-level code that rebinds at run time: the text no longer tells.
    top |= {d for d in dynamic if d.strip("`") not in _TOP_LEVEL_HARMLESS}
    for part in ast.walk(node):  # `pu.max_pool = ...`: a library changed under every answer
        if isinstance(part, ast.Attribute) and isinstance(part.ctx, ast.Store | ast.Del):
            chain = _chain(part)
            if chain and chain.split(".")[0] in aliases:
                top.add(f"an assignment to `{chain}`")
    targets = _targets(node)
    value = getattr(node, "value", None)
    kind = "lambda" if isinstance(value, ast.Lambda) else "assignment"
    for target in targets:
        bindings[target] = _Binding(kind, node, uses, names - {target}, dynamic)


def _targets(node: ast.stmt) -> list[str]:
    found = []
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Store):
            found.append(part.id)
        elif isinstance(part, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and part is not node:
            found.append(part.name)
    return found


def _reached(node: ast.AST, aliases: dict[str, str]) -> tuple[set[str], set[str], set[str]]:
    """Library names (qualified through ``aliases``), other names, and run-time features under ``node``."""
    uses, names, dynamic = set(), set(), set()
    # Only the longest attribute chain counts: `keras.ops.max`, not also `keras.ops`.
    inner = {id(p.value) for p in ast.walk(node) if isinstance(p, ast.Attribute)}
    # `"tensorflow" in sys.modules` only looks: a membership test reaches no module.
    looked = {
        id(c)
        for p in ast.walk(node)
        if isinstance(p, ast.Compare) and all(isinstance(o, ast.In | ast.NotIn) for o in p.ops)
        for c in p.comparators
    }
    for part in ast.walk(node):
        if isinstance(part, ast.Import | ast.ImportFrom):
            module = part.module if isinstance(part, ast.ImportFrom) else None
            for alias in part.names:
                root = (module or alias.name).split(".")[0]
                if root in LIBRARIES:
                    uses.add(f"{module}.{alias.name}" if module else alias.name)
                if root in DYNAMIC:
                    dynamic.add(f"`{root}`")
        elif isinstance(part, ast.Attribute):
            if part.attr.startswith("__") and part.attr not in _ALLOWED_DUNDERS:
                dynamic.add(f"`.{part.attr}`")
            chain = _chain(part) if id(part) not in inner else None
            if (
                chain
                and chain.split(".")[0] == "sys"
                and chain.split(".")[1] in _SYS_HOOKS
                and id(part) not in looked
            ):
                dynamic.add(f"`{chain}`")
            if chain and chain.split(".")[0] in aliases:
                head, _, rest = chain.partition(".")
                qualified = aliases[head] + ("." + rest if rest else "")
                if qualified.split(".")[0] in LIBRARIES:
                    uses.add(qualified)
        elif isinstance(part, ast.Name) and isinstance(part.ctx, ast.Load):
            if part.id in DYNAMIC:
                dynamic.add(f"`{part.id}`")
            names.add(part.id)
    return uses, names, dynamic


def _chain(node: ast.Attribute) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _answer(name: str, bindings: dict[str, _Binding], top: set[str]) -> AnswerText:
    binding = bindings.get(name)
    if binding is None:
        return AnswerText("", dynamic=tuple(sorted(top)))
    uses, dynamic, seen, todo = set(), set(top), set(), [name]
    while todo:
        current = bindings.get(todo.pop())
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if current.kind == "import":
            uses |= {q for q in current.uses if q.split(".")[0] in LIBRARIES}
            if any(q.split(".")[0] in DYNAMIC for q in current.uses):
                dynamic |= {f"`{q.split('.')[0]}`" for q in current.uses}
            continue
        uses |= current.uses
        dynamic |= current.dynamic
        todo.extend(n for n in current.names if n in bindings)
    shape = None
    if binding.kind == "def":
        shape = shape_of(binding.node)
    return AnswerText(binding.kind, tuple(sorted(uses)), tuple(sorted(dynamic)), shape)


def shape_of(node: Any) -> str | None:
    """A function's syntax tree without its name, docstring and decorators: what copying keeps.

    ``node`` is a ``FunctionDef`` or a function's source text.
    """
    if isinstance(node, str):
        functions = [n for n in ast.parse(textwrap.dedent(node)).body if isinstance(n, ast.FunctionDef)]
        if not functions:
            return None
        node = functions[0]
    node = ast.parse(ast.unparse(node)).body[0]  # a copy: the caller's tree stays as it was
    if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
        node.body = node.body[1:] or node.body
    node.name, node.decorator_list = "_", []
    return ast.dump(node)


def canonical(qualified: str) -> str:
    """The defining module and name of a library object (``poolutils.max_pool`` -> where it lives)."""
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except Exception:  # not a module (or it fails to import): try a shorter prefix
            continue
        try:
            for attr in parts[cut:]:
                value = getattr(value, attr)
        except AttributeError:
            return qualified
        if inspect.ismodule(value):
            return value.__name__
        module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
        return f"{module}.{name}" if isinstance(module, str) and isinstance(name, str) else qualified
    return qualified


def reference_uses(reference: Any, seen: set | None = None) -> set[str]:
    """The library objects a reference solution reaches (its sibling references followed), canonical.

    Examples
    --------
    >>> from poolutils.checks.ex05 import check_pool_photo
    >>> sorted(reference_uses(check_pool_photo.reference))
    ['poolutils.pooling.avg_pool', 'poolutils.pooling.max_pool']
    """
    seen = set() if seen is None else seen
    if not inspect.isfunction(reference) or reference in seen:
        return set()
    seen.add(reference)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(reference)))
    except (OSError, TypeError, SyntaxError):
        return set()
    aliases = {}
    for name, value in reference.__globals__.items():
        if inspect.ismodule(value):
            aliases[name] = value.__name__
    uses, names, _ = _reached(tree, aliases)
    found = {canonical(q) for q in uses}
    for name in names:
        value = reference.__globals__.get(name)
        module = getattr(value, "__module__", None) or ""
        if inspect.isfunction(value) and module.startswith("poolutils.checks."):
            found |= reference_uses(value, seen)
        elif (
            value is not None
            and module.split(".")[0] in LIBRARIES
            and not module.startswith("poolutils.checks")
        ):
            found.add(canonical(f"{module}.{getattr(value, '__qualname__', name)}"))
    return found


def not_own_work(answer: AnswerText, allowed: set[str]) -> str | None:
    """Why a write-code answer is not the learner's own work, or None.

    Examples
    --------
    >>> not_own_work(AnswerText("def", uses=("keras.ops.max",)), set())
    'it calls keras.ops.max: code from poolutils, Keras or TensorFlow does not count as your own work here'
    >>> not_own_work(AnswerText("def"), set()) is None
    True
    """
    if answer.dynamic:
        return (
            f"the notebook uses {', '.join(answer.dynamic)}, so its text does not show what the answer runs; "
            "write the answer as plain code"
        )
    if answer.defined in ("", "import"):
        return "the notebook's code cells do not define it (write it with `def` in the notebook)"
    foreign = [q for q in answer.uses if not _allowed(canonical(q), allowed)]
    # `keras` itself says nothing more when `keras.ops.max` is named too.
    foreign = [q for q in foreign if not any(f.startswith(q + ".") for f in foreign)]
    if foreign:
        return (
            f"it calls {', '.join(foreign)}: code from poolutils, Keras or TensorFlow does not count as "
            "your own work here"
        )
    return None


def _allowed(name: str, allowed: set[str]) -> bool:
    # A bare module (``pu`` itself) is allowed where the reference uses something from it;
    # each attribute reached through it is still checked on its own.
    return name in allowed or any(a.startswith(name + ".") for a in allowed)
