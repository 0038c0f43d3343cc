"""Values to and from the learner's kernel as JSON: no pickle, nothing of the learner's code runs on decode.

The grader sends a check's cases into the learner's kernel and brings the
answers' outputs back. Pickle would let a crafted output run code in the
grader, so both directions use JSON with tags for what JSON lacks:

- an ``ndarray`` is its dtype string, shape and raw bytes (base64), so
  float32 stays float32 and NaN stays NaN; object arrays come back as
  object arrays of the right shape holding None (their dtype is what a
  checker reports);
- tuples stay tuples and lists stay lists (``compare_exact`` tells them apart);
- NumPy scalars keep their dtype; ``...`` and ``NotImplemented`` (the stubs
  of value answers) survive;
- anything else comes back as a :class:`poolutils.checks.core.Opaque`
  stand-in carrying the learner's type name, so a checker can say
  "returned a set".

The learner's kernel encodes with this module too (see
:mod:`poolutils.grading.harness`), so it imports nothing heavier than NumPy
and nothing of ``poolutils.checks`` (kernels do not have it).

Examples
--------
>>> import numpy as np
>>> back = decode(encode({"x": (np.float32(1.5), [np.arange(3, dtype=np.int8)]), "n": None}))
>>> back["x"][0], back["x"][1][0], back["n"]
(np.float32(1.5), array([0, 1, 2], dtype=int8), None)
>>> decode(encode({1, 2}))
{1, 2}
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np

# dtype kinds rebuilt from raw bytes; any other kind (object, structured) is rebuilt empty.
_RAW_KINDS = "biufcmMSU"
# The deepest nesting sent or rebuilt: a self-containing list must not exhaust the stack.
_MAX_DEPTH = 32


def encode(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data (see the module docstring for the tags)."""
    if depth > _MAX_DEPTH:
        return {"opaque": type(value).__name__, "text": "nested too deeply"}
    if value is None or isinstance(value, bool | str):
        return value
    if value is Ellipsis:
        return {"ellipsis": True}
    if value is NotImplemented:
        return {"notimplemented": True}
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if isinstance(value, np.generic):
        return {"npscalar": _encode_array(np.asarray(value))["ndarray"]}
    if isinstance(value, int):
        return {"int": str(value)} if type(value) is not int else value
    if isinstance(value, float) and type(value) is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    if type(value) is tuple:
        return {"tuple": [encode(v, depth + 1) for v in value]}
    if type(value) is list:
        return [encode(v, depth + 1) for v in value]
    if type(value) is dict:
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    try:
        text = repr(value)
    except Exception as err:  # a learner's object may fail even to print itself
        text = f"repr() raised {type(err).__name__}"
    return {"opaque": type(value).__name__, "text": text[:200]}


def _encode_array(array: np.ndarray) -> dict:
    spec = {"dtype": array.dtype.str, "shape": list(array.shape)}
    if array.dtype.kind in _RAW_KINDS and array.dtype.names is None:
        spec["data"] = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
    else:
        spec["dtype"] = "object"
    return {"ndarray": spec}


def decode(data: Any, depth: int = 0) -> Any:
    """Rebuild a value from :func:`encode`'s data; raises ValueError on anything malformed."""
    if depth > _MAX_DEPTH:
        raise ValueError("nested too deeply")
    if data is None or isinstance(data, bool | str | int | float):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) > 2:
        raise ValueError(f"not an encoded value: {type(data).__name__}")
    if "ellipsis" in data:
        return Ellipsis
    if "notimplemented" in data:
        return NotImplemented
    if "int" in data:
        return int(data["int"])
    if "float" in data:
        return float(data["float"])
    if "tuple" in data:
        return tuple(decode(v, depth + 1) for v in data["tuple"])
    if "dict" in data:
        return {_key(decode(k, depth + 1)): decode(v, depth + 1) for k, v in data["dict"]}
    if "ndarray" in data:
        return _decode_array(data["ndarray"])
    if "npscalar" in data:
        return _decode_array(data["npscalar"])[()]
    if "opaque" in data:
        from poolutils.checks.core import Opaque  # grader side only: kernels get no checks package

        return Opaque(str(data["opaque"]), str(data.get("text", "")))
    raise ValueError(f"unknown tag in {sorted(data)}")


def _key(key: Any) -> Any:
    hash(key)  # a list as a dict key: malformed data, raises TypeError
    return key


def _decode_array(spec: dict) -> np.ndarray:
    shape = tuple(int(n) for n in spec["shape"])
    if any(n < 0 for n in shape):
        raise ValueError(f"negative array shape {shape}")
    if spec["dtype"] == "object":
        return np.empty(shape, dtype=object)
    dtype = np.dtype(str(spec["dtype"]))
    if dtype.kind not in _RAW_KINDS or dtype.names is not None:
        raise ValueError(f"array dtype {dtype} is not rebuilt from bytes")
    raw = base64.b64decode(spec["data"], validate=True)
    if len(raw) != dtype.itemsize * math.prod(shape):
        raise ValueError("array bytes do not match its dtype and shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def dumps(value: Any) -> str:
    """``value`` encoded as JSON text (standard JSON: no NaN literals)."""
    return json.dumps(encode(value), allow_nan=False)


def loads(text: str) -> Any:
    """A value from :func:`dumps`' text."""
    return decode(json.loads(text))
