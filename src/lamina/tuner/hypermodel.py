"""``HyperModel``: a search space as a class, which can also tune how the model is trained.

``build(hp)`` returns a compiled model; ``fit(hp, model, *args, **kwargs)`` trains it
(by default ``model.fit(*args, **kwargs)``), so an override can tune ``batch_size``
or anything else ``fit`` takes. A tuner given a plain function ``build_model(hp)``
wraps it in a ``HyperModel``, so ``tuner.hypermodel.build(best_hp)`` always works.

Example:
    >>> import lamina as keras
    >>> from lamina.tuner import HyperParameters
    >>> class MyHyperModel(HyperModel):
    ...     def build(self, hp):
    ...         model = keras.Sequential([keras.layers.Dense(hp.Int("units", 4, 8), input_shape=(2,)),
    ...                                   keras.layers.Dense(1)])
    ...         model.compile(optimizer="adam", loss="mse")
    ...         return model
    ...     def fit(self, hp, model, *args, **kwargs):
    ...         return model.fit(*args, batch_size=hp.Choice("batch_size", [16, 32]), **kwargs)
    >>> MyHyperModel().build(HyperParameters()).count_params()
    17
"""


class HyperModel:
    """Base class of search spaces written as classes (Keras Tuner's ``HyperModel``).

    Example:
        >>> HyperModel(name="mlp").name
        'mlp'
    """

    def __init__(self, name=None, tunable=True):
        self.name = name
        self.tunable = tunable

    def build(self, hp):
        """Build and compile a model using the hyper-parameters ``hp``."""
        raise NotImplementedError(f"{type(self).__name__}.build(hp) must build and return a compiled model")

    def fit(self, hp, model, *args, **kwargs):
        """Train ``model``; returns the ``History``. Override to tune training arguments."""
        return model.fit(*args, **kwargs)


class FunctionHyperModel(HyperModel):
    """A ``build_model(hp)`` function as a :class:`HyperModel`.

    Example:
        >>> from lamina.tuner import HyperParameters
        >>> FunctionHyperModel(lambda hp: hp.Int("n", 1, 3)).build(HyperParameters())
        1
    """

    def __init__(self, build_fn):
        super().__init__(name=getattr(build_fn, "__name__", None))
        self._build_fn = build_fn

    def build(self, hp):
        return self._build_fn(hp)
