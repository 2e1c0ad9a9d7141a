"""The numpy-like half of ``lamina.ops`` (``keras.ops.numpy``), gathered in one namespace.

Example:
    >>> from lamina.ops import numpy as knp
    >>> knp.sum(knp.ones((2, 3)), axis=1).tolist()
    [3.0, 3.0]
"""
from lamina.ops.core import *  # noqa: F401,F403
from lamina.ops.creation import *  # noqa: F401,F403
from lamina.ops.elementwise import *  # noqa: F401,F403
from lamina.ops.indexing import *  # noqa: F401,F403
from lamina.ops.linalg import *  # noqa: F401,F403
from lamina.ops.reduction import *  # noqa: F401,F403
from lamina.ops.shape import *  # noqa: F401,F403
