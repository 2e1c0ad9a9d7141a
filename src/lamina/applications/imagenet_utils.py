"""ImageNet input preprocessing and prediction decoding shared by the reference architectures.

``preprocess_input(x, mode=...)`` turns images with values in ``[0, 255]`` into what a network
was trained on:

* ``"caffe"`` (VGG16/19, ResNet): RGB to BGR, then subtract the ImageNet mean pixel, no scaling;
* ``"tf"`` (InceptionV3, Xception, MobileNetV2): scale to ``[-1, 1]``;
* ``"torch"`` (DenseNet): scale to ``[0, 1]``, then normalise each channel with ImageNet's
  mean and standard deviation.

It takes NumPy arrays (returns NumPy), torch tensors (returns torch) and symbolic tensors
(records the op in a functional model). Unlike Keras, a NumPy input is never modified in
place: the result is always a new array.

``decode_predictions(preds, top=5)`` reads Keras's ``imagenet_class_index.json`` (downloaded
once into ``$LAMINA_HOME/models`` through :func:`lamina.utils.get_file`).

Example:
    >>> import numpy as np
    >>> preprocess_input(np.array([[[0.0, 127.5, 255.0]]]), mode="tf").tolist()
    [[[-1.0, 0.0, 1.0]]]
"""
import json

import numpy as np
import torch

from lamina import ops
from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.core.symbolic import KerasTensor

MODES = ("caffe", "tf", "torch")
CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"  # md5, as Keras checks it
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)

_class_index = None  # {"0": ["n01440764", "tench"], ...} once loaded


def _channel_axis(ndim, data_format):
    return -1 if data_format == "channels_last" else ndim - 3


def _per_channel(values, ndim, axis, like):
    shape = [1] * ndim
    shape[axis] = 3
    if isinstance(like, np.ndarray):
        return np.asarray(values, dtype=like.dtype).reshape(shape)
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scale a batch of images (values 0-255) the way an ImageNet network expects.

    Args:
        x: images, 3-D ``(h, w, 3)`` or 4-D ``(batch, h, w, 3)`` (channels first with
            ``data_format="channels_first"``): NumPy array, list, torch tensor or symbolic tensor.
        data_format: ``"channels_last"`` or ``"channels_first"``; default ``image_data_format()``.
        mode: ``"caffe"``, ``"tf"`` or ``"torch"`` (see the module docstring).

    Returns:
        A new array of the same kind (NumPy float input keeps its dtype; integers become
        ``floatx()``).

    Example:
        >>> x = np.full((1, 2, 2, 3), 255.0)
        >>> preprocess_input(x, mode="caffe")[0, 0, 0].round(3).tolist()   # BGR minus the mean pixel
        [151.061, 138.221, 131.32]
        >>> x[0, 0, 0].tolist()                                           # the input is unchanged
        [255.0, 255.0, 255.0]
    """
    if mode not in MODES:
        raise ValueError(f"preprocess_input: mode must be one of {MODES}; received mode={mode!r}")
    if data_format is None:
        data_format = config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("preprocess_input: data_format must be 'channels_last' or 'channels_first'; "
                         f"received data_format={data_format!r}")
    if isinstance(x, (list, tuple)):
        x = np.asarray(x)
    if isinstance(x, np.ndarray):
        x = x.astype(x.dtype if np.issubdtype(x.dtype, np.floating) else config.floatx(), copy=True)
    elif isinstance(x, (torch.Tensor, KerasTensor)):
        if not to_torch_dtype(x.dtype).is_floating_point:
            x = ops.cast(x, config.floatx())
    else:
        raise TypeError(f"preprocess_input: x must be a NumPy array, a torch tensor or a symbolic tensor; "
                        f"received {type(x).__name__}")
    ndim = len(x.shape)
    if ndim < 3:
        raise ValueError(f"preprocess_input: expected images of rank 3 or 4; received shape {tuple(x.shape)}")
    if mode == "tf":
        return x / 127.5 - 1.0
    axis = _channel_axis(ndim, data_format)
    if x.shape[axis] != 3:
        raise ValueError(f"preprocess_input: mode={mode!r} needs 3 colour channels on axis {axis} "
                         f"({data_format}); received shape {tuple(x.shape)}")
    if mode == "torch":
        return (x / 255.0 - _per_channel(TORCH_MEAN, ndim, axis, x)) / _per_channel(TORCH_STD, ndim, axis, x)
    flipped = np.flip(x, axis) if isinstance(x, np.ndarray) else torch.flip(x, [axis % ndim])
    return flipped - _per_channel(CAFFE_MEAN_BGR, ndim, axis, x)


def _load_class_index():
    global _class_index
    if _class_index is None:
        from lamina.utils.file_utils import get_file

        path = get_file("imagenet_class_index.json", CLASS_INDEX_URL, cache_subdir="models",
                        file_hash=CLASS_INDEX_HASH)
        with open(path, encoding="utf-8") as handle:
            index = json.load(handle)
        if not isinstance(index, dict) or len(index) != 1000:
            raise ValueError(f"decode_predictions: {path} is not an ImageNet class index (a JSON object with 1000 "
                             "entries like \"0\": [\"n01440764\", \"tench\"])")
        _class_index = index
    return _class_index


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction: ``[[(wnid, name, score), ...], ...]``.

    Args:
        preds: a batch of 1000-class predictions, shape ``(samples, 1000)`` (NumPy or torch).
        top: how many classes to return per sample, best first.

    Example:
        >>> decode_predictions(np.zeros((2, 10)))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: decode_predictions: expects ... of shape (samples, 1000); received shape (2, 10)
    """
    if isinstance(preds, torch.Tensor):
        preds = preds.detach().cpu().numpy()
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("decode_predictions: expects a batch of ImageNet predictions of shape (samples, 1000); "
                         f"received shape {preds.shape}")
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or not 1 <= top <= 1000:
        raise ValueError(f"decode_predictions: top must be an integer between 1 and 1000; received top={top!r}")
    index = _load_class_index()
    results = []
    for pred in preds:
        best = np.argsort(-pred, kind="stable")[:top]
        results.append([(*index[str(i)], pred[i]) for i in best])
    return results
