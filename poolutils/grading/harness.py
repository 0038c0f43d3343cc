"""The grader's side in the learner's kernel: call the learner's answers on the grader's cases.

After the learner's notebook has run, the grader sends one request per
exercise (see :func:`request_code`). The kernel looks up the answer by name
and hands it to the checks' answer runner (:mod:`poolutils.checks.runner`),
the same one a check in the notebook uses: each case under its time limit, in
a forked child process unless the exercise calls Keras. The outcomes go back
as JSON (:func:`poolutils.checks.runner.to_json`) to a file the grader named.
Nothing here decides a verdict: the grader judges the outcomes in its own
process, so code the learner runs in this kernel can only change the
learner's own outcomes, on cases drawn after the notebook ran.

The kernel reports no code: whose code an answer is, the grader reads from
the notebook's text (:mod:`poolutils.grading.source`). A design answer (a
Keras model) comes back as its architecture, ``model.to_json()``, which the
grader rebuilds and measures itself.
"""

from __future__ import annotations

import json
from typing import Any

from poolutils.checks.runner import Case, collect_outcomes, collect_value, from_json, to_json


def request_code(request: dict, out_path: str) -> str:
    """The code the grader executes in the kernel for one exercise: one expression, no names left behind."""
    return (
        '__import__("poolutils.grading.harness", fromlist=["answer"]).answer('
        f"get_ipython().user_ns, {json.dumps(request)!r}, {out_path!r})"
    )


def answer(namespace: dict, request_json: str, out_path: str) -> None:
    """Run the answer named in the request on its cases and write the result JSON to ``out_path``."""
    request = json.loads(request_json)
    result = outputs(namespace, request)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(result, out, allow_nan=False)


def outputs(namespace: dict, request: dict) -> dict:
    """``{"found", "outcomes"}`` for the answer ``request["answer_name"]``, outcomes as JSON.

    ``request`` holds ``answer_name``, ``takes_function``, ``cases`` (each
    ``to_json((args, kwargs))``), ``limit`` (seconds per case), ``model`` (the
    answer returns a Keras model) and ``isolate`` (run in a forked child).

    Examples
    --------
    >>> request = {"answer_name": "double", "takes_function": True, "limit": 1.0,
    ...            "cases": [to_json(((2,), {}))], "model": False, "isolate": True}
    >>> [from_json(o) for o in outputs({"double": lambda x: 2 * x}, request)["outcomes"]]
    [Outcome(status='returned', value=4, error='', message='')]
    >>> outputs({}, request)["found"]
    False
    """
    name = request["answer_name"]
    if name not in namespace:
        return {"found": False, "outcomes": []}
    given = namespace[name]
    cases = [Case(f"case {i}", *from_json(case)) for i, case in enumerate(request["cases"])]
    summarise = _architecture if request.get("model") else None
    limit, isolate = float(request["limit"]), bool(request.get("isolate", True))
    if request["takes_function"]:
        outcomes = collect_outcomes(given, cases, limit, isolate=isolate, summarise=summarise, echo=False)
    else:
        outcomes = [collect_value(given, limit, isolate=isolate, summarise=summarise, echo=False)] * len(
            cases
        )
    return {"found": True, "outcomes": [to_json(outcome) for outcome in outcomes]}


def _architecture(value: Any) -> Any:
    # A model travels as its Keras JSON, which the grader rebuilds; anything else as its type's name.
    dump = getattr(value, "to_json", None)
    if callable(dump) and hasattr(value, "layers"):
        text = dump()
        if isinstance(text, str):
            return {"model_json": text}
    return {"not_a_model": type(value).__name__}
