"""The grader's side in the learner's kernel: call the learner's answers on the grader's cases.

After the learner's notebook has run, the grader sends one request per
exercise (see :func:`request_code`). The kernel looks up the answer by name,
calls it on each case under a per-call time limit (or reads the value, for
value answers), and writes the outputs as JSON (:mod:`poolutils.grading.wire`)
to a file the grader named. Nothing here decides a verdict: the grader judges
the outputs in its own process, so code the learner runs in this kernel can
only change the learner's own outputs, on cases drawn after the notebook ran.

The kernel reports no code: whose code an answer is, the grader reads from
the notebook's text (:mod:`poolutils.grading.source`). A design answer (a
Keras model) comes back as its architecture, ``model.to_json()``, which the
grader rebuilds and measures itself.
"""

from __future__ import annotations

import json
import signal
from typing import Any

from poolutils.grading.wire import decode, encode

# A learner's message may be long; the feedback shows the start.
_MESSAGE_CHARS = 500


class _CallTimeout(BaseException):
    # BaseException: an answer's own `except Exception:` does not swallow the time limit.
    pass


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
    """``{"found", "outcomes"}`` for the answer ``request["answer_name"]``.

    Examples
    --------
    >>> request = {"answer_name": "double", "takes_function": True, "limit": 1.0,
    ...            "cases": [{"args": encode((2,)), "kwargs": encode({})}], "model": False}
    >>> outputs({"double": lambda x: 2 * x}, request)["outcomes"]
    [{'status': 'returned', 'value': 4}]
    >>> outputs({}, request)["found"]
    False
    """
    name = request["answer_name"]
    if name not in namespace:
        return {"found": False, "outcomes": []}
    given = namespace[name]
    result = {"found": True, "outcomes": []}
    summarise = _architecture if request.get("model") else None
    if not request["takes_function"]:
        outcome = _returned(given, summarise)
        result["outcomes"] = [outcome for _ in request["cases"]]
        return result
    limit = float(request["limit"])
    for case in request["cases"]:
        if result["outcomes"] and result["outcomes"][-1]["status"] == "timeout":
            result["outcomes"].append({"status": "not_run"})  # as in the notebook: a timeout ends the run
            continue
        args, kwargs = decode(case["args"]), decode(case["kwargs"])  # fresh copies: answers may modify them
        result["outcomes"].append(_call(given, args, kwargs, limit, summarise))
    return result


def _call(fn: Any, args: tuple, kwargs: dict, limit: float, summarise: Any) -> dict:
    if not callable(fn):
        return _raised(TypeError(f"'{type(fn).__name__}' object is not callable"))
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        value = fn(*args, **kwargs)
    except _CallTimeout:
        return {"status": "timeout", "message": f"{limit:g}"}
    except BaseException as err:  # SystemExit and KeyboardInterrupt too: reported, never raised here
        return _raised(err)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return _returned(value, summarise)


def _on_alarm(signum: int, frame: Any) -> None:
    raise _CallTimeout


def _returned(value: Any, summarise: Any) -> dict:
    if summarise is not None and value is not None:  # as in the notebook: None is judged as None
        try:
            value = summarise(value)
        except Exception as err:
            return _raised(err)
    return {"status": "returned", "value": encode(value)}


def _raised(err: BaseException) -> dict:
    try:
        message = str(err)
    except Exception:  # an exception class whose __str__ fails
        message = ""
    return {"status": "raised", "error": type(err).__name__, "message": message[:_MESSAGE_CHARS]}


def _architecture(value: Any) -> Any:
    # A model travels as its Keras JSON, which the grader rebuilds; anything else as its type's name.
    to_json = getattr(value, "to_json", None)
    if callable(to_json) and hasattr(value, "layers"):
        text = to_json()
        if isinstance(text, str):
            return {"model_json": text}
    return {"not_a_model": type(value).__name__}
