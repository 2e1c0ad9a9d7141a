"""Keras masks travel with tensors as a ``_keras_mask`` attribute; these helpers read and set them.

Example:
    >>> x = torch.zeros(2, 4)
    >>> set_mask(x, torch.tensor([True, True]))
    >>> get_mask(x).all().item()
    True
"""
import torch


def get_mask(x):
    """The Keras mask a tensor carries (``x._keras_mask``), a list of them for a list, or None.

    Example:
        >>> x = torch.ones(2, 3); set_mask(x, torch.tensor([True, False]))
        >>> get_mask(x).tolist(), get_mask([x, torch.ones(1)])[1]
        ([True, False], None)
    """
    if isinstance(x, torch.Tensor):
        return getattr(x, "_keras_mask", None)
    if isinstance(x, (list, tuple)):
        masks = [get_mask(v) for v in x]
        return None if all(m is None for m in masks) else masks
    return None


def set_mask(outputs, mask):
    """Attach ``mask`` to ``outputs`` (a tensor, or a list with one mask each or one for all).

    Example:
        >>> out = torch.ones(2); set_mask(out, None); get_mask(out) is None
        True
    """
    if isinstance(outputs, torch.Tensor):
        try:
            outputs._keras_mask = mask
        except (AttributeError, RuntimeError):
            pass
    elif isinstance(outputs, (list, tuple)):
        masks = mask if isinstance(mask, (list, tuple)) else [mask] * len(outputs)
        for out, m in zip(outputs, masks):
            set_mask(out, m)
