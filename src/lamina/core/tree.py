"""Tiny helpers for nested structures of lists, tuples and dicts (Keras's ``tree``).

Example:
    >>> flatten({"b": [1, 2], "a": 3})
    [3, 1, 2]
    >>> map_structure(lambda x: x * 10, (1, [2]))
    (10, [20])
"""


def is_nested(x):
    """True for lists, tuples and dicts.

    Example:
        >>> is_nested([1]), is_nested(1)
        (True, False)
    """
    return isinstance(x, (list, tuple, dict))


def flatten(structure):
    """All leaves in order (dicts by sorted key, as Keras does).

    Example:
        >>> flatten([1, (2, {"x": 3})])
        [1, 2, 3]
    """
    out = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, dict):
        for key in sorted(x, key=str):
            _flatten_into(x[key], out)
    elif isinstance(x, (list, tuple)):
        for item in x:
            _flatten_into(item, out)
    else:
        out.append(x)


def map_structure(fn, structure):
    """Apply ``fn`` to every leaf, keeping the structure (namedtuples too).

    Example:
        >>> map_structure(str, {"a": [1]})
        {'a': ['1']}
    """
    if isinstance(structure, dict):
        return type(structure)((k, map_structure(fn, v)) for k, v in structure.items())
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*(map_structure(fn, v) for v in structure))
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, v) for v in structure)
    return fn(structure)


def pack_sequence_as(structure, flat):
    """Rebuild ``structure`` with leaves taken in order from ``flat``.

    Example:
        >>> pack_sequence_as([0, (0, 0)], [1, 2, 3])
        [1, (2, 3)]
    """
    it = iter(flat)
    if not is_nested(structure):
        return next(it)
    return _pack(structure, it)


def _pack(structure, it):
    if isinstance(structure, dict):
        keys = sorted(structure, key=str)
        values = {k: _pack(structure[k], it) for k in keys}
        return type(structure)((k, values[k]) for k in structure)
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*(_pack(v, it) for v in structure))
    if isinstance(structure, (list, tuple)):
        return type(structure)(_pack(v, it) for v in structure)
    return next(it)
