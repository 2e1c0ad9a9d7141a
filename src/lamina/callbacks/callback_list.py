"""``CallbackList``: calls a list of callbacks, and only the hooks they implement.

Built once per ``fit``/``evaluate``/``predict``. It adds the ``History`` and the
progress bar, gives every callback the model and the parameters, and works out which
callbacks override which hook: the per-batch hooks are then a loop over a (usually
empty) list, and the training loop asks :attr:`CallbackList.wants` before it even
prepares batch logs.

Example:
    >>> from lamina.callbacks import Callback
    >>> class Seen(Callback):
    ...     def on_train_batch_end(self, batch, logs=None):
    ...         print(batch, logs)
    >>> callbacks = CallbackList([Seen()], epochs=1, steps=2)
    >>> callbacks.wants("on_train_batch_end"), callbacks.wants("on_train_batch_begin")
    (True, False)
    >>> callbacks.on_train_batch_end(0, {"loss": 1.0})
    0 {'loss': 1.0}
"""
from lamina.callbacks.callback import HOOKS, Callback, overrides
from lamina.callbacks.history import History
from lamina.callbacks.logs import LazyLogs, pythonify_logs
from lamina.callbacks.progbar_logger import ProgbarLogger

# hook -> the hooks whose override means the callback wants it called
_ALIASES = {
    "on_train_batch_begin": ("on_train_batch_begin", "on_batch_begin"),
    "on_train_batch_end": ("on_train_batch_end", "on_batch_end"),
}


class CallbackList(Callback):
    """A container that forwards every hook to its callbacks, in order.

    Args:
        callbacks: a list of callbacks (or ``None``).
        add_history: append a :class:`History` if none is in the list.
        add_progbar: append a :class:`ProgbarLogger` if none is in the list.
        model: the model, given to every callback.
        **params: ``verbose``, ``epochs``, ``steps``: given to every callback as ``params``.

    Example:
        >>> callbacks = CallbackList(add_history=True, epochs=2, steps=None)
        >>> [type(c).__name__ for c in callbacks.callbacks]
        ['History']
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        if callbacks is None:
            callbacks = []
        elif not isinstance(callbacks, (list, tuple)):
            callbacks = [callbacks]
        for index, callback in enumerate(callbacks):
            if not any(callable(getattr(callback, hook, None)) for hook in HOOKS):
                raise TypeError(
                    f"callbacks[{index}] must be a Callback (an object with on_epoch_end and the other hooks); "
                    f"received {type(callback).__name__}: {callback!r:.100}"
                )
        self.callbacks = list(callbacks)
        self.history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if self.history is None and add_history:
            self.history = History()
            self.callbacks.append(self.history)
        self.progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self.progbar is None and add_progbar:
            self.progbar = ProgbarLogger()
            self.callbacks.append(self.progbar)
        self._plan = {
            hook: [c for c in self.callbacks if overrides(c, *_ALIASES.get(hook, (hook,)))] for hook in HOOKS
        }
        self.set_model(model)
        self.set_params(params)

    def wants(self, hook):
        """True if some callback implements ``hook`` (or its Keras 2 spelling).

        Example:
            >>> CallbackList().wants("on_epoch_end")
            False
        """
        return bool(self._plan[hook])

    def append(self, callback):
        """Add a callback at the end (before the next ``fit`` starts)."""
        self.callbacks.append(callback)
        for hook in HOOKS:
            if overrides(callback, *_ALIASES.get(hook, (hook,))):
                self._plan[hook].append(callback)
        callback.set_model(self.model)
        callback.set_params(self.params)

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        self._model = model
        if self.history is not None:
            model.history = self.history
        for callback in self.callbacks:
            callback.set_model(model)

    def _call(self, hook, *args, logs=None):
        callbacks = self._plan[hook]
        if not callbacks:
            return
        plain = None
        by_keyword = "batch" in hook  # as Keras: batch hooks get logs=..., the others positionally
        for callback in callbacks:
            if getattr(callback, "accepts_lazy_logs", False) and isinstance(logs, LazyLogs):
                value = logs
            else:
                if plain is None:
                    plain = pythonify_logs(logs)
                value = plain
            if by_keyword:
                getattr(callback, hook)(*args, logs=value)
            else:
                getattr(callback, hook)(*args, value)

    # -- hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        self.on_train_batch_begin(batch, logs)

    def on_batch_end(self, batch, logs=None):
        self.on_train_batch_end(batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs=logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        callbacks = self._plan["on_predict_batch_end"]
        for callback in callbacks:  # outputs are arrays, passed as they are (Keras does the same)
            callback.on_predict_batch_end(batch, logs=logs)

    def __iter__(self):
        return iter(self.callbacks)
