"""Finding losses by name, and turning them into configs and back (``losses.get/serialize/deserialize``).

Names are Keras's: function names (``'categorical_crossentropy'``), class names
(``'CategoricalCrossentropy'``) and the short aliases (``'mse'``, ``'MAE'``, ``'bce'``,
``'kld'``...). A function serializes to its name, a loss object to
``{'class_name': ..., 'config': ...}``.

Example:
    >>> get("mse").__name__
    'mean_squared_error'
    >>> type(get("MeanSquaredError")).__name__
    'MeanSquaredError'
"""
import inspect

from lamina.core.identifiers import deserialize_object, lookup_name, resolve_identifier, serialize_object
from lamina.losses import sequence as _ctc
from lamina.losses import margin as _hinge
from lamina.losses import probabilistic as _prob
from lamina.losses import regression as _reg
from lamina.losses import segmentation as _seg
from lamina.losses.loss import Loss, LossFunctionWrapper

LOSS_CLASSES = {
    cls.__name__: cls
    for cls in (
        Loss, LossFunctionWrapper,
        _reg.MeanSquaredError, _reg.MeanAbsoluteError, _reg.MeanAbsolutePercentageError,
        _reg.MeanSquaredLogarithmicError, _reg.CosineSimilarity, _reg.Huber, _reg.LogCosh,
        _prob.BinaryCrossentropy, _prob.BinaryFocalCrossentropy, _prob.CategoricalCrossentropy,
        _prob.CategoricalFocalCrossentropy, _prob.SparseCategoricalCrossentropy, _prob.KLDivergence, _prob.Poisson,
        _hinge.Hinge, _hinge.SquaredHinge, _hinge.CategoricalHinge, _ctc.CTC, _seg.Dice, _seg.Tversky,
    )
}
LOSS_FUNCTIONS = {
    fn.__name__: fn
    for fn in (
        _reg.mean_squared_error, _reg.mean_absolute_error, _reg.mean_absolute_percentage_error,
        _reg.mean_squared_logarithmic_error, _reg.cosine_similarity, _reg.huber, _reg.log_cosh,
        _prob.binary_crossentropy, _prob.binary_focal_crossentropy, _prob.categorical_crossentropy,
        _prob.categorical_focal_crossentropy, _prob.sparse_categorical_crossentropy, _prob.kl_divergence,
        _prob.poisson, _hinge.hinge, _hinge.squared_hinge, _hinge.categorical_hinge, _ctc.ctc, _seg.dice,
        _seg.tversky,
    )
}
LOSS_ALIASES = {
    "mse": _reg.mean_squared_error, "MSE": _reg.mean_squared_error,
    "mae": _reg.mean_absolute_error, "MAE": _reg.mean_absolute_error,
    "mape": _reg.mean_absolute_percentage_error, "MAPE": _reg.mean_absolute_percentage_error,
    "msle": _reg.mean_squared_logarithmic_error, "MSLE": _reg.mean_squared_logarithmic_error,
    "bce": _prob.binary_crossentropy, "BCE": _prob.binary_crossentropy,
    "kld": _prob.kl_divergence, "KLD": _prob.kl_divergence,
    "kullback_leibler_divergence": _prob.kl_divergence,
    "logcosh": _reg.log_cosh,
    "huber_loss": _reg.huber,
    "cosine_proximity": _reg.cosine_similarity,  # Keras 2's name (also minimised at -1)
}
ALL_LOSSES = {**LOSS_CLASSES, **LOSS_FUNCTIONS, **LOSS_ALIASES}


def serialize_function(fn):
    """A loss function's name (built-in or registered), or a loss object's config.

    Example:
        >>> serialize_function(_reg.mean_squared_error)
        'mean_squared_error'
    """
    if hasattr(fn, "get_config") and not inspect.isclass(fn):
        return serialize_object(fn)
    name = getattr(fn, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize the loss {fn!r}: it has no name; register it or give it a get_config()")
    return name


def deserialize_function(config, custom_objects=None):
    """Inverse of :func:`serialize_function`.

    Example:
        >>> deserialize_function("mse") is _reg.mean_squared_error
        True
    """
    if isinstance(config, str):
        return lookup_name(config, ALL_LOSSES, "loss", custom_objects)
    return deserialize(config, custom_objects)


def serialize(loss):
    """A JSON-safe description of a loss: a name for functions, a class/config dict for objects.

    Example:
        >>> serialize(_reg.MeanAbsoluteError())["class_name"]
        'MeanAbsoluteError'
    """
    if loss is None:
        return None
    if isinstance(loss, Loss):
        config = serialize_object(loss)
        if type(loss).__name__ in LOSS_CLASSES:
            config["class_name"] = type(loss).__name__
        return config
    return serialize_function(loss)


def deserialize(config, custom_objects=None):
    """Build a loss (function or object) from :func:`serialize`'s output.

    Only built-in losses, registered classes and ``custom_objects`` can be named.

    Example:
        >>> deserialize({"class_name": "Huber", "config": {"delta": 2.0}}).delta
        2.0
    """
    if isinstance(config, str):
        return lookup_name(config, ALL_LOSSES, "loss", custom_objects)
    return deserialize_object(config, ALL_LOSSES, "loss", custom_objects)


def get(identifier):
    """Resolve a loss identifier: a name, a config dict, a Loss class or object, or a function.

    Names of functions give the function (``get('mse')``); class names give a new
    object (``get('MeanSquaredError')``); ``None`` gives ``None``.

    Example:
        >>> get("categorical_crossentropy").__name__
        'categorical_crossentropy'
        >>> get("no_such_loss")
        Traceback (most recent call last):
        ...
        ValueError: Unknown loss: 'no_such_loss'. Valid names are: ...
    """
    return resolve_identifier(
        identifier, ALL_LOSSES, "loss", deserialize,
        "a loss name, a config dict, a Loss object or a function(y_true, y_pred)",
    )

