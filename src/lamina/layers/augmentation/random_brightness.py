"""``RandomBrightness``: add a random offset to each training image, clipped to the value range.

Example:
    >>> x = torch.rand(2, 4, 4, 3) * 255
    >>> torch.equal(RandomBrightness(0.2)(x), x)  # inference: unchanged
    True
"""
from lamina.core import registry
from lamina.core.symbolic import in_symbolic_scope
from lamina.layers.augmentation.image_layer import ImageLayer
from lamina.layers.augmentation.random_contrast import check_value_range


@registry.register()
class RandomBrightness(ImageLayer):
    """Add ``delta * (high - low)`` with ``delta`` uniform in ``factor``'s range, per image; clip to ``value_range``.

    Args:
        factor: a number ``f`` in [-1, 1] (``delta`` in ``[-f, f]``) or a pair ``(low, high)``.
        value_range: the pixel range (``(0, 255)`` by default).
        seed: integer seed for reproducible offsets.

    Example:
        >>> RandomBrightness((0.5, 0.5), value_range=(0, 1))(torch.zeros(1, 2, 2, 1), training=True).flatten().tolist()
        [0.5, 0.5, 0.5, 0.5]
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = self._check_factor(factor, "factor", -1.0, 1.0)
        self.value_range = check_value_range(value_range, self._label)

    def call(self, inputs, training=False):
        images = self._float(inputs)
        if not training or in_symbolic_scope():
            return images
        shape = [1] * images.dim()
        if images.dim() == 4:
            shape[0] = images.shape[0]
        low, high = self.value_range
        delta = self._uniform(shape, self.factor[0], self.factor[1], images).to(images.dtype) * (high - low)
        return (images + delta).clamp(low, high)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
