"""Accumulating true/false positives/negatives at a list of thresholds (Keras's confusion-matrix update).

A prediction counts as positive at threshold ``t`` when ``y_pred > t``. For evenly
spaced thresholds (AUC's default) each prediction is dropped into its threshold bucket
and a reversed cumulative sum gives every threshold's counts in ``O(n + thresholds)``;
otherwise predictions are compared with every threshold. No value is read back to
Python, so an update costs no host sync.

Example:
    >>> counts = {"tp": torch.zeros(2), "fp": torch.zeros(2)}
    >>> update_confusion_matrix(counts, [1, 0, 1], [0.9, 0.6, 0.3], thresholds=[0.5, 0.8])
    >>> counts["tp"].tolist(), counts["fp"].tolist()
    ([1.0, 1.0], [1.0, 0.0])
"""
import numpy as np
import torch

from lamina.core import config
from lamina.core.tensors import convert_to_tensor
from lamina.losses.reduction import squeeze_or_expand_to_same_rank

NEG_INF = -1e10
KINDS = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds, default, owner):
    """Thresholds as a list of floats in [0, 1] (``default`` when ``None``).

    Example:
        >>> parse_thresholds(0.3, 0.5, "Precision")
        [0.3]
    """
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in values if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(f"{owner}: thresholds must be in [0, 1]; received thresholds={thresholds!r}")
    return [float(t) for t in values]


def evenly_distributed(thresholds):
    """True for 3 or more thresholds ``i / (n - 1)`` (within epsilon), which allow the bucketed update.

    Example:
        >>> evenly_distributed([0.0, 0.5, 1.0]), evenly_distributed([0.1, 0.5])
        (True, False)
    """
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def filter_top_k(x, k):
    """Keep the ``k`` largest entries of the last axis; set the others to -1e10.

    Example:
        >>> filter_top_k(torch.tensor([[0.1, 0.5, 0.3]]), 1).tolist()
        [[-10000000000.0, 0.5, -10000000000.0]]
    """
    _, indices = torch.topk(x, k, dim=-1)
    keep = torch.zeros_like(x).scatter_(-1, indices, 1.0)
    return x * keep + NEG_INF * (1 - keep)


def _bucket_sums(data, buckets, num_thresholds):
    """Per-bucket sums of ``data`` along the last axis; bucket -1 (below every threshold) is dropped."""
    rows = data.shape[0] if data.dim() == 2 else 1
    slots = num_thresholds + 1
    index = torch.where(buckets >= 0, buckets, num_thresholds)
    if data.dim() == 2:
        index = index + torch.arange(rows, device=index.device).unsqueeze(1) * slots
    sums = torch.zeros(rows * slots, dtype=data.dtype, device=data.device)
    sums.index_add_(0, index.reshape(-1), data.reshape(-1))
    return sums.reshape(rows, slots)[:, :num_thresholds] if data.dim() == 2 else sums[:num_thresholds]


def _reverse_cumsum(x):
    return torch.flip(torch.cumsum(torch.flip(x, (-1,)), dim=-1), (-1,))


def _update_evenly(variables, y_true, y_pred, num_thresholds, multi_label, sample_weight, label_weights, with_epsilon):
    weights = None
    if sample_weight is not None:
        weights = torch.broadcast_to(sample_weight.to(y_pred.dtype), y_pred.shape)
    if label_weights is not None:
        label_weights = torch.broadcast_to(label_weights.unsqueeze(0), y_pred.shape)
        weights = label_weights if weights is None else weights * label_weights
    y_pred = torch.clamp(y_pred, 0.0, 1.0)
    y_true = (y_true != 0).to(y_pred.dtype)
    if not multi_label:
        y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
        weights = None if weights is None else weights.reshape(-1)
    true_labels = y_true if weights is None else y_true * weights
    false_labels = 1.0 - y_true if weights is None else (1.0 - y_true) * weights
    buckets = torch.ceil(y_pred * (num_thresholds - 1)) - 1
    if with_epsilon:  # the first threshold is below 0: every prediction is above it
        buckets = torch.relu(buckets)
    buckets = buckets.long()
    if multi_label:  # one row per label
        true_labels, false_labels, buckets = true_labels.T, false_labels.T, buckets.T
    tp = _reverse_cumsum(_bucket_sums(true_labels, buckets, num_thresholds))
    fp = _reverse_cumsum(_bucket_sums(false_labels, buckets, num_thresholds))
    if multi_label:
        tp, fp = tp.T, fp.T
    counts = {"tp": tp, "fp": fp}
    if "tn" in variables:
        counts["tn"] = torch.sum(false_labels, dim=-1) - fp
    if "fn" in variables:
        counts["fn"] = torch.sum(true_labels, dim=-1) - tp
    for kind, variable in variables.items():
        variable.add_(counts[kind])


