"""``lamina.backend``: Keras 2's backend module (``from keras import backend as K``) on PyTorch.

Tensors are torch tensors; every function also takes symbolic tensors (``Input``,
layer outputs), so ``K.sum``, ``K.mean``, ... can be used inside ``Lambda`` layers,
custom layers and losses. :func:`function` evaluates any symbolic tensors of a
graph and :func:`gradients` differentiates symbolic graphs, so the Keras 2
programs that visualise filters, dream or transfer style run unchanged.
See ``docs/compat.md`` for the whole list and the differences from Keras 2.

Example:
    >>> from lamina import backend as K
    >>> from lamina.layers import Conv2D, Input
    >>> image = Input((8, 8, 3))
    >>> features = Conv2D(4, 3)(image)
    >>> loss = K.mean(features[:, :, :, 0])
    >>> grads = K.gradients(loss, image)[0]
    >>> iterate = K.function([image], [loss, grads])
    >>> loss_value, grads_value = iterate([np.zeros((1, 8, 8, 3))])
    >>> grads_value.shape
    (1, 8, 8, 3)
"""
import numpy as np  # noqa: F401  (used by the examples)

from lamina.backend.array import *  # noqa: F401,F403
from lamina.backend.control import *  # noqa: F401,F403
from lamina.backend.function import function  # noqa: F401
from lamina.backend.gradients import gradients  # noqa: F401
from lamina.backend.math import *  # noqa: F401,F403
from lamina.backend.nn import *  # noqa: F401,F403
from lamina.backend.random import *  # noqa: F401,F403
from lamina.backend.session import *  # noqa: F401,F403
from lamina.backend.variables import *  # noqa: F401,F403


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"K.{name} is not part of lamina's Keras 2 backend (lamina.backend; see docs/compat.md for what is). "
        "TensorFlow 1 sessions and graphs (get_session, set_session, placeholder feeds outside K.function) do not "
        "exist in lamina."
    )
