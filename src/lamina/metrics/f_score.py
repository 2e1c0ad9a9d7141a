"""F-scores: ``FBetaScore`` and ``F1Score``, per class or averaged (micro, macro, weighted).

Example:
    >>> m = F1Score(average="micro", threshold=0.5)
    >>> m.update_state([[1, 0], [0, 1], [1, 1]], [[0.9, 0.2], [0.6, 0.7], [0.3, 0.8]]); round(m.result().item(), 4)
    0.75
"""
import torch

from lamina.core import config
from lamina.losses.checks import prediction
from lamina.metrics.metric import Metric, register_metric

_AVERAGES = (None, "micro", "macro", "weighted")


@register_metric
class FBetaScore(Metric):
    """The F-beta score ``(1 + beta²) · precision · recall / (beta² · precision + recall)``.

    Args:
        average: ``None`` (one score per class), ``'micro'`` (pool all classes),
            ``'macro'`` (mean of the class scores) or ``'weighted'`` (by class support).
        beta: the weight of recall relative to precision (a float > 0).
        threshold: predictions above it count as positive; ``None``: each row's
            highest prediction (multi-class).

    Example:
        >>> m = FBetaScore(beta=2.0, threshold=0.5)
        >>> m.update_state([[1, 0], [0, 1]], [[0.9, 0.8], [0.2, 0.7]]); [round(v, 4) for v in m.result().tolist()]
        [1.0, 0.8333]
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{owner}: invalid average={average!r}; expected one of {list(_AVERAGES)}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"{owner}: beta must be a Python float > 0; received beta={beta!r}")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError(f"{owner}: threshold must be a Python float in (0, 1]; received threshold={threshold!r}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs of shape (batch_size, output_dim); received "
                f"y_true.shape={tuple(y_true_shape)} and y_pred.shape={tuple(y_pred_shape)}"
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        self.true_positives = self.add_variable(shape=shape, name="true_positives")
        self.false_positives = self.add_variable(shape=shape, name="false_positives")
        self.false_negatives = self.add_variable(shape=shape, name="false_negatives")
        self.intermediate_weights = self.add_variable(shape=shape, name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = prediction(y_pred).to(self._torch_dtype)
        y_true = prediction(y_true).to(device=y_pred.device, dtype=self._torch_dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            top = torch.amax(y_pred, dim=-1, keepdim=True)
            y_pred = (y_pred >= top) & (torch.abs(y_pred) > 1e-9)  # an all-zero row predicts nothing
        else:
            y_pred = y_pred > self.threshold
        y_pred = y_pred.to(self._torch_dtype)
        weights = None
        if sample_weight is not None:
            weights = prediction(sample_weight).to(device=y_pred.device, dtype=self._torch_dtype).unsqueeze(1)

        def weighted_sum(values):
            if weights is not None:
                values = values * weights
            return torch.sum(values) if self.axis is None else torch.sum(values, dim=self.axis)

        self.true_positives.add_(weighted_sum(y_pred * y_true))
        self.false_positives.add_(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.add_(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.add_(weighted_sum(y_true))

    def result(self):
        if not self._built:
            return torch.zeros((), dtype=self._torch_dtype, device=config.device())
        eps = config.epsilon()
        tp = self.true_positives
        precision = tp / (tp + self.false_positives + eps)
        recall = tp / (tp + self.false_negatives + eps)
        beta2 = self.beta**2
        score = (precision * recall) / (beta2 * precision + recall + eps) * (1 + beta2)
        if self.average == "weighted":
            weights = self.intermediate_weights / (torch.sum(self.intermediate_weights) + eps)
            return torch.sum(score * weights)
        if self.average is not None:
            return torch.mean(score)
        return score

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


@register_metric
class F1Score(FBetaScore):
    """The F1 score, the harmonic mean of precision and recall (``FBetaScore`` with ``beta=1``).

    Example:
        >>> m = F1Score(threshold=0.5)
        >>> m.update_state([[1, 0], [0, 1]], [[0.9, 0.8], [0.2, 0.7]]); [round(v, 4) for v in m.result().tolist()]
        [1.0, 0.6667]
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config_ = super().get_config()
        del config_["beta"]
        return config_
