"""Loss ops (``keras.ops.nn``): binary / categorical / sparse categorical cross-entropy and CTC.

They return one loss per sample (no reduction). Probabilities are clipped to
``[epsilon, 1 - epsilon]`` before the logarithm, as Keras does;
``from_logits=True`` uses torch's fused, numerically stable kernels.

Example:
    >>> round(binary_crossentropy([1.0], [0.5]).item(), 4)  # -log(0.5)
    0.6931
    >>> sparse_categorical_crossentropy([1], [[0.25, 0.75]]).tolist()  # -log(0.75)
    [0.28768205642700195]
"""
import torch
import torch.nn.functional as F

from lamina.core import config
from lamina.ops.dispatch import canonical_axis, op, to_tensor
from lamina.ops.promotion import result_type

__all__ = ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "ctc_loss"]


def _same_shapes(target, output, name):
    if target.shape != output.shape:
        raise ValueError(
            f"{name}: target and output must have the same shape; received target.shape={tuple(target.shape)}, "
            f"output.shape={tuple(output.shape)}"
        )


def _clip(output):
    epsilon = config.epsilon()
    return output.clamp(epsilon, 1.0 - epsilon)


@op
def binary_crossentropy(target, output, from_logits=False):
    """``-(t * log(o) + (1 - t) * log(1 - o))`` element-wise.

    Example:
        >>> binary_crossentropy([0.0], [0.0], from_logits=True).tolist()  # log(2)
        [0.6931471824645996]
    """
    target, output = to_tensor(target), to_tensor(output)
    _same_shapes(target, output, "binary_crossentropy")
    if target.dtype is not output.dtype:
        target = target.to(output.dtype)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    return F.binary_cross_entropy(_clip(output), target, reduction="none")


@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``-sum(target * log(output))`` along ``axis`` (``output`` is renormalised to sum to 1).

    Example:
        >>> round(categorical_crossentropy([[0.0, 1.0]], [[0.3, 0.7]])[0].item(), 4)  # -log(0.7)
        0.3567
    """
    target, output = to_tensor(target), to_tensor(output)
    _same_shapes(target, output, "categorical_crossentropy")
    if output.dim() < 1:
        raise ValueError(f"categorical_crossentropy: output must have rank >= 1; received shape {tuple(output.shape)}")
    if from_logits:
        log_prob = F.log_softmax(output, dim=axis)
    else:
        log_prob = torch.log(_clip(output / output.sum(dim=axis, keepdim=True)))
    return -(target * log_prob).sum(dim=axis)


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical cross-entropy with integer class labels instead of one-hot targets.

    ``target`` has ``output``'s shape without the class axis (a trailing axis of
    size 1 is accepted too).

    Example:
        >>> sparse_categorical_crossentropy([0], [[0.0, 0.0]], from_logits=True).tolist()  # log(2)
        [0.6931471824645996]
    """
    target, output = to_tensor(target), to_tensor(output)
    if output.dim() < 1:
        raise ValueError(
            f"sparse_categorical_crossentropy: output must have rank >= 1; received shape {tuple(output.shape)}"
        )
    axis = canonical_axis(axis, output.dim(), op_name="sparse_categorical_crossentropy")
    if target.dim() == output.dim() and target.shape[axis] == 1:
        target = target.squeeze(axis)
    expected = output.shape[:axis] + output.shape[axis + 1:]
    if target.shape != expected:
        raise ValueError(
            "sparse_categorical_crossentropy: target must have output's shape without the class axis "
            f"{tuple(expected)}; received target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if target.dtype is not torch.int64:
        target = target.long()
    if output.dim() == 1:
        output, target = output.unsqueeze(0), target.unsqueeze(0)
        return _sparse_ce(target, output, from_logits).squeeze(0)
    if axis != 1:
        output = output.movedim(axis, 1)
    return _sparse_ce(target, output, from_logits)


def _sparse_ce(target, output, from_logits):
    """Per-sample cross-entropy with classes on axis 1."""
    if from_logits:
        return F.cross_entropy(output, target, reduction="none")
    log_prob = torch.log(_clip(output / output.sum(dim=1, keepdim=True)))
    return F.nll_loss(log_prob, target, reduction="none")


@op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist Temporal Classification loss per sample.

    Args:
        target: ``(batch, max_label_length)`` integer labels.
        output: ``(batch, max_time, num_classes)`` logits (softmax is applied here).
        target_length, output_length: ``(batch,)`` true lengths.
        mask_index: the blank class.

    Example:
        >>> loss = ctc_loss([[1]], torch.zeros(1, 2, 3), [1], [2])
        >>> round(loss.item(), 4)  # -log(3 paths * (1/3)**2)
        1.0986
    """
    target = to_tensor(target).long()
    output = to_tensor(output)
    output = output.to(result_type(output.dtype, torch.float32))
    log_probs = F.log_softmax(output.transpose(0, 1), dim=-1)
    return F.ctc_loss(
        log_probs, target, to_tensor(output_length).long(), to_tensor(target_length).long(),
        blank=mask_index, reduction="none",
    )
