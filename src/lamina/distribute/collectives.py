"""Collective operations on lists of tensors, one message per dtype (the way DDP buckets gradients).

Every function here must be called by every process of the group, in the same order,
with tensors of the same shapes and dtypes: that is what keeps the ranks in step.

Example:
    >>> import torch
    >>> x = [torch.ones(2), torch.zeros(3)]
    >>> flat, sizes = flatten(x)
    >>> flat.shape, sizes
    (torch.Size([5]), [2, 3])
"""
import torch
import torch.distributed as dist


def flatten(tensors):
    """One 1-D tensor holding ``tensors`` end to end, and their sizes.

    Example:
        >>> flatten([torch.ones(1, 2)])[0].tolist()
        [1.0, 1.0]
    """
    return torch.cat([t.reshape(-1) for t in tensors]), [t.numel() for t in tensors]


def _groups(tensors):
    groups = {}
    for tensor in tensors:
        groups.setdefault((tensor.dtype, tensor.device), []).append(tensor)
    return groups.values()


@torch.no_grad()
def broadcast_(tensors, src=0):
    """Overwrite ``tensors`` in place with process ``src``'s values."""
    for group in _groups(tensors):
        flat, sizes = flatten(group)
        dist.broadcast(flat, src)
        for tensor, part in zip(group, flat.split(sizes)):
            tensor.copy_(part.view_as(tensor))


@torch.no_grad()
def all_reduce_(tensors, average=False):
    """Replace ``tensors`` in place by their sum (or mean) over all processes.

    Integer tensors are summed even when ``average`` is true (their mean would not be an integer).
    """
    for group in _groups(tensors):
        flat, sizes = flatten(group)
        dist.all_reduce(flat)
        if average and (flat.is_floating_point() or flat.is_complex()):
            flat.div_(dist.get_world_size())
        for tensor, part in zip(group, flat.split(sizes)):
            tensor.copy_(part.view_as(tensor))


def all_reduce_gradients(grads, scale):
    """``grads`` summed over all processes after multiplying each process's by ``scale``.

    Returns new tensors (``None`` entries stay ``None``); one all-reduce per dtype. This
    runs inside the train step, compiled or eager.
    """
    present = [g for g in grads if g is not None]
    if not present:
        return grads
    reduced = {}
    for group in _groups(present):
        flat, sizes = flatten(group)
        flat = flat * scale
        dist.all_reduce(flat)
        for grad, part in zip(group, flat.split(sizes)):
            reduced[id(grad)] = part.view_as(grad)
    return [None if g is None else reduced[id(g)] for g in grads]


def broadcast_object(value, src=0):
    """Process ``src``'s ``value`` (any picklable object), on every process."""
    holder = [value]
    dist.broadcast_object_list(holder, src)
    return holder[0]


def gather_objects(value):
    """Every process's ``value`` (picklable), as a list in rank order, on every process."""
    out = [None] * dist.get_world_size()
    dist.all_gather_object(out, value)
    return out
