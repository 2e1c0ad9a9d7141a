"""``tf.function``: accepted as a decorator (with or without arguments) and runs the function eagerly.

Example:
    >>> @function
    ... def double(x):
    ...     return x * 2
    >>> double(torch.ones(1)).tolist()
    [2.0]
"""
import functools

import torch  # noqa: F401  (used by the example)

_KNOWN = {"input_signature", "autograph", "jit_compile", "reduce_retracing", "experimental_relax_shapes",
          "experimental_compile", "experimental_implements", "experimental_autograph_options",
          "experimental_attributes", "experimental_follow_type_hints", "name"}


def function(func=None, **kwargs):
    """``@tf.function`` / ``@tf.function(jit_compile=True, ...)``: the function itself, run eagerly.

    Example:
        >>> function(jit_compile=True)(lambda: 3)()
        3
    """
    unknown = set(kwargs) - _KNOWN
    if unknown:
        raise TypeError(f"tf.function: unknown arguments {sorted(unknown)}; expected some of {sorted(_KNOWN)}")
    if func is None:
        return function

    @functools.wraps(func)
    def eager(*args, **call_kwargs):
        return func(*args, **call_kwargs)

    eager.python_function = func
    return eager
