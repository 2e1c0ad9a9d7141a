"""``SKLearnTransformer``: a lamina model as a scikit-learn transformer (``keras.wrappers.SKLearnTransformer``).

``fit`` trains the network on ``(X, y)`` (a 1-D ``y`` as a column, as in Keras);
``transform`` is the network's output (an embedding, a bottleneck code...), so a
trained network can feed features to any scikit-learn model in a ``Pipeline``.

Example:
    >>> import lamina as keras
    >>> def build(X, y):
    ...     model = keras.Sequential([keras.layers.Dense(y.shape[1], input_shape=(X.shape[1],))])
    ...     model.compile(optimizer="sgd", loss="mse")
    ...     return model
    >>> X = np.random.rand(8, 3)
    >>> SKLearnTransformer(build, fit_kwargs={"verbose": 0}).fit(X, X[:, 0]).transform(X).shape
    (8, 1)
"""
from sklearn.base import TransformerMixin

from lamina.wrappers.base import _ColumnTargets, SKLearnBase


class SKLearnTransformer(TransformerMixin, _ColumnTargets, SKLearnBase):
    """scikit-learn transformer wrapping a lamina model: ``fit`` trains it on ``(X, y)``, ``transform`` runs it.

    A transformer in scikit-learn's sense (a pipeline step that maps features to new
    features), not the attention architecture.

    Args:
        model: a compiled model, or a function ``model(X, y, **model_kwargs)`` building
            and compiling one.
        warm_start, model_kwargs, fit_kwargs: see :class:`~lamina.wrappers.base.SKLearnBase`.

    Example:
        >>> import lamina as keras
        >>> def build(X, y):
        ...     model = keras.Sequential([keras.layers.Dense(2, input_shape=(X.shape[1],))])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     return model
        >>> X = np.random.rand(10, 4)
        >>> SKLearnTransformer(build, fit_kwargs={"verbose": 0}).fit_transform(X, X[:, :2]).shape
        (10, 2)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []  # outputs are float32 whatever X was
        tags.target_tags.multi_output = True
        return tags

    def transform(self, X):
        """The model's outputs for ``X`` (silent: no progress bar)."""
        return self._predict_raw(X)
