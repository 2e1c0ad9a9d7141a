"""scikit-learn's own estimator checks on the wrappers.

The model functions seed lamina before building (``set_random_seed(0)``), so two fits
on the same data give the same model: the checks that compare two fits (list vs array
input, 1-D vs 2-D ``y``, int vs float ``X``, refitting) then test the wrappers' data
handling exactly. The test classes therefore declare themselves deterministic, which
also runs the checks scikit-learn skips for non-deterministic estimators
(``check_pipeline_consistency``, ``check_transformer_general``...). The wrappers
themselves keep ``non_deterministic=True``: without a seed, two fits differ.

Every check runs and passes except ``check_array_api_input``, which is left out on
purpose: it is about Array API namespaces (CuPy, array-api-strict, ...), which the
wrappers do not take (they take NumPy-convertible input), and scikit-learn itself
only runs it with ``SCIPY_ARRAY_API=1``.
"""
import functools

import numpy as np
import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

import lamina as keras
from lamina.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer


class SeededMLP:
    """Builds a seeded MLP; a callable object so that test ids (the estimators' reprs) are the same in every process."""

    def __call__(self, X, y, loss, activation=None, units=10):
        keras.utils.set_random_seed(0)
        inputs = keras.Input(shape=(X.shape[1],))
        hidden = keras.layers.Dense(units, activation="relu")(inputs)
        outputs = keras.layers.Dense(y.shape[1], activation=activation)(hidden)
        model = keras.Model(inputs, outputs)
        model.compile(loss=loss, optimizer=keras.optimizers.Adam(0.01))
        return model

    def __repr__(self):
        return "seeded_mlp"


seeded_mlp = SeededMLP()


class _Deterministic:
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


class SeededClassifier(_Deterministic, SKLearnClassifier):
    pass


class SeededRegressor(_Deterministic, SKLearnRegressor):
    pass


class SeededTransformer(_Deterministic, SKLearnTransformer):
    pass


ESTIMATORS = [
    SeededClassifier(seeded_mlp, model_kwargs={"loss": "categorical_crossentropy", "activation": "softmax"},
                     fit_kwargs={"epochs": 5, "verbose": 0}),
    SeededRegressor(seeded_mlp, model_kwargs={"loss": "mse"}, fit_kwargs={"epochs": 5, "verbose": 0}),
    SeededTransformer(seeded_mlp, model_kwargs={"loss": "mse"}, fit_kwargs={"verbose": 0}),
]

NOT_APPLICABLE = {"check_array_api_input"}


def _check_name(check):
    return check.func.__name__ if isinstance(check, functools.partial) else check.__name__


CHECKS = [(estimator, check) for template in ESTIMATORS for estimator, check in estimator_checks_generator(template)
          if _check_name(check) not in NOT_APPLICABLE]


@pytest.mark.parametrize("estimator,check", CHECKS,
                         ids=[f"{type(e).__name__}-{_check_name(c)}-{i}" for i, (e, c) in enumerate(CHECKS)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_checks_cover_what_matters():
    """The test classes are deterministic; the wrappers they derive from declare themselves not to be."""
    assert not SeededClassifier(seeded_mlp).__sklearn_tags__().non_deterministic
    assert SKLearnClassifier(seeded_mlp).__sklearn_tags__().non_deterministic
    assert SKLearnRegressor(seeded_mlp).__sklearn_tags__().target_tags.multi_output
    assert SKLearnTransformer(seeded_mlp).__sklearn_tags__().transformer_tags.preserves_dtype == []
    X = np.random.RandomState(0).rand(12, 3)
    first = SeededRegressor(seeded_mlp, model_kwargs={"loss": "mse"}, fit_kwargs={"verbose": 0}).fit(X, X[:, 0])
    second = SeededRegressor(seeded_mlp, model_kwargs={"loss": "mse"}, fit_kwargs={"verbose": 0}).fit(X, X[:, 0])
    np.testing.assert_array_equal(first.predict(X), second.predict(X))
