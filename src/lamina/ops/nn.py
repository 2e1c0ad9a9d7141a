"""The neural-network half of ``lamina.ops`` (``keras.ops.nn``), gathered in one namespace.

Example:
    >>> from lamina.ops import nn
    >>> nn.relu([-1.0, 1.0]).tolist()
    [0.0, 1.0]
"""
from lamina.ops.activation import *  # noqa: F401,F403
from lamina.ops.attention import *  # noqa: F401,F403
from lamina.ops.convolution import *  # noqa: F401,F403
from lamina.ops.losses import *  # noqa: F401,F403
from lamina.ops.normalization import *  # noqa: F401,F403
