"""``LambdaCallback``: a callback made of plain functions, for quick one-off hooks.

Example:
    >>> seen = []
    >>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append((epoch, logs["loss"])))
    >>> cb.on_epoch_end(0, {"loss": 0.5}); seen
    [(0, 0.5)]
"""
from lamina.callbacks.callback import HOOKS, Callback


class LambdaCallback(Callback):
    """Build a callback from functions (``keras.callbacks.LambdaCallback``).

    Args:
        on_epoch_begin, on_epoch_end: ``fn(epoch, logs)``.
        on_batch_begin, on_batch_end, on_train_batch_begin, ...: ``fn(batch, logs)``.
        on_train_begin, on_train_end, ...: ``fn(logs)``.
        Any hook of :class:`Callback` can be given.

    Only the hooks given are called (the others cost nothing).

    Example:
        >>> LambdaCallback(on_train_end=lambda logs: print("done")).on_train_end({})
        done
        >>> LambdaCallback(on_epoch_ending=print)
        Traceback (most recent call last):
        ...
        TypeError: LambdaCallback: unknown hook(s) ['on_epoch_ending']; the hooks are on_train_begin, ...
    """

    def __init__(self, **hooks):
        super().__init__()
        unknown = sorted(set(hooks) - set(HOOKS))
        if unknown:
            raise TypeError(f"LambdaCallback: unknown hook(s) {unknown}; the hooks are {', '.join(HOOKS)}")
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(f"LambdaCallback: {name} must be a function; received {fn!r}")
            setattr(self, name, fn)
