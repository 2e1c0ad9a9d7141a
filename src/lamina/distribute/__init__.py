"""``lamina.distribute``: data-parallel training over several processes on PyTorch's distributed engine.

Start one process per device with ``torchrun`` (or :func:`launch` on one machine),
create a :class:`DataParallel` in each, and compile the model inside its scope (TF's
``MirroredStrategy``) or after :func:`set_distribution` (Keras 3). ``fit`` then
splits every global batch over the processes, averages the gradients and the
metrics, and writes files on the chief only. See ``docs/distributed.md``.

Example:
    >>> import lamina as keras
    >>> strategy = keras.distribute.MirroredStrategy()
    >>> with strategy.scope():
    ...     model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    ...     model.compile(optimizer="sgd", loss="mse")
    >>> strategy.num_replicas_in_sync
    1
"""
from lamina.distribute.context import distribution, set_distribution
from lamina.distribute.launch import launch
from lamina.distribute.strategy import DataParallel, MirroredStrategy, MultiWorkerMirroredStrategy

__all__ = ["DataParallel", "MirroredStrategy", "MultiWorkerMirroredStrategy", "distribution", "launch",
           "set_distribution"]
