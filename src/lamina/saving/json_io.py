"""Reading JSON from files that may be hostile: bounded size and nesting, dicts at the top.

Python's ``json`` recurses once per nesting level, so a document nested 100,000
deep would exhaust the stack; :func:`parse_json` measures the depth with a linear
scan first and refuses anything deeper than :data:`~lamina.saving.limits.MAX_JSON_DEPTH`.

Example:
    >>> parse_json(b'{"class_name": "Dense"}', "config.json")
    {'class_name': 'Dense'}
    >>> parse_json("[" * 1000 + "]" * 1000, "config.json")
    Traceback (most recent call last):
    ...
    lamina.saving.errors.LoadError: config.json: JSON nested deeper than 200 levels
"""
import itertools
import json
import re

from lamina.saving import limits
from lamina.saving.errors import LoadError


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text):
    """The deepest nesting of ``[``/``{`` in ``text``, ignoring brackets inside strings.

    Example:
        >>> json_depth('{"a": [1, "[[["]}')
        2
    """
    steps = (1 if m.group() in "[{" else -1 for m in _BRACKETS.finditer(_STRING.sub("", text)))
    return max(itertools.accumulate(steps, initial=0))


def parse_json(data, what, expect=dict):
    """Parse ``data`` (bytes or str) after checking its size and depth; raise ``LoadError`` naming ``what``.

    Example:
        >>> parse_json(b"[1, 2]", "x.json", expect=list)
        [1, 2]
    """
    if isinstance(data, (bytes, bytearray)):
        if len(data) > limits.MAX_JSON_BYTES:
            raise LoadError(f"{what}: {len(data)} bytes of JSON exceed the limit of {limits.MAX_JSON_BYTES}")
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as error:
            raise LoadError(f"{what}: not UTF-8 text ({error})") from None
    if not isinstance(data, str):
        raise LoadError(f"{what}: expected JSON text; found {type(data).__name__}")
    if len(data) > limits.MAX_JSON_BYTES:
        raise LoadError(f"{what}: {len(data)} characters of JSON exceed the limit of {limits.MAX_JSON_BYTES}")
    if json_depth(data) > limits.MAX_JSON_DEPTH:
        raise LoadError(f"{what}: JSON nested deeper than {limits.MAX_JSON_DEPTH} levels")
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise LoadError(f"{what}: not valid JSON ({error})") from None
    if expect is not None and not isinstance(value, expect):
        raise LoadError(f"{what}: expected a JSON {expect.__name__}; found {type(value).__name__}")
    return value


def to_json(value, **kwargs):
    """``json.dumps`` that names the offending value when something is not JSON-safe.

    Example:
        >>> to_json({"units": 3})
        '{"units": 3}'
    """
    try:
        return json.dumps(value, **kwargs)
    except TypeError as error:
        raise TypeError(f"cannot write the config as JSON: {error}. Configs may hold only numbers, strings, "
                        "booleans, None, lists and dicts (get_config must return JSON-safe values)") from None
