"""``Callback``: the base class of everything ``fit``/``evaluate``/``predict`` call back into.

Subclass it and override the hooks you need; ``self.model`` is the model being
trained and ``self.params`` holds ``{'verbose', 'epochs', 'steps'}``. Hooks you do
not override cost nothing: the training loop checks, once per ``fit``, which hooks
each callback overrides and never calls the others.

Example:
    >>> class CountEpochs(Callback):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.epochs = 0
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         self.epochs += 1
    >>> cb = CountEpochs(); cb.on_epoch_end(0, {"loss": 1.0}); cb.epochs
    1
"""

# Every hook a callback can receive, in the order of a typical fit.
HOOKS = (
    "on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_batch_begin", "on_train_batch_end",
    "on_batch_end", "on_epoch_end", "on_train_end", "on_test_begin", "on_test_batch_begin", "on_test_batch_end",
    "on_test_end", "on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end",
)


class Callback:
    """Base class of callbacks (``keras.callbacks.Callback``).

    Attributes:
        model: the model the callback is attached to (set by ``fit``).
        params: training parameters: ``verbose``, ``epochs``, ``steps`` (batches per epoch,
            ``None`` when unknown).

    ``on_train_batch_begin``/``on_train_batch_end`` call the Keras 2 hooks
    ``on_batch_begin``/``on_batch_end`` by default, so either spelling works.
    ``logs`` are dicts of Python floats (``loss``, the metrics, and at epoch end the
    ``val_`` ones).

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(f"epoch {epoch}: loss {logs['loss']:.2f}")
        >>> PrintLoss().on_epoch_end(0, {"loss": 0.5})
        epoch 0: loss 0.50
    """

    def __init__(self):
        self.params = {}
        self._model = None
        self.validation_data = None

    def set_params(self, params):
        """Receive the training parameters (called by ``fit``)."""
        self.params = params

    def set_model(self, model):
        """Receive the model (called by ``fit``)."""
        self._model = model

    @property
    def model(self):
        """The model being trained."""
        return self.__dict__.get("_model")

    @model.setter
    def model(self, model):
        self._model = model

    # -- training ------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        """Called once at the start of ``fit``."""

    def on_train_end(self, logs=None):
        """Called once at the end of ``fit``; ``logs`` are the last epoch's."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of each epoch (``epoch`` counts from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of each epoch with its metrics (and the ``val_`` ones)."""

    def on_batch_begin(self, batch, logs=None):
        """Keras 2 spelling of :meth:`on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Keras 2 spelling of :meth:`on_train_batch_end`."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training batch; calls :meth:`on_batch_begin` unless overridden."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after each training batch with the epoch's running metrics."""
        self.on_batch_end(batch, logs=logs)

    # -- evaluation -------------------------------------------------------------------
    def on_test_begin(self, logs=None):
        """Called at the start of ``evaluate`` (and of each validation run in ``fit``)."""

    def on_test_end(self, logs=None):
        """Called at the end of ``evaluate`` with its results."""

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each evaluation batch with the running metrics."""

    # -- prediction ---------------------------------------------------------------------
    def on_predict_begin(self, logs=None):
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """Called at the end of ``predict``."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each prediction batch; ``logs['outputs']`` holds the batch's predictions."""


def overrides(callback, *hooks):
    """True if ``callback`` implements any of ``hooks`` itself (not just :class:`Callback`'s no-op).

    A hook set as an instance attribute (as :class:`LambdaCallback` does) counts too.
    Objects that do not derive from :class:`Callback` (duck-typed callbacks) count as
    overriding every hook they have.

    Example:
        >>> class OnEpoch(Callback):
        ...     def on_epoch_end(self, epoch, logs=None): pass
        >>> overrides(OnEpoch(), "on_epoch_end"), overrides(OnEpoch(), "on_batch_end")
        (True, False)
    """
    cls = type(callback)
    instance_hooks = getattr(callback, "__dict__", {})
    for hook in hooks:
        if hook in instance_hooks:
            return True
        method = getattr(cls, hook, None)
        if method is None:
            continue
        if not isinstance(callback, Callback) or method is not getattr(Callback, hook):
            return True
    return False
