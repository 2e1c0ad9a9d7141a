"""Unique automatic names for layers, models and ops (``dense``, ``dense_1``, ...).

Names are unique within a session, as in Keras; :func:`clear_session` starts the
counters again. (Weights inside ``state_dict`` use structural keys instead, so
two identical models always have identical keys.)

Example:
    >>> reset_names()
    >>> unique_name("dense"), unique_name("dense")
    ('dense', 'dense_1')
"""
import re

_counters = {}


def to_snake_case(name):
    """``'Conv2DTranspose'`` -> ``'conv2d_transpose'``, as Keras names layers.

    Example:
        >>> to_snake_case("BatchNormalization")
        'batch_normalization'
    """
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def unique_name(prefix):
    """Return ``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ...

    Example:
        >>> unique_name("model"), unique_name("model")
        ('model', 'model_1')
    """
    count = _counters.get(prefix, 0)
    _counters[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reserve_name(name):
    """Note that ``name`` was chosen by the user, so auto-names skip past it.

    Example:
        >>> reserve_name("dense")
    """
    match = re.fullmatch(r"(.*?)(?:_(\d+))?", name)
    prefix, index = match.group(1), match.group(2)
    index = 0 if index is None else int(index)
    if _counters.get(prefix, 0) <= index and prefix == to_snake_case(prefix):
        _counters[prefix] = index + 1


def reset_names():
    """Forget every name handed out so far.

    Example:
        >>> reset_names()
    """
    _counters.clear()
