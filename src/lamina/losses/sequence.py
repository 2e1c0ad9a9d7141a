"""Connectionist temporal classification (CTC) loss for unsegmented sequence labelling.

Example:
    >>> logits = torch.zeros(1, 4, 3)            # (batch, time steps, classes); class 0 is the blank
    >>> labels = torch.tensor([[1, 2]])          # (batch, max label length); 0 pads
    >>> ctc(labels, logits).shape
    torch.Size([1])
"""
import torch
import torch.nn.functional as F

from lamina.core.registry import register
from lamina.losses.checks import prediction, symbolic_aware
from lamina.losses.loss import FunctionLoss


@symbolic_aware
def ctc(y_true, y_pred):
    """Per-sample CTC loss; ``y_pred`` holds logits ``(batch, time, classes)``, class 0 is the blank.

    ``y_true`` holds integer labels ``(batch, max_length)`` padded with 0; every time
    step of ``y_pred`` counts.

    Example:
        >>> round(ctc(torch.tensor([[1]]), torch.zeros(1, 1, 2)).item(), 4)
        0.6931
    """
    y_pred = prediction(y_pred)
    if not isinstance(y_true, torch.Tensor):
        y_true = torch.as_tensor(y_true, device=y_pred.device)
    if y_true.dim() != 2:
        raise ValueError(
            "ctc: targets (y_true) must be integer labels of shape (batch_size, max_length); received shape "
            f"{tuple(y_true.shape)}"
        )
    if y_pred.dim() != 3:
        raise ValueError(
            "ctc: predictions (y_pred) must be logits of shape (batch_size, time_steps, num_classes); received "
            f"shape {tuple(y_pred.shape)}"
        )
    if y_pred.dtype not in (torch.float32, torch.float64):
        y_pred = y_pred.float()
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    y_true = y_true.to(device=y_pred.device, dtype=torch.long)
    label_length = torch.sum(y_true != 0, dim=-1)
    input_length = torch.full((batch,), steps, dtype=torch.long, device=y_pred.device)
    log_probs = F.log_softmax(y_pred.transpose(0, 1), dim=-1)
    return F.ctc_loss(log_probs, y_true, input_length, label_length, blank=0, reduction="none")


@register()
class CTC(FunctionLoss):
    """CTC loss (``loss='ctc'``); see :func:`ctc` for the shapes.

    Example:
        >>> round(CTC()(torch.tensor([[1]]), torch.zeros(1, 1, 2)).item(), 4)
        0.6931
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction, name, dtype)
