"""Finding metrics by name, and turning them into configs and back (``metrics.get/serialize/deserialize``).

Names are Keras 3's: class names (``'AUC'``), their snake case (``'auc'``,
``'binary_accuracy'``, ``'mean_absolute_error'``) and the short aliases (``'mse'``,
``'mae'``, ``'mape'``, ``'msle'``, ``'bce'``), plus Keras 2 spellings (``'acc'``,
``'kld'``, ``'logcosh'``...). A name gives a new metric object.

Example:
    >>> type(get("mae")).__name__
    'MeanAbsoluteError'
    >>> get("auc").name
    'auc'
"""
from lamina.core.identifiers import deserialize_object, lookup_name, resolve_identifier, serialize_object
from lamina.core.naming import to_snake_case
from lamina.losses.serialization import ALL_LOSSES
from lamina.metrics import accuracy_metrics as _acc
from lamina.metrics import confusion as _conf
from lamina.metrics import f_score as _f
from lamina.metrics import operating_point as _op
from lamina.metrics import margin as _margin
from lamina.metrics import probabilistic as _prob
from lamina.metrics import reduction as _red
from lamina.metrics import regression as _reg
from lamina.metrics.metric import Metric

METRIC_CLASSES = [
    Metric, _red.Mean, _red.Sum, _red.MeanMetricWrapper,
    _reg.MeanSquaredError, _reg.RootMeanSquaredError, _reg.MeanAbsoluteError, _reg.MeanAbsolutePercentageError,
    _reg.MeanSquaredLogarithmicError, _reg.CosineSimilarity, _reg.LogCoshError, _reg.R2Score,
    _conf.AUC, _conf.FalseNegatives, _conf.FalsePositives, _conf.Precision, _conf.Recall, _conf.TrueNegatives,
    _conf.TruePositives, _op.SensitivityAtSpecificity, _op.SpecificityAtSensitivity, _op.PrecisionAtRecall,
    _op.RecallAtPrecision, _f.FBetaScore, _f.F1Score,
    _margin.Hinge, _margin.SquaredHinge, _margin.CategoricalHinge,
    _prob.KLDivergence, _prob.Poisson, _prob.BinaryCrossentropy, _prob.CategoricalCrossentropy,
    _prob.SparseCategoricalCrossentropy,
    _acc.Accuracy, _acc.BinaryAccuracy, _acc.CategoricalAccuracy, _acc.SparseCategoricalAccuracy,
    _acc.TopKCategoricalAccuracy, _acc.SparseTopKCategoricalAccuracy,
]
ALL_METRICS = {cls.__name__: cls for cls in METRIC_CLASSES}
ALL_METRICS.update({to_snake_case(cls.__name__): cls for cls in METRIC_CLASSES})
ALL_METRICS.update({
    "bce": _prob.BinaryCrossentropy, "BCE": _prob.BinaryCrossentropy,
    "mse": _reg.MeanSquaredError, "MSE": _reg.MeanSquaredError,
    "mae": _reg.MeanAbsoluteError, "MAE": _reg.MeanAbsoluteError,
    "mape": _reg.MeanAbsolutePercentageError, "MAPE": _reg.MeanAbsolutePercentageError,
    "msle": _reg.MeanSquaredLogarithmicError, "MSLE": _reg.MeanSquaredLogarithmicError,
    # Keras 2 spellings
    "acc": _acc.Accuracy,
    "kld": _prob.KLDivergence, "KLD": _prob.KLDivergence, "kullback_leibler_divergence": _prob.KLDivergence,
    "logcosh": _reg.LogCoshError, "log_cosh": _reg.LogCoshError,
    "cosine_proximity": _reg.CosineSimilarity, "rmse": _reg.RootMeanSquaredError,
})


METRIC_FUNCTIONS = {
    fn.__name__: fn
    for fn in (
        _acc.accuracy, _acc.binary_accuracy, _acc.categorical_accuracy, _acc.sparse_categorical_accuracy,
        _acc.top_k_categorical_accuracy, _acc.sparse_top_k_categorical_accuracy,
    )
}


def serialize(metric):
    """``{'class_name', 'config'}`` for a metric object; a function's name for a function.

    Example:
        >>> serialize(_acc.BinaryAccuracy(threshold=0.7))
        {'class_name': 'BinaryAccuracy', 'config': {'name': 'binary_accuracy', 'dtype': 'float32', 'threshold': 0.7}}
    """
    if metric is None:
        return None
    if isinstance(metric, Metric):
        config = serialize_object(metric)
        if ALL_METRICS.get(type(metric).__name__) is type(metric):
            config["class_name"] = type(metric).__name__
        return config
    from lamina.losses.serialization import serialize_function

    return serialize_function(metric)


def deserialize_function(config, custom_objects=None):
    """The function a :class:`MeanMetricWrapper` config names (loss functions, metric functions, registered).

    Example:
        >>> deserialize_function("binary_accuracy") is _acc.binary_accuracy
        True
    """
    if isinstance(config, str):
        return lookup_name(config, {**ALL_LOSSES, **METRIC_FUNCTIONS}, "metric function", custom_objects)
    return deserialize(config, custom_objects)


def deserialize(config, custom_objects=None):
    """Build a metric from :func:`serialize`'s output (only known or registered names).

    Example:
        >>> deserialize({"class_name": "Precision", "config": {"thresholds": 0.3}}).thresholds
        [0.3]
    """
    if isinstance(config, str):
        return lookup_name(config, ALL_METRICS, "metric", custom_objects)()
    return deserialize_object(config, ALL_METRICS, "metric", custom_objects)


def get(identifier):
    """Resolve a metric identifier as ``keras.metrics.get`` does.

    A name or a config gives a new Metric object; a Metric class is instantiated; a
    Metric object or a function is returned as is (``compile`` wraps functions in
    :class:`MeanMetricWrapper`; see :func:`resolve_metric`).

    Example:
        >>> get("binary_accuracy").threshold
        0.5
        >>> get("no_such_metric")
        Traceback (most recent call last):
        ...
        ValueError: Unknown metric: 'no_such_metric'. Valid names are: ...
    """
    return resolve_identifier(
        identifier, ALL_METRICS, "metric", deserialize,
        "a metric name, a config dict, a Metric object or a function(y_true, y_pred)",
    )

