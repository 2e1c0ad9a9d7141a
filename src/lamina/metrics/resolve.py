"""What ``compile(metrics=[...])`` does with one metric identifier of one output: :func:`resolve_metric`.

Example:
    >>> m = resolve_metric("acc", "binary_crossentropy", (32,), (32, 1))
    >>> type(m).__name__, m.name
    ('BinaryAccuracy', 'acc')
"""
from lamina.losses import probabilistic as losses
from lamina.losses.loss import FunctionLoss, LossFunctionWrapper, function_name
from lamina.losses.resolve import is_binary_or_sparse_categorical
from lamina.losses.serialization import get as get_loss
from lamina.metrics import accuracy_metrics, probabilistic
from lamina.metrics.metric import Metric
from lamina.metrics.reduction import MeanMetricWrapper
from lamina.metrics.serialization import get

ACCURACY_NAMES = ("accuracy", "acc")
CROSSENTROPY_NAMES = ("crossentropy", "ce")
_ACCURACY = {
    "binary": accuracy_metrics.BinaryAccuracy,
    "sparse": accuracy_metrics.SparseCategoricalAccuracy,
    "categorical": accuracy_metrics.CategoricalAccuracy,
}
_CROSSENTROPY = {
    "binary": probabilistic.BinaryCrossentropy,
    "sparse": probabilistic.SparseCategoricalCrossentropy,
    "categorical": probabilistic.CategoricalCrossentropy,
}
_BINARY_LOSSES = (losses.binary_crossentropy, losses.binary_focal_crossentropy)
_SPARSE_LOSSES = (losses.sparse_categorical_crossentropy,)


def _loss_function(loss):
    """The function behind a loss identifier (name, function, LossFunctionWrapper), or ``None``."""
    if loss is None:
        return None
    if isinstance(loss, str):
        try:
            loss = get_loss(loss)
        except ValueError:
            return None
    if isinstance(loss, (FunctionLoss, LossFunctionWrapper)):
        return loss.fn
    return loss


def classify_targets(loss=None, y_true_shape=None, y_pred_shape=None):
    """``'binary'``, ``'sparse'`` or ``'categorical'`` for one output.

    With both shapes known, Keras 3's shape rule decides (one predicted column: binary;
    targets of lower rank, or one target column against several predicted: sparse).
    Without shapes, the loss decides, as Keras 2 did (binary or sparse cross-entropy,
    else categorical).

    Example:
        >>> classify_targets(None, (8, 10), (8, 10)), classify_targets("sparse_categorical_crossentropy")
        ('categorical', 'sparse')
    """
    if y_true_shape is not None and y_pred_shape is not None:
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true_shape, y_pred_shape)
    else:
        fn = _loss_function(loss)
        is_binary, is_sparse = fn in _BINARY_LOSSES, fn in _SPARSE_LOSSES
    return "binary" if is_binary else "sparse" if is_sparse else "categorical"


def resolve_metric(identifier, loss=None, y_true_shape=None, y_pred_shape=None):
    """The Metric object that ``compile(metrics=[identifier])`` gives one output, as Keras 3 builds it.

    The training loop calls it once per output and metric when it first sees data.

    Args:
        identifier: what the user wrote: a name (``'accuracy'``, ``'acc'``, ``'mae'``,
            ``'AUC'``...), a config dict, a Metric object or class, or a function
            ``fn(y_true, y_pred)`` (or any object with ``__call__``).
        loss: that output's loss identifier (only used when a shape is unknown).
        y_true_shape, y_pred_shape: shapes of one batch of targets and predictions.

    Returns:
        A new Metric (or ``identifier`` itself when it is a Metric object), whose
        ``name`` is the history/log key:

        * ``'accuracy'``/``'acc'`` (any case) become BinaryAccuracy,
          SparseCategoricalAccuracy or CategoricalAccuracy by :func:`classify_targets`;
          ``'crossentropy'``/``'ce'`` likewise become the matching cross-entropy metric
          (with the loss's ``from_logits``);
        * the name is the identifier as spelled (``'acc'`` -> ``'acc'``,
          ``'mae'`` -> ``'mae'``); a Metric object keeps its name; a function is wrapped
          in :class:`MeanMetricWrapper` named after its ``__name__`` (or ``name``
          attribute), unchanged (Keras 3 would snake-case it).

    Example:
        >>> resolve_metric("accuracy", "sparse_categorical_crossentropy", (32, 1), (32, 10)).name
        'accuracy'
        >>> type(resolve_metric("mae", "mse", (4, 1), (4, 1))).__name__
        'MeanAbsoluteError'
    """
    if identifier is None:
        raise ValueError("resolve_metric: expected a metric identifier, received None")
    if isinstance(identifier, str) and identifier.lower() in ACCURACY_NAMES + CROSSENTROPY_NAMES:
        kind = classify_targets(loss, y_true_shape, y_pred_shape)
        if identifier.lower() in ACCURACY_NAMES:
            return _ACCURACY[kind](name=identifier)
        from_logits = bool(getattr(loss, "_fn_kwargs", {}).get("from_logits", False))
        return _CROSSENTROPY[kind](name=identifier, from_logits=from_logits)
    metric = get(identifier)
    if isinstance(metric, Metric):
        if isinstance(identifier, str):
            metric.name = identifier
        return metric
    return MeanMetricWrapper(metric, name=identifier if isinstance(identifier, str) else function_name(metric))
