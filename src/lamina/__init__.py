"""lamina: Keras-compatible deep learning on PyTorch.

Write the Keras you know; PyTorch runs it.

Example:
    >>> import lamina as keras
    >>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    >>> model.count_params()
    4
"""
from lamina.version import __version__
from lamina.core import config
from lamina.core.lazy import lazy_exports as _lazy_exports
from lamina.core.variable import Variable

# -- loaded by `import lamina`: what defining, compiling and fitting a model needs -----
from lamina import ops
from lamina import random
from lamina import activations, constraints, initializers, regularizers
from lamina import losses
from lamina import metrics
from lamina import optimizers
from lamina import layers
from lamina import models
from lamina import callbacks
from lamina.layers import Input, InputSpec, Layer
from lamina.models import Functional, Model, Sequential

# -- imported on first use (`lamina.datasets`, `from lamina.utils import ...`): add yours here.
# See docs/dev.md, "Import time". tests/test_import_time.py checks none of these is loaded
# by `import lamina` and that each one resolves.
_LAZY_SUBMODULES = ("applications", "autodiff", "backend", "datasets", "distribute", "preprocessing", "saving", "tuner",
                    "utils", "visualization", "wrappers")
__getattr__, __dir__ = _lazy_exports(__name__, submodules=_LAZY_SUBMODULES, attributes={
    "GradientTape": ".autodiff", "clip_by_value": ".autodiff", "clip_by_norm": ".autodiff",
    "clip_by_global_norm": ".autodiff"})
