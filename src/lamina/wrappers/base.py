"""``SKLearnBase``: what the scikit-learn wrappers share (building, fitting and running the model).

A wrapper holds either a compiled lamina model, copied with fresh weights for each
``fit`` (``clone_model`` plus the same ``compile`` arguments and a new optimizer), or
a function ``model(X=..., y=..., **model_kwargs)`` that builds and compiles one from
the training data. scikit-learn's ``clone``, ``get_params`` and ``set_params`` see the
four constructor arguments, so the wrappers work in ``cross_val_score``,
``GridSearchCV`` and ``Pipeline``.

Example:
    >>> SKLearnBase(model=None, fit_kwargs={"epochs": 2}).get_params()["fit_kwargs"]
    {'epochs': 2}
"""
import copy

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from lamina.models import Model, clone_model
from lamina.optimizers import Optimizer


def _fresh_copy(model, owner):
    """``clone_model(model)`` compiled like ``model``, with a new optimizer and copies of metric/loss objects."""
    clone = clone_model(model)
    if not model.compiled:
        return clone
    config = dict(model.get_compile_config())
    optimizer = model.optimizer
    if not isinstance(config["optimizer"], str):
        if not isinstance(optimizer, Optimizer):
            raise ValueError(
                f"{owner}: the model was compiled with {type(optimizer).__name__}, an optimizer bound to that "
                "model's own parameters, so it cannot train a copy. Pass a function that builds and compiles "
                "the model (model=build_fn), compile with a lamina optimizer, or use warm_start=True"
            )
        config["optimizer"] = type(optimizer).from_config(optimizer.get_config())
    for key in ("loss", "loss_weights", "metrics", "weighted_metrics"):
        config[key] = copy.deepcopy(config[key])
    clone.compile(**config)
    return clone


def _as_model_input(model, X):
    """Integer or boolean ``X`` cast to the dtype of a model whose input is floating point (Keras casts inputs so)."""
    if X.dtype.kind not in "biu":
        return X
    try:
        dtype = np.dtype(str(model.inputs[0].dtype))
    except (AttributeError, ValueError, IndexError, TypeError):
        return X
    return X.astype(dtype) if dtype.kind == "f" else X


class SKLearnBase(BaseEstimator):
    """Base class of :class:`SKLearnClassifier`, :class:`SKLearnRegressor` and :class:`SKLearnTransformer`.

    Args:
        model: a compiled lamina model, or a function returning one. A model is copied
            with ``clone_model`` (fresh weights, same ``compile`` arguments, a new
            optimizer) at every ``fit``, unless ``warm_start=True``. A function is called
            as ``model(X=X, y=y, **model_kwargs)`` with the training data as the network
            sees it (a classifier's ``y`` is one-hot encoded).
        warm_start: if ``True``, ``fit`` keeps training the model of the previous ``fit``
            (the first ``fit`` trains the given model itself, not a copy).
        model_kwargs: keyword arguments for the ``model`` function.
        fit_kwargs: keyword arguments for ``model.fit`` (``epochs``, ``batch_size``,
            ``verbose``, ``callbacks``...); those given to :meth:`fit` take precedence.

    Attributes:
        model_: the fitted model.
        history_: ``model_.fit(...).history``, the per-epoch logs of the last ``fit``.
        n_features_in_: the number of features (``X.shape[1]``) seen by ``fit``.

    Example:
        >>> SKLearnBase(model=None).warm_start
        False
    """

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True  # weights start random, batches are shuffled
        return tags

    # -- what subclasses define -------------------------------------------------------------------
    def _validate_targets(self, X, y):
        """``(X, y)`` validated, and ``y`` as the network is trained on."""
        raise NotImplementedError

    def _check_model_outputs(self, model, y):
        """Raise if the model cannot produce targets shaped like ``y`` (when this can be told before fitting)."""

    # -- fit and predict --------------------------------------------------------------------------
    def _get_model(self, X, y):
        name = type(self).__name__
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            if self.model_kwargs:
                raise ValueError(f"{name}: model_kwargs={self.model_kwargs!r} only apply when model is a function "
                                 "that builds the model; here model is a model instance")
            return self.model if self.warm_start else _fresh_copy(self.model, name)
        if not callable(self.model):
            raise TypeError(f"{name}: model must be a compiled lamina model or a function building one, called "
                            f"as model(X=X, y=y, **model_kwargs); received {self.model!r}")
        model = self.model(X=X, y=y, **(self.model_kwargs or {}))
        if not isinstance(model, Model):
            raise TypeError(f"{name}: the model function must return a lamina model; it returned {model!r}")
        return model

    def fit(self, X, y, **kwargs):
        """Train a fresh model (or keep training it, with ``warm_start``) on ``X`` and ``y``.

        Args:
            X: array-like of shape ``(n_samples, n_features)`` (more axes for images and sequences).
            y: array-like of shape ``(n_samples,)`` or ``(n_samples, n_outputs)``.
            **kwargs: keyword arguments for ``model.fit``; they override ``fit_kwargs``.

        Returns:
            ``self``.
        """
        X, y = self._validate_targets(X, y)
        model = self._get_model(X, y)
        if not model.compiled or model.loss is None or model.optimizer is None:
            raise RuntimeError(
                f"{type(self).__name__}: the model must be compiled with a loss and an optimizer before fitting "
                "(model.compile(optimizer=..., loss=...) in the model function, or before wrapping the model)"
            )
        self._check_model_outputs(model, y)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(_as_model_input(model, X), y, **fit_kwargs).history
        self.model_ = model
        return self

    def _predict_raw(self, X):
        """The model's outputs for ``X`` (silent: no progress bar)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, allow_nd=True)
        outputs = self.model_.predict(_as_model_input(self.model_, X), verbose=0)
        if not isinstance(outputs, np.ndarray):
            raise ValueError(f"{type(self).__name__}: the wrapped model must have a single output; it returned "
                             f"a {type(outputs).__name__} of outputs")
        return outputs


class _ColumnTargets:
    """Mixin of the regressor and the transformer: train on ``y`` as a 2-D array, remembering if it was 1-D."""

    def _validate_targets(self, X, y):
        X, y = validate_data(self, X, y, allow_nd=True, multi_output=True, y_numeric=True)
        self._target_ndim = y.ndim
        return X, y.reshape(-1, 1) if y.ndim == 1 else y
