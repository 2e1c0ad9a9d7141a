"""What ``compile(loss=...)`` does with one output's loss identifier, once the data's shapes are known.

Keras 3 picks binary, sparse or categorical cross-entropy for ``loss='crossentropy'``
(or ``'ce'``) from the shapes of ``y_true`` and ``y_pred``, and wraps plain functions
in a :class:`LossFunctionWrapper` named as the user spelled the loss.

Example:
    >>> loss = resolve_loss("ce", (32,), (32, 10))
    >>> loss.name, loss.fn.__name__
    ('ce', 'sparse_categorical_crossentropy')
"""
from lamina.losses import probabilistic
from lamina.losses.loss import Loss, LossFunctionWrapper, function_name
from lamina.losses.serialization import get

CROSSENTROPY_NAMES = ("crossentropy", "ce")


def is_binary_or_sparse_categorical(y_true_shape, y_pred_shape):
    """Keras 3's shape rule: ``(is_binary, is_sparse_categorical)``.

    Binary when the prediction has one column; sparse when the targets have lower
    rank than the predictions, or one column against several predicted classes.

    Example:
        >>> is_binary_or_sparse_categorical((8, 1), (8, 1)), is_binary_or_sparse_categorical((8,), (8, 5))
        ((True, False), (False, True))
    """
    y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    true_last = y_true_shape[-1] if y_true_shape else None
    pred_last = y_pred_shape[-1] if y_pred_shape else None
    is_binary = pred_last == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        true_last == 1 and pred_last is not None and pred_last > 1
    )
    return is_binary, is_sparse


def resolve_loss(identifier, y_true_shape, y_pred_shape):
    """The Loss object for one output: ``identifier`` resolved as ``compile`` does in Keras 3.

    * ``'crossentropy'`` / ``'ce'`` (any case): binary, sparse or categorical
      cross-entropy, by :func:`is_binary_or_sparse_categorical`;
    * a Loss object or class: itself (a class is instantiated);
    * a name, config or function: wrapped in a :class:`LossFunctionWrapper` whose
      ``name`` is the string as the user spelled it, or the function's name;
    * ``None``: ``None`` (no loss for this output).

    Example:
        >>> resolve_loss("mse", (4, 1), (4, 1)).name
        'mse'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in CROSSENTROPY_NAMES:
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true_shape, y_pred_shape)
        if is_binary:
            loss = probabilistic.binary_crossentropy
        elif is_sparse:
            loss = probabilistic.sparse_categorical_crossentropy
        else:
            loss = probabilistic.categorical_crossentropy
    else:
        loss = get(identifier)
    if isinstance(loss, Loss):
        return loss
    name = identifier if isinstance(identifier, str) else function_name(loss)
    return LossFunctionWrapper(loss, name=name)
