"""Confusion-matrix metrics: TruePositives..FalseNegatives, Precision, Recall and AUC (ROC and PR).

Counts accumulate per threshold in tensors (see :mod:`lamina.metrics.confusion_matrix`);
the ratios are computed only in ``result()``.

Example:
    >>> p = Precision()
    >>> p.update_state([0, 1, 1, 1], [1, 0, 1, 1]); round(p.result().item(), 4)
    0.6667
    >>> auc = AUC(num_thresholds=3)
    >>> auc.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]); auc.result().item()
    0.75
"""
import numpy as np
import torch

from lamina.core import config
from lamina.metrics.confusion_matrix import NEG_INF, evenly_distributed, parse_thresholds, update_confusion_matrix
from lamina.metrics.metric import Metric, register_metric


def _divide_no_nan(x, y):
    return torch.where(y == 0, torch.zeros_like(x), x / torch.where(y == 0, torch.ones_like(y), y))


class _ThresholdedMetric(Metric):
    """Holds ``thresholds`` (a list), whether they are evenly spaced, and their tensor form."""

    def _set_thresholds(self, thresholds, evenly=None):
        self.thresholds = thresholds
        self._evenly = evenly_distributed(thresholds) if evenly is None else evenly
        self._threshold_arg = thresholds if self._evenly else torch.tensor(
            thresholds, dtype=self._torch_dtype, device=config.device()
        )

    def _counters(self, kinds, shape):
        return {kind: self.add_variable(shape=shape, name=name) for kind, name in kinds.items()}


class _ConfusionMatrixConditionCount(_ThresholdedMetric):
    _kind = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self._set_thresholds(parse_thresholds(thresholds, 0.5, type(self).__name__))
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix(
            {self._kind: self.accumulator}, y_true, y_pred, self._threshold_arg, sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def result(self):
        return self.accumulator[0].clone() if len(self.thresholds) == 1 else self.accumulator.clone()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


@register_metric
class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives, at each threshold (default 0.5).

    Example:
        >>> m = TruePositives()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); m.result().item()
        2.0
    """

    _kind = "tp"


@register_metric
class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives, at each threshold (default 0.5).

    Example:
        >>> m = FalsePositives()
        >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1]); m.result().item()
        2.0
    """

    _kind = "fp"


@register_metric
class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives, at each threshold (default 0.5).

    Example:
        >>> m = TrueNegatives()
        >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0]); m.result().item()
        2.0
    """

    _kind = "tn"


@register_metric
class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives, at each threshold (default 0.5).

    Example:
        >>> m = FalseNegatives()
        >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0]); m.result().item()
        2.0
    """

    _kind = "fn"


