"""Input handling shared by the loss functions: tensor conversion, symbolic inputs, shape errors.

Every check here compares shapes only (Python tuples), so it costs no host sync.

Example:
    >>> check_broadcastable("mean_squared_error", torch.zeros(4, 3), torch.zeros(4, 2))
    Traceback (most recent call last):
    ...
    ValueError: mean_squared_error: targets (y_true) of shape (4, 3) do not match predictions (y_pred) of shape (4, 2); expected targets of shape (4, 2) (or a shape that broadcasts to it)
"""
import functools

import torch

from lamina.core.symbolic import KerasTensor, symbolic_call
from lamina.core.tensors import convert_to_tensor


def symbolic_aware(fn):
    """Let ``fn(y_true, y_pred, ...)`` accept KerasTensors by recording a symbolic call.

    Example:
        >>> @symbolic_aware
        ... def double(y_true, y_pred):
        ...     return 2 * y_pred
        >>> double(None, KerasTensor((None, 3))).shape
        (None, 3)
    """

    @functools.wraps(fn)
    def wrapper(y_true, y_pred, *args, **kwargs):
        if isinstance(y_true, KerasTensor) or isinstance(y_pred, KerasTensor):
            return symbolic_call(fn, (y_true, y_pred) + args, kwargs, name=fn.__name__)
        return fn(y_true, y_pred, *args, **kwargs)

    return wrapper


def prediction(y_pred):
    """``y_pred`` as a tensor (NumPy float64 becomes floatx, as in Keras).

    Example:
        >>> prediction([0.5]).dtype
        torch.float32
    """
    return y_pred if isinstance(y_pred, torch.Tensor) else convert_to_tensor(y_pred)


def target_like(y_true, y_pred):
    """``y_true`` as a tensor of ``y_pred``'s dtype and device.

    Example:
        >>> target_like([1, 0], torch.zeros(2, dtype=torch.float64)).dtype
        torch.float64
    """
    if isinstance(y_true, torch.Tensor):
        if y_true.dtype != y_pred.dtype or y_true.device != y_pred.device:
            y_true = y_true.to(device=y_pred.device, dtype=y_pred.dtype)
        return y_true
    return convert_to_tensor(y_true, dtype=y_pred.dtype, device=y_pred.device)


def _shape(x):
    return tuple(x.shape)


def _broadcasts(a, b):
    for da, db in zip(reversed(a), reversed(b)):
        if da != db and da != 1 and db != 1:
            return False
    return True


def check_broadcastable(loss_name, y_true, y_pred):
    """Targets must have the prediction's rank (or be scalars) and broadcast to it.

    Keras would also broadcast a ``(batch,)`` target against the *last* axis of a
    ``(batch, k)`` prediction; that is almost always a bug, so lamina raises.

    Example:
        >>> check_broadcastable("mae", torch.zeros(4, 1), torch.zeros(4, 2))
    """
    if y_true.shape == y_pred.shape:
        return
    true_shape, pred_shape = _shape(y_true), _shape(y_pred)
    if y_true.dim() == 0 or (len(true_shape) == len(pred_shape) and _broadcasts(true_shape, pred_shape)):
        return
    raise ValueError(
        f"{loss_name}: targets (y_true) of shape {true_shape} do not match predictions (y_pred) of shape "
        f"{pred_shape}; expected targets of shape {pred_shape} (or a shape that broadcasts to it)"
    )


def check_same_shape(loss_name, y_true, y_pred):
    """Targets and predictions must have exactly the same shape.

    Example:
        >>> check_same_shape("binary_crossentropy", torch.zeros(2, 1), torch.zeros(2, 1))
    """
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{loss_name}: targets (y_true) of shape {_shape(y_true)} do not match predictions (y_pred) of shape "
            f"{_shape(y_pred)}; expected targets of the same shape as the predictions"
        )


def check_one_hot_targets(loss_name, y_true, y_pred, axis, sparse_alternative="sparse_categorical_crossentropy"):
    """Categorical losses need one-hot targets; integer labels get a pointed error.

    The error suggests ``sparse_alternative`` (a loss or metric name, or ``None``)
    and ``lamina.utils.to_categorical``.

    Example:
        >>> check_one_hot_targets("categorical_crossentropy", torch.zeros(8), torch.zeros(8, 3), -1)
        Traceback (most recent call last):
        ...
        ValueError: categorical_crossentropy expects one-hot targets of shape (8, 3) (one column per class), but received targets of shape (8,), which look like integer class labels. Use 'sparse_categorical_crossentropy' for integer labels, or one-hot encode them with lamina.utils.to_categorical(y, num_classes=3).
    """
    if y_true.shape == y_pred.shape:
        return
    true_shape, pred_shape = _shape(y_true), _shape(y_pred)
    if pred_shape:
        axis = axis % len(pred_shape)
        num_classes = pred_shape[axis]
        without_classes = pred_shape[:axis] + pred_shape[axis + 1 :]
        one_column = pred_shape[:axis] + (1,) + pred_shape[axis + 1 :]
        if num_classes > 1 and true_shape in (without_classes, one_column):
            use = f"Use '{sparse_alternative}' for integer labels, or one-hot" if sparse_alternative else "One-hot"
            raise ValueError(
                f"{loss_name} expects one-hot targets of shape {pred_shape} (one column per class), but received "
                f"targets of shape {true_shape}, which look like integer class labels. {use} encode them with "
                f"lamina.utils.to_categorical(y, num_classes={num_classes})."
            )
    check_same_shape(loss_name, y_true, y_pred)


def check_integer_targets(loss_name, y_true, y_pred, axis, one_hot_alternative="categorical_crossentropy"):
    """Sparse losses need one integer label per prediction row; one-hot labels get a pointed error.

    The error for one-hot labels suggests ``one_hot_alternative``.

    Returns ``y_true`` with a trailing class axis of size 1 squeezed away.

    Example:
        >>> tuple(check_integer_targets("sparse_categorical_crossentropy", torch.zeros(8, 1), torch.zeros(8, 3), -1).shape)
        (8,)
    """
    true_shape, pred_shape = _shape(y_true), _shape(y_pred)
    if not pred_shape:
        raise ValueError(f"{loss_name}: predictions (y_pred) must have a class axis; received a scalar")
    axis = axis % len(pred_shape)
    if len(true_shape) == len(pred_shape) and true_shape[axis] == 1:
        y_true = y_true.squeeze(axis)
        true_shape = _shape(y_true)
    expected = pred_shape[:axis] + pred_shape[axis + 1 :]
    if true_shape == expected:
        return y_true
    if true_shape == pred_shape and pred_shape[axis] > 1:
        raise ValueError(
            f"{loss_name} expects integer class labels of shape {expected} (or {expected + (1,)}), but received "
            f"targets of shape {true_shape}, the shape of the predictions, which look like one-hot labels. Use "
            f"'{one_hot_alternative}' for one-hot labels, or pass the class indices (np.argmax(y, axis=-1))."
        )
    raise ValueError(
        f"{loss_name}: targets (y_true) of shape {true_shape} do not match predictions (y_pred) of shape "
        f"{pred_shape}; expected integer class labels of shape {expected}"
    )