def _update_by_comparison(variables, y_true, y_pred, thresholds, multi_label, sample_weight, label_weights):
    if not isinstance(thresholds, torch.Tensor) or thresholds.dtype != y_pred.dtype:
        thresholds = torch.as_tensor(thresholds, dtype=y_pred.dtype, device=y_pred.device)
    weights = None
    if sample_weight is not None:
        weights = torch.broadcast_to(sample_weight.to(y_pred.dtype), y_pred.shape)
    if label_weights is not None and not multi_label:
        label_weights = torch.broadcast_to(label_weights.unsqueeze(0), y_pred.shape)
        weights = label_weights if weights is None else weights * label_weights
    labels = y_true.bool()
    if multi_label:  # (thresholds, samples, labels)
        preds, labels = y_pred.unsqueeze(0), labels.unsqueeze(0)
        thresholds = thresholds.reshape(-1, 1, 1)
    else:  # (thresholds, samples * labels)
        preds, labels = y_pred.reshape(1, -1), labels.reshape(1, -1)
        thresholds = thresholds.reshape(-1, 1)
        weights = None if weights is None else weights.reshape(1, -1)
    if weights is not None and multi_label:
        weights = weights.unsqueeze(0)
    pred_is_pos = preds > thresholds
    conditions = {
        "tp": lambda: labels & pred_is_pos,
        "fp": lambda: ~labels & pred_is_pos,
        "tn": lambda: ~labels & ~pred_is_pos,
        "fn": lambda: labels & ~pred_is_pos,
    }
    for kind, variable in variables.items():
        hits = conditions[kind]().to(variable.dtype)
        if weights is not None:
            hits = hits * weights
        variable.add_(torch.sum(hits, dim=1))


def update_confusion_matrix(
    variables, y_true, y_pred, thresholds, top_k=None, class_id=None, sample_weight=None, multi_label=False,
    label_weights=None, thresholds_distributed_evenly=False,
):
    """Add one batch's confusion-matrix counts to ``variables`` (a dict over 'tp', 'fp', 'tn', 'fn').

    Args:
        variables: tensors of shape ``(len(thresholds),)`` (or ``(len(thresholds), labels)``
            with ``multi_label``), updated in place.
        y_true: 0/1 labels (any non-zero counts as positive); y_pred: scores in [0, 1].
        thresholds: floats (a list, or a tensor to save a copy per update; a list when
            ``thresholds_distributed_evenly``); a prediction is positive when ``y_pred > threshold``.
        top_k: only the ``top_k`` highest predictions of a row can be positive.
        class_id: count only this column of ``y_true``/``y_pred``.
        sample_weight: weights broadcastable to ``y_pred`` (a weight per sample works).
        multi_label: keep one count per label (last axis) instead of pooling them.
        label_weights: per-label weights (only without ``multi_label``).
        thresholds_distributed_evenly: use the bucketed update (see the module doc).

    Example:
        >>> fn = {"fn": torch.zeros(1)}
        >>> update_confusion_matrix(fn, [[1, 1]], [[0.9, 0.2]], thresholds=[0.5]); fn["fn"].tolist()
        [1.0]
    """
    unknown = [kind for kind in variables if kind not in KINDS]
    if unknown or not variables:
        raise ValueError(f"update_confusion_matrix: variables must be keyed by {KINDS}; received {list(variables)}")
    if multi_label and label_weights is not None:
        raise ValueError("update_confusion_matrix: with multi_label=True, label_weights are applied by the caller")
    dtype = next(iter(variables.values())).dtype
    device = next(iter(variables.values())).device
    y_true = convert_to_tensor(y_true).to(device=device, dtype=dtype)
    y_pred = convert_to_tensor(y_pred).to(device=device, dtype=dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"Confusion-matrix metrics: targets (y_true) of shape {tuple(y_true.shape)} do not match predictions "
            f"(y_pred) of shape {tuple(y_pred.shape)}; expected the same shape"
        )
    if sample_weight is not None:
        sample_weight = convert_to_tensor(sample_weight).to(device=device, dtype=dtype).unsqueeze(-1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.dim() == 1:
            raise ValueError(
                "Confusion-matrix metrics: with class_id, y_pred must have shape (num_samples, num_classes); "
                f"received shape {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if label_weights is not None:
        label_weights = torch.as_tensor(label_weights, dtype=dtype, device=device)
    if thresholds_distributed_evenly:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        _update_evenly(
            variables, y_true, y_pred, len(thresholds), multi_label, sample_weight, label_weights, with_epsilon
        )
    else:
        _update_by_comparison(variables, y_true, y_pred, thresholds, multi_label, sample_weight, label_weights)
