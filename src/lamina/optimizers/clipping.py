"""Gradient clipping on lists of tensors, with Keras's formulas, vectorised and without host syncs.

Each function returns new tensors and leaves its input untouched (gradients handed to
``apply_gradients`` may still be read by the caller).

Example:
    >>> import torch
    >>> [g.tolist() for g in clip_by_norm([torch.tensor([3.0, 4.0])], 1.0)]
    [[0.6000000238418579, 0.800000011920929]]
"""
import torch


def clip_by_norm(grads, clipnorm):
    """Scale each gradient whose L2 norm exceeds ``clipnorm`` down to that norm.

    ``g * clipnorm / max(norm(g), clipnorm)``, as Keras's ``clipnorm``.

    Example:
        >>> import torch
        >>> clip_by_norm([torch.tensor([0.3, 0.4])], 1.0)[0].tolist()
        [0.30000001192092896, 0.4000000059604645]
    """
    norms = torch._foreach_norm(grads)
    torch._foreach_maximum_(norms, clipnorm)
    scales = torch._foreach_reciprocal(norms)
    torch._foreach_mul_(scales, clipnorm)
    return torch._foreach_mul(grads, scales)


def global_norm(grads):
    """The L2 norm of all gradients taken together, as a 0-d tensor.

    Example:
        >>> import torch
        >>> global_norm([torch.tensor([3.0]), torch.tensor([4.0])]).item()
        5.0
    """
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))


def clip_by_global_norm(grads, clipnorm):
    """Scale all gradients by ``clipnorm / max(global_norm, clipnorm)``; NaN everywhere if that norm is not finite.

    Example:
        >>> import torch
        >>> [g.item() for g in clip_by_global_norm([torch.tensor([3.0]), torch.tensor([4.0])], 1.0)]
        [0.6000000238418579, 0.800000011920929]
    """
    norm = global_norm(grads)
    # ``norm - norm`` is 0 for a finite norm and NaN otherwise, as in Keras: a diverged
    # step poisons the update visibly instead of silently zeroing it.
    scale = clipnorm / torch.clamp_min(norm, clipnorm) + (norm - norm)
    return torch._foreach_mul(grads, scale)


def clip_by_value(grads, clipvalue):
    """Clip every gradient element to ``[-clipvalue, clipvalue]``.

    Example:
        >>> import torch
        >>> clip_by_value([torch.tensor([-3.0, 0.5, 2.0])], 1.0)[0].tolist()
        [-1.0, 0.5, 1.0]
    """
    clipped = torch._foreach_clamp_min(grads, -clipvalue)
    torch._foreach_clamp_max_(clipped, clipvalue)
    return clipped
