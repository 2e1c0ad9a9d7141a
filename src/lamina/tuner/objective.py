"""``Objective``: the logged quantity a search optimises, and whether lower or higher is better.

A name given as a string gets its direction as Keras Tuner infers it: losses and
error metrics are minimised, accuracies, AUC, precision, recall, F-scores, IoU, R²
and cosine similarity maximised, with or without the ``val_`` prefix and an output
name in front (``'val_digits_accuracy'``). Any other name needs an explicit
``Objective(name, direction)``.

Example:
    >>> get_objective("val_accuracy"), get_objective("val_mae").direction
    (Objective(name='val_accuracy', direction='max'), 'min')
"""
_MAXIMISED = (
    "accuracy", "acc", "auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score", "iou", "mean_iou",
    "cosine_similarity", "true_positives", "true_negatives", "precision_at_recall", "recall_at_precision",
    "sensitivity_at_specificity", "specificity_at_sensitivity",
)
_MINIMISED = (
    "loss", "mae", "mse", "mape", "msle", "rmse", "mean_absolute_error", "mean_squared_error",
    "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "root_mean_squared_error", "crossentropy",
    "ce", "hinge", "squared_hinge", "kl_divergence", "kld", "poisson", "log_cosh", "logcosh", "huber",
    "false_positives", "false_negatives",
)


def infer_direction(name):
    """``'min'``, ``'max'`` or ``None`` (unknown) for a logged name.

    Example:
        >>> infer_direction("val_loss"), infer_direction("sparse_categorical_accuracy"), infer_direction("score")
        ('min', 'max', None)
    """
    base = name[4:] if name.startswith("val_") else name
    for suffixes, direction in ((_MINIMISED, "min"), (_MAXIMISED, "max")):
        if any(base == s or base.endswith("_" + s) for s in suffixes):
            return direction
    return None


class Objective:
    """The quantity to optimise (a key of ``fit``'s logs) and its ``direction``, ``'min'`` or ``'max'``.

    Example:
        >>> Objective("val_f2", direction="max")
        Objective(name='val_f2', direction='max')
    """

    def __init__(self, name, direction):
        if not isinstance(name, str) or not name:
            raise ValueError(f"Objective: name must be the name of a logged quantity; received {name!r}")
        if direction not in ("min", "max"):
            raise ValueError(f"Objective {name!r}: direction must be 'min' or 'max'; received {direction!r}")
        self.name = name
        self.direction = direction

    def better(self, value, reference):
        """True if ``value`` beats ``reference`` (``None`` is always beaten; NaN never beats anything).

        Example:
            >>> Objective("loss", "min").better(0.1, 0.2)
            True
        """
        if reference is None:
            return value == value
        return value < reference if self.direction == "min" else value > reference

    def __eq__(self, other):
        return isinstance(other, Objective) and (self.name, self.direction) == (other.name, other.direction)

    def __repr__(self):
        return f"Objective(name={self.name!r}, direction={self.direction!r})"


def get_objective(objective):
    """An :class:`Objective` from a name (direction inferred) or an ``Objective``.

    Example:
        >>> get_objective("loss")
        Objective(name='loss', direction='min')
    """
    if isinstance(objective, Objective):
        return objective
    if not isinstance(objective, str):
        raise TypeError(f"objective must be a logged name such as 'val_loss' or an Objective(name, direction) "
                        f"(one objective); received {objective!r}")
    direction = infer_direction(objective)
    if direction is None:
        raise ValueError(
            f"cannot tell whether the objective {objective!r} should be minimised or maximised; pass "
            f"lamina.tuner.Objective({objective!r}, direction='min') or direction='max'"
        )
    return Objective(objective, direction)
