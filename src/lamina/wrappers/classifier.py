"""``SKLearnClassifier``: a lamina classifier as a scikit-learn estimator (``keras.wrappers.SKLearnClassifier``).

Class labels of any kind (ints, strings) are one-hot encoded over the sorted
distinct labels (``classes_``) before they reach the network, as Keras does, so the
network ends with one unit per class; ``predict`` maps the largest output back to
its label.

Example:
    >>> import lamina as keras
    >>> def build(X, y):
    ...     model = keras.Sequential([keras.layers.Dense(y.shape[1], activation="softmax",
    ...                                                  input_shape=(X.shape[1],))])
    ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
    ...     return model
    >>> X = np.random.rand(20, 3); y = np.where(X[:, 0] > 0.5, "high", "low")
    >>> clf = SKLearnClassifier(build, fit_kwargs={"epochs": 2, "verbose": 0}).fit(X, y)
    >>> clf.classes_.tolist(), clf.predict(X[:2]).shape, clf.predict_proba(X[:2]).shape
    (['high', 'low'], (2,), (2, 2))
"""
import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import validate_data

from lamina.wrappers.base import SKLearnBase


def _output_width(model):
    """The last dimension of a single-output model's output, or ``None`` when it is not known yet."""
    try:
        shape = model.output_shape
    except (AttributeError, ValueError, RuntimeError):
        return None
    if isinstance(shape, tuple) and shape and isinstance(shape[-1], int):
        return shape[-1]
    return None


class SKLearnClassifier(ClassifierMixin, SKLearnBase):
    """scikit-learn classifier wrapping a lamina model.

    Args:
        model: a compiled model whose output has one unit per class (softmax), or a
            function ``model(X, y, **model_kwargs)`` building and compiling one; it
            receives ``y`` one-hot encoded, so ``y.shape[1]`` is the number of classes.
        warm_start, model_kwargs, fit_kwargs: see :class:`~lamina.wrappers.base.SKLearnBase`.

    Attributes:
        classes_: the sorted distinct class labels; output column ``i`` scores ``classes_[i]``.
        model_, history_, n_features_in_: see :class:`~lamina.wrappers.base.SKLearnBase`.

    ``score`` is the accuracy. ``predict`` runs silently (no progress bar).

    Example:
        >>> from sklearn.model_selection import cross_val_score
        >>> import lamina as keras
        >>> def build(X, y, units=8):
        ...     model = keras.Sequential([keras.layers.Dense(units, activation="relu", input_shape=(X.shape[1],)),
        ...                               keras.layers.Dense(y.shape[1], activation="softmax")])
        ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
        ...     return model
        >>> X = np.random.rand(30, 4); y = (X.sum(axis=1) > 2).astype(int)
        >>> clf = SKLearnClassifier(build, model_kwargs={"units": 4}, fit_kwargs={"epochs": 1, "verbose": 0})
        >>> cross_val_score(clf, X, y, cv=3).shape
        (3,)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True  # a few epochs of a small network, not a tuned model
        return tags

    def _validate_targets(self, X, y):
        X, y = validate_data(self, X, y, allow_nd=True)
        check_classification_targets(y)
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"{type(self).__name__}: only binary and multiclass targets are supported; y is "
                             f"{kind!r}")
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__}: y has only one class ({self.classes_[0]!r}); a classifier "
                             "needs at least two")
        return X, np.eye(len(self.classes_), dtype=np.float32)[codes]

    def _check_model_outputs(self, model, y):
        width = _output_width(model)
        if width is not None and width != y.shape[1]:
            raise ValueError(
                f"{type(self).__name__}: the model outputs {width} value(s) per sample, but the targets are one-hot "
                f"encoded over {y.shape[1]} classes {self.classes_.tolist()}; end the model with "
                f"Dense({y.shape[1]}, activation='softmax') (a model function can read the count from y.shape[1])"
            )

    def predict(self, X):
        """The predicted class labels: ``classes_[argmax(model outputs)]``, shape ``(n_samples,)``."""
        outputs = self._predict_raw(X)
        return self.classes_[np.argmax(outputs, axis=1)]

    def predict_proba(self, X):
        """Class probabilities, shape ``(n_samples, n_classes)``: the model's softmax outputs.

        Raises ``ValueError`` if the outputs are not probabilities (a model ending
        with logits); use :meth:`decision_function` for those.
        """
        outputs = self._predict_raw(X)
        if outputs.min() < -1e-6 or outputs.max() > 1 + 1e-6 or not np.allclose(outputs.sum(axis=1), 1, atol=1e-3):
            raise ValueError(
                f"{type(self).__name__}.predict_proba: the model's outputs are not probabilities (each row must "
                f"lie in [0, 1] and sum to 1; the first row is {outputs[0].tolist()}); end the model with a "
                "softmax, or use decision_function for raw scores"
            )
        return outputs

    def decision_function(self, X):
        """Scores whose largest value is the predicted class.

        Returns the raw outputs, shape ``(n_samples, n_classes)``; for two classes,
        scikit-learn's binary convention: one score per sample,
        ``outputs[:, 1] - outputs[:, 0]``, positive for ``classes_[1]`` (Keras returns
        both columns; this form is what scikit-learn's scorers such as ``roc_auc`` expect).
        """
        outputs = self._predict_raw(X)
        return outputs[:, 1] - outputs[:, 0] if outputs.shape[1] == 2 else outputs
