"""scikit-learn wrappers (``keras.wrappers``): lamina models as scikit-learn estimators.

``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer`` need
scikit-learn (``pip install 'lamina[sklearn]'``). It is imported the first time one of
them is used, so ``import lamina`` stays fast.

Example:
    >>> from lamina import wrappers
    >>> wrappers.SKLearnRegressor.__name__
    'SKLearnRegressor'
"""
import importlib

_MODULES = {
    "SKLearnClassifier": "lamina.wrappers.classifier",
    "SKLearnRegressor": "lamina.wrappers.regressor",
    "SKLearnTransformer": "lamina.wrappers.transformer",
}
__all__ = sorted(_MODULES)


def __getattr__(name):
    if name in _MODULES:
        try:
            module = importlib.import_module(_MODULES[name])
        except ModuleNotFoundError as error:
            if (error.name or "").partition(".")[0] != "sklearn":
                raise
            raise ImportError(f"lamina.wrappers.{name} needs scikit-learn 1.6 or later: "
                              "pip install 'lamina[sklearn]'") from error
        return getattr(module, name)
    raise AttributeError(f"module 'lamina.wrappers' has no attribute {name!r}; it provides {', '.join(__all__)}")


def __dir__():
    return sorted(list(globals()) + __all__)
