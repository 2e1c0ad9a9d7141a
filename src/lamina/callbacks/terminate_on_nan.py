"""``TerminateOnNaN``: stop training as soon as the loss becomes NaN or infinite.

Example:
    >>> class FakeModel:
    ...     stop_training = False
    >>> cb = TerminateOnNaN(); cb.set_model(FakeModel())
    >>> cb.on_batch_end(3, {"loss": float("nan")})
    Batch 3: Invalid loss, terminating training
    >>> cb.model.stop_training
    True
"""
import math

from lamina.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop ``fit`` at the first batch whose loss is NaN or infinite (``keras.callbacks.TerminateOnNaN``).

    Args:
        raise_error: raise a ``RuntimeError`` instead of stopping gracefully (then
            ``on_train_end`` of the other callbacks is not called).

    It reads the loss after every batch, which costs one host sync per batch.

    Example:
        >>> TerminateOnNaN(raise_error=True).raise_error
        True
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"TerminateOnNaN: the loss at batch {batch} is {loss}; training stopped.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
