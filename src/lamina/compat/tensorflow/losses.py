"""``tf.losses`` (TensorFlow 2's alias of ``tf.keras.losses``): lamina's losses, Keras 2 names included.

``tf.losses.MSE``, ``tf.losses.mean_squared_error``, ``tf.losses.categorical_crossentropy``,
``tf.losses.BinaryCrossentropy``, ... are the functions and classes of :mod:`lamina.losses`.

Example:
    >>> from lamina.compat.tensorflow import losses
    >>> losses.MSE(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 0.0]])).tolist()
    [0.5]
"""
import torch  # noqa: F401  (used by the example)

from lamina import losses as _losses
from lamina.compat.tensorflow._subset import missing_names

__getattr__ = missing_names("tf.losses", fallback=_losses)


def __dir__():
    return sorted(name for name in dir(_losses) if not name.startswith("_"))
