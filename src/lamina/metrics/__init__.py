"""Metrics (``keras.metrics``): stateful metric objects, metric functions, and ``compile``'s resolution.

A metric accumulates statistics over batches (``update_state``) in tensors, without any
host sync, and reports them with ``result()``; ``reset_state()`` starts again.
:func:`resolve_metric` is what ``compile(metrics=[...])`` does with each identifier
(``'accuracy'`` becomes binary, categorical or sparse accuracy by the data's shapes).

Example:
    >>> from lamina import metrics
    >>> m = metrics.get("mae")
    >>> m.update_state([[1.0], [2.0]], [[1.5], [2.5]]); m.result().item()
    0.5
    >>> metrics.resolve_metric("acc", "categorical_crossentropy", (32, 10), (32, 10)).name
    'acc'
"""
from lamina.losses.margin import categorical_hinge, hinge, squared_hinge
from lamina.losses.probabilistic import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    kl_divergence,
    kld,
    kullback_leibler_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from lamina.losses.regression import (
    MAE,
    MAPE,
    MSE,
    MSLE,
    huber,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
)
from lamina.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from lamina.metrics.confusion import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from lamina.metrics.f_score import F1Score, FBetaScore
from lamina.metrics.margin import CategoricalHinge, Hinge, SquaredHinge
from lamina.metrics.metric import Metric
from lamina.metrics.operating_point import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)
from lamina.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from lamina.metrics.reduction import FunctionMetric, Mean, MeanMetricWrapper, Sum
from lamina.metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)
from lamina.metrics.resolve import classify_targets, resolve_metric
from lamina.metrics.serialization import ALL_METRICS, deserialize, get, serialize
