"""``tf.distribute``: TF's strategies, served by :mod:`lamina.distribute` (data parallel on torch.distributed).

``MirroredStrategy`` and ``MultiWorkerMirroredStrategy`` are
:class:`lamina.distribute.DataParallel`: start the program with ``torchrun`` (one
process per device) and use ``with strategy.scope():`` as in TensorFlow. Outside
``torchrun`` the strategy has one replica. See ``docs/distributed.md``.

Example:
    >>> import lamina.compat.tensorflow as tf
    >>> strategy = tf.distribute.MirroredStrategy()
    >>> with strategy.scope():
    ...     tf.distribute.get_strategy() is strategy
    True
    >>> strategy.num_replicas_in_sync
    1
"""
from lamina.compat.tensorflow._subset import missing_names
from lamina.distribute import DataParallel, MirroredStrategy, MultiWorkerMirroredStrategy, distribution  # noqa: F401

Strategy = DataParallel
_default = None


def get_strategy():
    """The strategy whose ``scope()`` is active (or set by ``set_distribution``), else a one-replica default.

    Example:
        >>> get_strategy().num_replicas_in_sync
        1
    """
    global _default
    current = distribution()
    if current is not None:
        return current
    if _default is None:
        _default = DataParallel()
    return _default


def has_strategy():
    """Whether a strategy's scope is active (or one was set globally).

    Example:
        >>> has_strategy()
        False
    """
    return distribution() is not None


__getattr__ = missing_names("tf.distribute")
