"""``RandomContrast``: scale each training image's deviation from its mean by a random factor.

Example:
    >>> x = torch.rand(2, 4, 4, 3) * 255
    >>> torch.equal(RandomContrast(0.2)(x), x)  # inference: unchanged
    True
"""
from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.augmentation.image_layer import ImageLayer


def check_value_range(value_range, owner):
    """``value_range`` as a sorted pair of floats, or a clear error.

    Example:
        >>> check_value_range((255, 0), "RandomContrast")
        (0.0, 255.0)
    """
    try:
        low, high = sorted(float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: value_range must be a pair (low, high); received value_range={value_range!r}") \
            from None
    return low, high


@registry.register()
class RandomContrast(ImageLayer):
    """``(x - mean) * c + mean`` per image and channel, with ``c`` uniform in ``[1 - lower, 1 + upper]``, clipped.

    Args:
        factor: a number ``f`` in [0, 1] (``c`` in ``[1 - f, 1 + f]``) or a pair ``(lower, upper)``.
        value_range: the pixel range the output is clipped to (``(0, 255)`` by default).
        seed: integer seed for reproducible factors.

    Example:
        >>> out = RandomContrast(0.5, value_range=(0, 1), seed=0)(torch.rand(8, 4, 4, 3), training=True)
        >>> bool(out.min() >= 0) and bool(out.max() <= 1)
        True
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        message = (f"{self._label}: factor must be a number in [0, 1] or a pair (lower, upper) of numbers in [0, 1]; "
                   f"received factor={factor!r}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(message)
            lower, upper = (float(f) for f in factor)
        else:
            lower = upper = float(factor)
        if not (0.0 <= lower <= 1.0 and upper >= 0.0):
            raise ValueError(message)
        self.factor = (lower, upper)
        self.value_range = check_value_range(value_range, self._label)

    def call(self, inputs, training=False):
        images = self._float(inputs)
        if not training or in_symbolic_scope():
            return images
        axes = self._height_width_axes(images)
        shape = [1] * images.dim()
        if images.dim() == 4:
            shape[0] = images.shape[0]
        contrast = self._uniform(shape, 1.0 - self.factor[0], 1.0 + self.factor[1], images).to(images.dtype)
        mean = images.mean(dim=axes, keepdim=True)
        return ((images - mean) * contrast + mean).clamp(*self.value_range)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
