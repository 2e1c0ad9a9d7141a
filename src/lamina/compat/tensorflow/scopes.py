"""``tf.name_scope`` and ``tf.device``: context managers accepted for compatibility.

Names are not prefixed (layers name themselves) and device placement is
torch's (``lamina.config.set_device``), so both do nothing.

Example:
    >>> with name_scope("block1"), device("/CPU:0"):
    ...     pass
"""
import contextlib

__all__ = ["name_scope", "device"]


@contextlib.contextmanager
def name_scope(name):
    """A no-op context (``with tf.name_scope('encoder'): ...``).

    Example:
        >>> with name_scope("x"):
        ...     pass
    """
    if not isinstance(name, str):
        raise TypeError(f"tf.name_scope: name must be a string; received {name!r}")
    yield name


@contextlib.contextmanager
def device(device_name):
    """A no-op context (``with tf.device('/GPU:0'): ...``); lamina places tensors on ``lamina.config.device()``.

    Example:
        >>> with device("/GPU:0"):
        ...     pass
    """
    yield
