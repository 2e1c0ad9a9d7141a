"""How a TensorFlow namespace of lamina's subset reports a name it does not have.

Each module of ``lamina.compat.tensorflow`` ends with
``__getattr__ = missing_names("tf.nn")``: asking it for a name it lacks raises an
``AttributeError`` that names the attribute and says it is outside the subset,
so a ``lamina run`` user knows which line to change.

Example:
    >>> getattr_ = missing_names("tf.nn")
    >>> getattr_("ctc_beam_search_decoder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AttributeError: tf.nn.ctc_beam_search_decoder is not part of lamina's TensorFlow subset (see docs/compat.md ...
"""


def missing_names(namespace, fallback=None):
    """A module ``__getattr__`` for ``namespace``; ``fallback`` (a module) is searched first, if given.

    Example:
        >>> import math
        >>> missing_names("tf.example", fallback=math)("pi") == math.pi
        True
    """

    def __getattr__(name):
        if fallback is not None and not name.startswith("__"):
            try:
                return getattr(fallback, name)
            except AttributeError:
                pass
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"{namespace}.{name} is not part of lamina's TensorFlow subset (see docs/compat.md for what is); "
            "write it with lamina.ops / torch, or run the program on TensorFlow"
        )

    return __getattr__
