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
from lamina.core.variable import Variable

# -- public submodules: add yours here, one line each, keeping this order ----------
from lamina import ops
from lamina import random
from lamina.autodiff import GradientTape, clip_by_value, clip_by_norm, clip_by_global_norm
from lamina import datasets
from lamina import preprocessing
from lamina import activations, constraints, initializers, regularizers
from lamina import losses
from lamina import metrics
from lamina import optimizers
from lamina import layers
from lamina import models
from lamina import callbacks
from lamina import distribute
from lamina import saving
from lamina import utils
from lamina import backend
from lamina import applications
from lamina import wrappers
from lamina.layers import Input, InputSpec, Layer
from lamina.models import Functional, Model, Sequential
