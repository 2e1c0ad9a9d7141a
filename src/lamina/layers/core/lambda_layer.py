"""``Lambda``: wrap an arbitrary function of tensors as a layer.

Example:
    >>> Lambda(lambda x: x * 2)(torch.ones(1)).tolist()
    [2.0]
"""
import inspect

from lamina.core import registry, tree
from lamina.core.symbolic import KerasTensor
from lamina.layers.layer import Layer


@registry.register()
class Lambda(Layer):
    """Call ``function(inputs, **arguments)``; ``mask``/``training`` are passed if the function takes them.

    Args:
        function: the function to wrap (it may use ``lamina.ops``, ``lamina.backend`` or ``torch``).
        output_shape: used only when the output shape cannot be inferred by running the function.
        mask: a mask (or a function ``(inputs, mask) -> mask``) for the output.
        arguments: extra keyword arguments for ``function``.

    A model holding a ``Lambda`` can be saved, but loading it requires
    ``safe_mode=False`` because the function is code.

    Example:
        >>> Lambda(lambda x, k: x + k, arguments={"k": 1.0})(torch.zeros(1)).tolist()
        [1.0]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda '{self.name}': function must be callable; received {function!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_takes_mask = "mask" in params
        self._fn_takes_training = "training" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_mask:
            kwargs["mask"] = mask
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def compute_output_spec(self, *args, **kwargs):
        try:
            return super().compute_output_spec(*args, **kwargs)
        except Exception:
            if self._output_shape is None:
                raise
        first = args[0] if args else kwargs.get("inputs")
        shape = self._output_shape
        if callable(shape):
            shape = shape(tree.map_structure(lambda t: t.shape, first))
        batch = tree.flatten(first)[0].shape[0]
        if isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape):
            return KerasTensor((batch,) + tuple(shape), dtype=self.compute_dtype)
        return tree.map_structure(lambda s: KerasTensor((batch,) + tuple(s), dtype=self.compute_dtype), list(shape))

    def get_config(self):
        config = super().get_config()
        config.update({
            "function": getattr(self.function, "__name__", repr(self.function)),
            "output_shape": self._output_shape if not callable(self._output_shape) else None,
            "arguments": self.arguments,
        })
        return config
