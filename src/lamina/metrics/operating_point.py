"""Metrics at an operating point: the best sensitivity, specificity, precision or recall
reachable while another of them stays at or above a target.

Each accumulates true/false positives/negatives at ``num_thresholds`` evenly spaced
thresholds (as :class:`AUC` does) and, in ``result()``, takes the best value over the
thresholds that satisfy the constraint.

Example:
    >>> m = RecallAtPrecision(precision=0.8, num_thresholds=11)
    >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]); m.result().item()
    0.5
"""
import torch

from lamina.metrics.confusion import _divide_no_nan, _ThresholdedMetric
from lamina.metrics.confusion_matrix import update_confusion_matrix
from lamina.metrics.metric import register_metric


class _OperatingPointMetric(_ThresholdedMetric):
    """Confusion counts at evenly spaced thresholds in [0, 1] (one threshold, 0.5, when ``num_thresholds=1``)."""

    _target = None  # the constructor argument holding the constraint's target value

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        if not 0 <= value <= 1:
            raise ValueError(f"{owner}: {self._target} must be in [0, 1]; received {self._target}={value}")
        if num_thresholds <= 0:
            raise ValueError(f"{owner}: num_thresholds must be an integer > 0; received num_thresholds={num_thresholds}")
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self._set_thresholds([0.5], evenly=False)
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._set_thresholds([0.0] + inner + [1.0], evenly=True)
        shape = (len(self.thresholds),)
        counts = self._counters(
            {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives", "fn": "false_negatives"}, shape
        )
        self.true_positives, self.false_positives = counts["tp"], counts["fp"]
        self.true_negatives, self.false_negatives = counts["tn"], counts["fn"]
        self._counts = counts

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix(
            self._counts, y_true, y_pred, self._threshold_arg, class_id=self.class_id, sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def _rates(self):
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        return {
            "sensitivity": _divide_no_nan(tp, tp + fn),  # = recall
            "specificity": _divide_no_nan(tn, tn + fp),
            "precision": _divide_no_nan(tp, tp + fp),
        }

    def _best_where_at_least(self, constrained, dependent):
        feasible = constrained >= self.value
        return torch.clamp_min(torch.amax(torch.where(feasible, dependent, torch.zeros_like(dependent))), 0.0)

    def get_config(self):
        return {
            **super().get_config(), "num_thresholds": self.num_thresholds, self._target: self.value,
            "class_id": self.class_id,
        }


@register_metric
class SensitivityAtSpecificity(_OperatingPointMetric):
    """The best sensitivity (recall) over thresholds whose specificity is at least ``specificity``.

    Example:
        >>> m = SensitivityAtSpecificity(specificity=0.5, num_thresholds=11)
        >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]); m.result().item()
        1.0
    """

    _target = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self):
        rates = self._rates()
        return self._best_where_at_least(rates["specificity"], rates["sensitivity"])


@register_metric
class SpecificityAtSensitivity(_OperatingPointMetric):
    """The best specificity over thresholds whose sensitivity (recall) is at least ``sensitivity``.

    Example:
        >>> m = SpecificityAtSensitivity(sensitivity=1.0, num_thresholds=11)
        >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]); m.result().item()
        0.5
    """

    _target = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self):
        rates = self._rates()
        return self._best_where_at_least(rates["sensitivity"], rates["specificity"])


@register_metric
class PrecisionAtRecall(_OperatingPointMetric):
    """The best precision over thresholds whose recall is at least ``recall``.

    Example:
        >>> m = PrecisionAtRecall(recall=1.0, num_thresholds=11)
        >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]); round(m.result().item(), 4)
        0.6667
    """

    _target = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self):
        rates = self._rates()
        return self._best_where_at_least(rates["sensitivity"], rates["precision"])


@register_metric
class RecallAtPrecision(_OperatingPointMetric):
    """The best recall over thresholds whose precision is at least ``precision``.

    Example:
        >>> m = RecallAtPrecision(precision=1.0, num_thresholds=11)
        >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]); m.result().item()
        0.5
    """

    _target = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self):
        rates = self._rates()
        return self._best_where_at_least(rates["precision"], rates["sensitivity"])
