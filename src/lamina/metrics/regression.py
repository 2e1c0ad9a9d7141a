"""Regression metrics: running means of squared, absolute, percentage, logarithmic and log-cosh errors,
root mean squared error, cosine similarity and R².

Example:
    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]); m.result().item()
    0.7071067690849304
"""
import torch

from lamina.losses import regression as losses
from lamina.losses.checks import check_broadcastable, prediction, target_like
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric, register_metric
from lamina.metrics.reduction import FunctionMetric, Mean


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity along ``axis`` (1 for parallel vectors; the loss is its negative).

    Example:
        >>> cosine_similarity([[0.0, 2.0]], [[0.0, 3.0]]).tolist()
        [1.0]
    """
    y_pred = prediction(y_pred)
    y_true = target_like(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable("cosine_similarity", y_true, y_pred)
    return torch.sum(losses.l2_normalize(y_true, axis) * losses.l2_normalize(y_pred, axis), dim=axis)


@register_metric
class MeanSquaredError(FunctionMetric):
    """Running mean of squared errors (``metrics=['mse']``).

    Example:
        >>> m = MeanSquaredError()
        >>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]); m.result().item()
        0.5
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


@register_metric
class MeanAbsoluteError(FunctionMetric):
    """Running mean of absolute errors (``metrics=['mae']``).

    Example:
        >>> m = MeanAbsoluteError()
        >>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]); m.result().item()
        0.5
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


@register_metric
class MeanAbsolutePercentageError(FunctionMetric):
    """Running mean absolute percentage error (``metrics=['mape']``).

    Example:
        >>> m = MeanAbsolutePercentageError()
        >>> m.update_state([[2.0, 4.0]], [[1.0, 4.0]]); m.result().item()
        25.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


@register_metric
class MeanSquaredLogarithmicError(FunctionMetric):
    """Running mean squared logarithmic error (``metrics=['msle']``).

    Example:
        >>> m = MeanSquaredLogarithmicError()
        >>> m.update_state([[0.0]], [[0.0]]); m.result().item()
        0.0
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


@register_metric
class CosineSimilarity(FunctionMetric):
    """Running mean of the cosine similarity between targets and predictions.

    Example:
        >>> m = CosineSimilarity()
        >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]); round(m.result().item(), 4)
        0.5
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


@register_metric
class LogCoshError(FunctionMetric):
    """Running mean of ``log(cosh(error))``.

    Example:
        >>> m = LogCoshError()
        >>> m.update_state([[0.0]], [[0.0]]); m.result().item()
        0.0
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


@register_metric
class RootMeanSquaredError(Mean):
    """Square root of the running (weighted) mean of squared errors.

    Example:
        >>> m = RootMeanSquaredError()
        >>> m.update_state([[1.0], [3.0]], [[2.0], [1.0]], sample_weight=[1.0, 0.0]); m.result().item()
        1.0
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = prediction(y_pred).to(self._torch_dtype)
        y_true = target_like(y_true, y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        check_broadcastable("root_mean_squared_error", y_true, y_pred)
        super().update_state(torch.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return torch.sqrt(super().result())


@register_metric
class R2Score(Metric):
    """Coefficient of determination, per output then averaged (``class_aggregation``).

    Args:
        class_aggregation: ``'uniform_average'`` (default), ``'variance_weighted_average'``
            or ``None`` (one score per output).
        num_regressors: for the adjusted R² (0: plain R²).

    Example:
        >>> m = R2Score()
        >>> m.update_state([[1.0], [2.0], [3.0]], [[1.0], [2.0], [4.0]]); round(m.result().item(), 4)
        0.5
    """

    _AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in self._AGGREGATIONS:
            raise ValueError(
                f"R2Score: invalid class_aggregation={class_aggregation!r}; expected one of {list(self._AGGREGATIONS)}"
            )
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0; received num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs of shape (batch_size, output_dim); received y_true.shape="
                f"{tuple(y_true_shape)} and y_pred.shape={tuple(y_pred_shape)}"
            )
        num_outputs = y_pred_shape[-1]
        self.squared_sum = self.add_variable(shape=(num_outputs,), name="squared_sum")
        self.sum = self.add_variable(shape=(num_outputs,), name="sum")
        self.total_mse = self.add_variable(shape=(num_outputs,), name="residual")
        self.count = self.add_variable(shape=(num_outputs,), name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = prediction(y_pred).to(self._torch_dtype)
        y_true = target_like(y_true, y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if sample_weight is None:
            sample_weight = torch.ones((), dtype=y_true.dtype, device=y_true.device)
        else:
            sample_weight = target_like(sample_weight, y_true)
        if sample_weight.dim() == 1:
            sample_weight = sample_weight.unsqueeze(1)
        sample_weight = torch.broadcast_to(sample_weight, y_true.shape)
        weighted_y_true = y_true * sample_weight
        self.sum.add_(torch.sum(weighted_y_true, dim=0))
        self.squared_sum.add_(torch.sum(y_true * weighted_y_true, dim=0))
        self.total_mse.add_(torch.sum((y_true - y_pred) ** 2 * sample_weight, dim=0))
        self.count.add_(torch.sum(sample_weight, dim=0))
        self.num_samples.add_(y_true.numel())

    def result(self):
        if not self._built:
            return torch.zeros((), dtype=self._torch_dtype)
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw_scores = 1 - (self.total_mse / total)
        raw_scores = torch.where(torch.isinf(raw_scores), torch.zeros_like(raw_scores), raw_scores)
        if self.class_aggregation == "uniform_average":
            score = torch.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = torch.sum(total * raw_scores) / torch.sum(total)
        else:
            score = raw_scores
        if self.num_regressors:
            n, p = self.num_samples, self.num_regressors
            adjusted = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
            score = torch.where(n - 1.0 > p, adjusted, score)  # too few samples: plain R², as Keras
        return score

    def get_config(self):
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
