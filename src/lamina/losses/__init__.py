"""Losses (``keras.losses``): functions returning per-sample values, and Loss classes that reduce them.

Functions (``mean_squared_error(y_true, y_pred)``) return one value per sample,
reduced over the last axis, exactly as Keras 3. Classes (``MeanSquaredError()``)
add sample weighting, masking and a reduction (``'sum_over_batch_size'`` by default).
``get``/``serialize``/``deserialize`` use Keras's names; :func:`resolve_loss` is what
``compile`` does with one output's loss.

Example:
    >>> from lamina import losses
    >>> losses.mse([[1.0, 1.0]], [[0.0, 1.0]]).tolist()
    [0.5]
    >>> losses.get("CategoricalCrossentropy").name
    'categorical_crossentropy'
"""
from lamina.losses.sequence import CTC, ctc
from lamina.losses.margin import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from lamina.losses.loss import FunctionLoss, Loss, LossFunctionWrapper
from lamina.losses.probabilistic import (
    BCE,
    KLD,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    bce,
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
from lamina.losses.reduction import Reduction
from lamina.losses.regression import (
    MAE,
    MAPE,
    MSE,
    MSLE,
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
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
from lamina.losses.segmentation import Dice, Tversky, dice, tversky
from lamina.losses.resolve import is_binary_or_sparse_categorical, resolve_loss
from lamina.losses.serialization import ALL_LOSSES, deserialize, get, serialize
