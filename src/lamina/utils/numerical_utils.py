"""``to_categorical`` (one-hot labels) and ``normalize`` (unit-norm rows).

Example:
    >>> to_categorical([0, 2], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""
import numpy as np
import torch

from lamina.core import config


def _integer_labels(y, num_classes):
    """Validate class labels as Keras would use them, but without silent wrap-around or truncation."""
    if y.dtype == bool or not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
        raise ValueError(f"to_categorical: y must hold integer class indices; received an array of dtype {y.dtype}")
    if np.issubdtype(y.dtype, np.floating):
        if y.size and not (np.all(np.isfinite(y)) and np.all(y == np.round(y))):
            bad = y[~(np.isfinite(y) & (y == np.round(y)))].ravel()[:5].tolist()
            raise ValueError(f"to_categorical: y must hold integer class indices; received non-integer values {bad}")
    y = y.astype("int64")
    if y.size and y.min() < 0:
        raise ValueError(f"to_categorical: class indices must be >= 0; received {int(y.min())}")
    if num_classes is not None:
        if isinstance(num_classes, bool) or int(num_classes) != num_classes or num_classes < 1:
            raise ValueError(f"to_categorical: num_classes must be a positive integer; received {num_classes!r}")
        num_classes = int(num_classes)
        if y.size and y.max() >= num_classes:
            raise ValueError(
                f"to_categorical: class index {int(y.max())} is out of range for num_classes={num_classes} "
                f"(indices must be in [0, {num_classes - 1}])"
            )
    return y, num_classes


def to_categorical(x, num_classes=None):
    """Convert integer class labels to one-hot rows (for ``categorical_crossentropy``).

    A trailing axis of size 1 is dropped first, so ``(n, 1)`` labels give ``(n, num_classes)``,
    as in Keras. NumPy input gives a float64 NumPy array (as Keras 3 does); a torch tensor
    gives a float32 torch tensor on the same device.

    Args:
        x: array-like (or torch tensor) of class indices in ``[0, num_classes)``.
        num_classes: number of classes; ``None`` means ``max(x) + 1``.

    Raises:
        ValueError: for negative, non-integer or out-of-range labels (Keras would
            silently wrap or truncate them).

    Example:
        >>> to_categorical([[1], [0]]).tolist()
        [[0.0, 1.0], [1.0, 0.0]]
    """
    if isinstance(x, torch.Tensor):
        labels, num_classes = _integer_labels(x.detach().cpu().numpy(), num_classes)
        if labels.ndim > 1 and labels.shape[-1] == 1:
            labels = labels.reshape(labels.shape[:-1])
        if num_classes is None:
            num_classes = int(labels.max()) + 1 if labels.size else 0
        index = torch.as_tensor(labels, device=x.device)
        return torch.nn.functional.one_hot(index, num_classes).to(getattr(torch, config.floatx()))
    labels, num_classes = _integer_labels(np.asarray(x), num_classes)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    categorical = np.zeros((labels.shape[0], num_classes))
    categorical[np.arange(labels.shape[0]), labels] = 1
    return categorical.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Divide ``x`` by its ``order``-norm along ``axis`` (zero-norm slices are left as they are).

    NumPy arrays give NumPy arrays (zero norms count as 1, as in Keras); torch tensors
    give torch tensors, divided by ``max(norm, epsilon)`` as ``keras.ops.normalize`` does.

    Example:
        >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
        [[0.6, 0.8], [0.0, 0.0]]
    """
    if isinstance(x, torch.Tensor):
        norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
        return x / torch.clamp(norm, min=config.epsilon())
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis if axis is not None else -1)
