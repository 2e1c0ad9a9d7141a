"""``Hashing``: map strings or integers to ``num_bins`` buckets with TensorFlow's FarmHash fingerprint.

Example:
    >>> Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).tolist()
    [[1], [0], [1], [1], [2]]
"""
import numpy as np
import torch

from lamina.core import registry
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.category_encoding import encode_categorical
from lamina.layers.preprocessing.farmhash import fingerprint64
from lamina.layers.preprocessing.preprocessing_data import to_numpy

_MODES = ("int", "one_hot", "multi_hot", "count")


def hash_buckets(values, num_buckets):
    """``fingerprint64(str(value)) % num_buckets`` for every element of a NumPy array (Keras's bucketing).

    Integers are hashed through their decimal string, as TensorFlow's ``as_string`` does.

    Example:
        >>> hash_buckets(np.array(["Hello", "TensorFlow"]), 3).tolist()
        [0, 2]
    """
    flat = values.reshape(-1)
    out = np.fromiter((fingerprint64((v if isinstance(v, bytes) else str(v).encode("utf-8"))) % num_buckets
                       for v in flat.tolist()), dtype=np.int64, count=flat.size)
    return out.reshape(values.shape)


@registry.register()
class Hashing(Layer):
    """Hash categorical features (strings or integers) into ``num_bins`` bins.

    Bucket ``i`` is ``FarmHash64(str(value)) % num_bins`` -- the same as Keras on TensorFlow.
    With ``mask_value``, that value maps to 0 and others to ``1 + hash % (num_bins - 1)``.

    Args:
        num_bins: number of bins (including the mask bin, if any).
        mask_value: value mapped to bin 0.
        salt: not supported (Keras switches to SipHash with a salt); must be ``None``.
        output_mode: ``'int'`` (default), ``'one_hot'``, ``'multi_hot'`` or ``'count'``.

    Inputs are Python/NumPy strings or integers (or integer tensors); outputs are torch tensors.

    Example:
        >>> Hashing(num_bins=3, mask_value="")([["A"], ["B"], [""], ["C"], ["D"]]).tolist()
        [[1], [1], [0], [2], [2]]
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 1:
            raise ValueError(f"{self._label}: num_bins must be a positive integer; received num_bins={num_bins!r}")
        if salt is not None:
            raise ValueError(f"{self._label}: salt (keyed SipHash bucketing) is not supported; received salt={salt!r}")
        if output_mode not in _MODES:
            raise ValueError(f"{self._label}: unknown output_mode {output_mode!r}; valid modes are "
                             + ", ".join(repr(m) for m in _MODES))
        if sparse:
            raise ValueError(f"{self._label}: sparse=True is not supported (lamina's tensors are dense)")
        self.num_bins, self.mask_value, self.salt, self.output_mode = num_bins, mask_value, None, output_mode
        self.built = True

    def call(self, inputs):
        values = to_numpy(inputs)
        if values.dtype.kind == "f":
            raise ValueError(f"{self._label}: inputs must be strings or integers; received dtype {values.dtype}")
        if self.mask_value is None:
            bins = hash_buckets(values, self.num_bins)
        else:
            bins = hash_buckets(values, self.num_bins - 1) + 1
            bins[values == self.mask_value] = 0
        out = torch.from_numpy(bins)
        return encode_categorical(out, self.output_mode, self.num_bins)

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "mask_value": self.mask_value, "salt": None,
                       "output_mode": self.output_mode, "sparse": False})
        return config
