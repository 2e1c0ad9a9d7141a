"""The distribution in effect: ``set_distribution``, ``distribution``, and what ``strategy.scope()`` sets.

Keras 3 keeps one global distribution (``keras.distribution.set_distribution``); TF
code enters ``strategy.scope()``. Both set the value read here; ``compile()`` records
it on the model, so a model compiled inside a scope trains distributed after the
scope is left (TF's ``with strategy.scope(): model.compile(...)`` then ``model.fit``).

Example:
    >>> from lamina import distribute
    >>> distribute.distribution() is None
    True
"""

_current = None


def distribution():
    """The distribution set by :func:`set_distribution` or the innermost ``scope()``, else ``None``.

    Example:
        >>> from lamina import distribute
        >>> strategy = distribute.DataParallel()
        >>> with strategy.scope():
        ...     distribute.distribution() is strategy
        True
    """
    return _current


def set_distribution(value):
    """Make ``value`` (a :class:`~lamina.distribute.DataParallel`, or ``None``) the global distribution.

    Models compiled afterwards train with it (Keras 3's ``keras.distribution.set_distribution``).

    Example:
        >>> from lamina import distribute
        >>> distribute.set_distribution(distribute.DataParallel())
        >>> distribute.distribution().num_replicas_in_sync
        1
        >>> distribute.set_distribution(None)
    """
    global _current
    from lamina.distribute.strategy import DataParallel

    if value is not None and not isinstance(value, DataParallel):
        raise TypeError(
            f"set_distribution: expected a lamina.distribute.DataParallel (or None); received {type(value).__name__}"
        )
    _current = value
