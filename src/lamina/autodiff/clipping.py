"""TensorFlow's clipping functions: ``clip_by_value``, ``clip_by_norm``, ``clip_by_global_norm``, ``global_norm``.

The formulas are TensorFlow's documented ones:

* ``clip_by_value(t, lo, hi)``: every value limited to ``[lo, hi]``.
* ``clip_by_norm(t, c, axes)``: ``t * c / max(l2norm(t, axes), c)``; a tensor whose
  norm is at most ``c`` is unchanged.
* ``clip_by_global_norm(ts, c)``: every ``t`` times ``c / max(global_norm, c)``
  where ``global_norm = sqrt(sum(l2norm(t)**2))``; returns ``(clipped, global_norm)``
  (all NaN if the global norm is infinite or NaN, to flag the error).

All stay on the device (no host synchronisation), so they can run in every
training step.

Example:
    >>> clip_by_norm(torch.tensor([3.0, 4.0]), 0.5).tolist()
    [0.30000001192092896, 0.4000000059604645]
    >>> clipped, norm = clip_by_global_norm([torch.tensor([3.0, 0.0]), torch.tensor([4.0])], 1.0)
    >>> norm.item(), [t.tolist() for t in clipped]
    (5.0, [[0.6000000238418579, 0.0], [0.800000011920929]])
"""
import torch

from lamina.ops.dispatch import axis_tuple, to_tensor

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "global_norm"]


def _as_float_tensor(t, name):
    t = to_tensor(t)
    if not (t.is_floating_point() or t.is_complex()):
        raise TypeError(f"{name}: t must be a float tensor; received dtype {t.dtype}")
    return t


def clip_by_value(t, clip_value_min, clip_value_max):
    """Limit the values of ``t`` to ``[clip_value_min, clip_value_max]`` (gradient 1 inside, 0 outside).

    Example:
        >>> clip_by_value(torch.tensor([0.1, 0.5, 0.9]), 0.4, 0.6).tolist()
        [0.4000000059604645, 0.5, 0.6000000238418579]
    """
    t = to_tensor(t)
    numbers = isinstance(clip_value_min, (int, float)) and isinstance(clip_value_max, (int, float))
    if numbers and clip_value_min > clip_value_max:
        raise ValueError(
            f"clip_by_value: clip_value_min={clip_value_min} is greater than clip_value_max={clip_value_max}"
        )
    low = clip_value_min if isinstance(clip_value_min, (int, float)) else to_tensor(clip_value_min, t.dtype)
    high = clip_value_max if isinstance(clip_value_max, (int, float)) else to_tensor(clip_value_max, t.dtype)
    return torch.clamp(t, low, high)


def clip_by_norm(t, clip_norm, axes=None):
    """Rescale ``t`` so its L2 norm over ``axes`` (all axes by default) is at most ``clip_norm``.

    Example:
        >>> clip_by_norm(torch.tensor([[3.0, 4.0], [0.3, 0.4]]), 1.0, axes=[1]).tolist()
        [[0.6000000238418579, 0.800000011920929], [0.30000001192092896, 0.4000000059604645]]
    """
    t = _as_float_tensor(t, "clip_by_norm")
    dims = axis_tuple(axes)
    squares = torch.sum(t * t, dim=dims, keepdim=True)
    positive = squares > 0
    # the norm is sqrt(squares), written so that its gradient at 0 is 0 instead of NaN
    norm = torch.where(positive, torch.sqrt(torch.where(positive, squares, torch.ones_like(squares))), squares)
    if isinstance(clip_norm, (int, float)):
        return t * clip_norm / torch.clamp(norm, min=clip_norm)
    clip_norm = to_tensor(clip_norm, t.dtype)
    return t * clip_norm / torch.maximum(norm, clip_norm)


def global_norm(t_list):
    """``sqrt(sum(l2norm(t)**2 for t in t_list))``, ignoring ``None`` entries.

    Example:
        >>> global_norm([torch.tensor([3.0]), None, torch.tensor([4.0])]).item()
        5.0
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(f"global_norm: t_list must be a list or tuple of tensors; received {type(t_list).__name__}")
    squares = []
    for t in t_list:
        if t is not None:
            t = to_tensor(t)
            t = t.float() if t.dtype in (torch.float16, torch.bfloat16) else t
            squares.append(torch.sum(t * t))
    if not squares:
        return torch.zeros(())
    return torch.sqrt(torch.stack([s.to(squares[0].dtype) for s in squares]).sum())


def clip_by_global_norm(t_list, clip_norm, use_norm=None):
    """Scale every tensor of ``t_list`` by one factor so that their global norm is at most ``clip_norm``.

    Returns ``(clipped_list, global_norm)``; ``None`` entries stay ``None``. Pass
    ``use_norm`` if the global norm is already known.

    Example:
        >>> (a, b), norm = clip_by_global_norm([torch.tensor([6.0]), torch.tensor([8.0])], 5.0)
        >>> a.item(), b.item(), norm.item()
        (3.0, 4.0, 10.0)
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(
            f"clip_by_global_norm: t_list must be a list or tuple of tensors; received {type(t_list).__name__}"
        )
    tensors = [None if t is None else to_tensor(t) for t in t_list]
    norm = global_norm(tensors) if use_norm is None else to_tensor(use_norm)
    # clip_norm * min(1/norm, 1/clip_norm); "+ (norm - norm)" turns an inf/NaN norm into NaN everywhere
    scale = clip_norm * torch.minimum(1.0 / norm, torch.as_tensor(1.0 / clip_norm, dtype=norm.dtype,
                                                                  device=norm.device)) + (norm - norm)
    clipped = [None if t is None else t * scale.to(t.dtype) for t in tensors]
    return clipped, norm
