"""``SKLearnRegressor``: a lamina model as a scikit-learn regressor (``keras.wrappers.SKLearnRegressor``).

The network trains on ``y`` as given, with a 1-D ``y`` made a column (the network
sees ``(n_samples, 1)``, as in Keras); ``predict`` returns 1-D predictions again for
a 1-D ``y``.

Example:
    >>> import lamina as keras
    >>> def build(X, y):
    ...     model = keras.Sequential([keras.layers.Dense(y.shape[1], input_shape=(X.shape[1],))])
    ...     model.compile(optimizer="sgd", loss="mse")
    ...     return model
    >>> X = np.random.rand(16, 3); y = X @ [1.0, 2.0, 3.0]
    >>> SKLearnRegressor(build, fit_kwargs={"epochs": 1, "verbose": 0}).fit(X, y).predict(X).shape
    (16,)
"""
import numpy as np
from sklearn.base import RegressorMixin

from lamina.wrappers.base import _ColumnTargets, SKLearnBase


class SKLearnRegressor(RegressorMixin, _ColumnTargets, SKLearnBase):
    """scikit-learn regressor wrapping a lamina model.

    Args:
        model: a compiled model, or a function ``model(X, y, **model_kwargs)`` building
            and compiling one (``y`` arrives as ``(n_samples, n_outputs)``).
        warm_start, model_kwargs, fit_kwargs: see :class:`~lamina.wrappers.base.SKLearnBase`.

    ``score`` is the coefficient of determination R². ``predict`` runs silently.

    Example:
        >>> from sklearn.model_selection import GridSearchCV
        >>> import lamina as keras
        >>> def build(X, y, learning_rate=0.01):
        ...     model = keras.Sequential([keras.layers.Dense(1, input_shape=(X.shape[1],))])
        ...     model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
        ...     return model
        >>> X = np.random.rand(24, 2); y = X @ [2.0, -1.0]
        >>> search = GridSearchCV(SKLearnRegressor(build, fit_kwargs={"epochs": 1, "verbose": 0}),
        ...                       {"model_kwargs": [{"learning_rate": 0.01}, {"learning_rate": 0.1}]}, cv=2)
        >>> sorted(search.fit(X, y).best_params_)
        ['model_kwargs']
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        tags.target_tags.multi_output = True
        return tags

    def predict(self, X):
        """Predictions as float64 (scikit-learn's precision), shape ``(n_samples,)`` for a 1-D ``y`` in ``fit``.

        Otherwise the shape is ``(n_samples, n_outputs)``.
        """
        outputs = self._predict_raw(X).astype(np.float64)
        if self._target_ndim == 1 and outputs.ndim == 2 and outputs.shape[1] == 1:
            return outputs[:, 0]
        return outputs
