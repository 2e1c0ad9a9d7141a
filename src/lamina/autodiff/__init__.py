"""``lamina.autodiff``: ``GradientTape`` and TensorFlow's clipping functions, on torch autograd.

Example:
    >>> import lamina
    >>> x, y = lamina.Variable(1.0), lamina.Variable(2.0)
    >>> with lamina.GradientTape() as tape:
    ...     z = x ** 2 + y ** 2
    >>> [g.item() for g in tape.gradient(z, [x, y])]
    [2.0, 4.0]
"""
from lamina.autodiff.clipping import clip_by_global_norm, clip_by_norm, clip_by_value, global_norm  # noqa: F401
from lamina.autodiff.tape import GradientTape  # noqa: F401