class _PrecisionOrRecall(_ThresholdedMetric):
    _other = None  # 'fp' for precision, 'fn' for recall
    _other_name = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self._set_thresholds(parse_thresholds(thresholds, default, type(self).__name__))
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=shape, name="true_positives")
        setattr(self, self._other_name, self.add_variable(shape=shape, name=self._other_name))

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix(
            {"tp": self.true_positives, self._other: getattr(self, self._other_name)}, y_true, y_pred,
            self._threshold_arg, top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def result(self):
        tp = self.true_positives
        value = _divide_no_nan(tp, tp + getattr(self, self._other_name))
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {
            **super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id,
        }


@register_metric
class Precision(_PrecisionOrRecall):
    """Precision ``tp / (tp + fp)``: how many predicted positives are real.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5); with several,
            ``result()`` has one value per threshold.
        top_k: only the ``top_k`` highest scores of each row count as positive.
        class_id: the column (class) to compute precision for.

    Example:
        >>> m = Precision(top_k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]); m.result().item()
        0.5
    """

    _other, _other_name = "fp", "false_positives"


@register_metric
class Recall(_PrecisionOrRecall):
    """Recall ``tp / (tp + fn)``: how many real positives are found.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5).
        top_k: only the ``top_k`` highest scores of each row count as positive.
        class_id: the column (class) to compute recall for.

    Example:
        >>> m = Recall(class_id=1)
        >>> m.update_state([[0, 1], [0, 1], [1, 0]], [[0.2, 0.8], [0.7, 0.3], [0.4, 0.6]]); m.result().item()
        0.5
    """

    _other, _other_name = "fn", "false_negatives"


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _enum_value(value):
    return getattr(value, "value", value)


@register_metric
class AUC(_ThresholdedMetric):
    """Area under the ROC or precision-recall curve, by a Riemann sum over ``num_thresholds`` thresholds.

    Args:
        num_thresholds: thresholds evenly spaced in [0, 1] (default 200).
        curve: ``'ROC'`` (default), ``'PR'`` or ``'PRGAIN'``.
        summation_method: ``'interpolation'`` (default; for PR the Davis-Goadrich
            interpolation), ``'majoring'`` or ``'minoring'``.
        thresholds: explicit thresholds in [0, 1] instead of ``num_thresholds``.
        multi_label: one curve per label (last axis), averaged (``label_weights``-weighted).
        num_labels: the number of labels with ``multi_label`` (else taken from the first batch).
        label_weights: per-label weights.
        from_logits: apply a sigmoid to the predictions first.

    Example:
        >>> m = AUC(curve="PR", num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]); round(m.result().item(), 4)
        0.8207
    """

    def __init__(
        self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
        thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False,
    ):
        super().__init__(name=name, dtype=dtype)
        curve = _enum_value(curve)
        if not isinstance(curve, str) or curve.lower() not in _CURVES:
            raise ValueError(f"AUC: invalid curve={curve!r}; expected one of {sorted(set(_CURVES.values()))}")
        summation_method = _enum_value(summation_method)
        if not isinstance(summation_method, str) or summation_method.lower() not in _SUMMATIONS:
            raise ValueError(f"AUC: invalid summation_method={summation_method!r}; expected one of {list(_SUMMATIONS)}")
        self.curve = _CURVES[curve.lower()]
        self.summation_method = summation_method.lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, None, "AUC"))
            self.num_thresholds = len(inner) + 2
            evenly = evenly_distributed(np.array([0.0] + inner + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1; received num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            evenly = True
        eps = config.epsilon()
        self._set_thresholds([0.0 - eps] + inner + [1.0 + eps], evenly)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else torch.as_tensor(
            label_weights, dtype=self._torch_dtype, device=config.device()
        )
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        elif num_labels:
            raise ValueError("AUC: num_labels is only used with multi_label=True")
        else:
            self._build(None)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"AUC with multi_label=True needs y_pred of rank 2 (samples, labels); received shape {tuple(shape)}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        kinds = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives", "fn": "false_negatives"}
        counts = self._counters(kinds, variable_shape)
        self.true_positives, self.false_positives = counts["tp"], counts["fp"]
        self.true_negatives, self.false_negatives = counts["tn"], counts["fn"]
        self._counts = counts
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self._built:
            self._build(tuple(torch.as_tensor(y_pred).shape))
        if self._from_logits:
            y_pred = torch.sigmoid(torch.as_tensor(y_pred))
        update_confusion_matrix(
            self._counts, y_true, y_pred, self._threshold_arg, sample_weight=sample_weight,
            multi_label=self.multi_label, label_weights=None if self.multi_label else self.label_weights,
            thresholds_distributed_evenly=self._evenly,
        )

    def _average_over_labels(self, by_threshold):
        if not self.multi_label:
            return torch.sum(by_threshold)
        by_label = torch.sum(by_threshold, dim=0)
        if self.label_weights is None:
            return torch.mean(by_label)
        return _divide_no_nan(torch.sum(by_label * self.label_weights), torch.sum(self.label_weights))

    def _interpolate_pr_auc(self):
        """Davis & Goadrich (2006) interpolation of the precision-recall curve."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = _divide_no_nan(dtp, torch.clamp_min(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = torch.where(
            (p[:-1] > 0) & (p[1:] > 0), _divide_no_nan(p[:-1], torch.clamp_min(p[1:], 0)), torch.ones_like(p[1:])
        )
        increments = _divide_no_nan(
            prec_slope * (dtp + intercept * torch.log(safe_p_ratio)), torch.clamp_min(tp[1:] + fn[1:], 0)
        )
        return self._average_over_labels(increments)

    def result(self):
        if not self._built:
            return torch.zeros((), dtype=self._torch_dtype, device=config.device())
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide_no_nan(tp, tp + fp)
        else:  # PRGAIN, with Keras's fixes for no true positives and recall below the base rate
            scaling = _divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scaling * _divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * _divide_no_nan(fp, tp)
            recall_gain = torch.clamp_min(torch.where(tp == 0, torch.zeros_like(tp), recall_gain), 0.0)
            precision_gain = torch.where(tp == 0, torch.ones_like(tp), precision_gain)
            x, y = recall_gain, precision_gain
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = torch.minimum(y[:-1], y[1:])
        else:
            heights = torch.maximum(y[:-1], y[1:])
        return self._average_over_labels((x[:-1] - x[1:]) * heights)

    def get_config(self):
        config_ = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config_["thresholds"] = self.thresholds[1:-1]
        return config_
