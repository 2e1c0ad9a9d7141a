"""The scikit-learn wrappers: against Keras 3's wrappers, in scikit-learn's tools, and their errors."""
import importlib
import sys

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import lamina
from lamina import layers
from lamina.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer

QUIET = {"verbose": 0}


def blobs(n=60, classes=3, seed=0, features=4):
    rng = np.random.RandomState(seed)
    labels = rng.randint(classes, size=n)
    centres = rng.normal(scale=3.0, size=(classes, features))
    return centres[labels] + rng.normal(size=(n, features)), labels


def mlp(lib, X, y, activation="softmax", loss="categorical_crossentropy", units=8, seen=None):
    """The same network in lamina or Keras, with the same deterministic initial weights."""
    if seen is not None:
        seen.append(np.array(y))
    model = lib.Sequential([lib.Input(shape=(X.shape[1],)), lib.layers.Dense(units, activation="tanh"),
                            lib.layers.Dense(y.shape[1], activation=activation)])
    rng = np.random.RandomState(1)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss=loss)
    return model


# -- against Keras 3 ----------------------------------------------------------------------------------

FIT = {"epochs": 3, "batch_size": 8, "shuffle": False, "verbose": 0}


@pytest.mark.parametrize("classes,labels", [(3, None), (2, np.array(["no", "yes"]))])
def test_classifier_matches_keras(keras, classes, labels):
    X, y = blobs(classes=classes)
    if labels is not None:
        y = labels[y]
    seen_lamina, seen_keras = [], []
    ours = SKLearnClassifier(lambda X, y: mlp(lamina, X, y, seen=seen_lamina), fit_kwargs=FIT).fit(X, y)
    theirs = keras.wrappers.SKLearnClassifier(lambda X, y: mlp(keras, X, y, seen=seen_keras),
                                              fit_kwargs=dict(FIT)).fit(X, y)
    np.testing.assert_array_equal(seen_lamina[0], seen_keras[0])  # the same one-hot targets
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    raw = theirs.model_.predict(X, verbose=0)
    np.testing.assert_allclose(ours.predict_proba(X), raw, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.predict(X).dtype == theirs.predict(X).dtype
    assert ours.score(X, y) == theirs.score(X, y) > 0.9
    np.testing.assert_allclose(ours.history_["loss"], theirs.history_.history["loss"], rtol=1e-4)


def test_regressor_and_transformer_match_keras(keras):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=40)
    kwargs = {"activation": None, "loss": "mse"}
    ours = SKLearnRegressor(lambda X, y: mlp(lamina, X, y, **kwargs), fit_kwargs=FIT).fit(X, y)
    theirs = keras.wrappers.SKLearnRegressor(lambda X, y: mlp(keras, X, y, **kwargs), fit_kwargs=dict(FIT)).fit(X, y)
    assert ours.predict(X).shape == theirs.predict(X).shape == (40,)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-4, atol=1e-5)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=1e-5)

    ours = SKLearnTransformer(lambda X, y: mlp(lamina, X, y, **kwargs), fit_kwargs=FIT).fit(X, y)
    theirs = keras.wrappers.SKLearnTransformer(lambda X, y: mlp(keras, X, y, **kwargs),
                                               fit_kwargs=dict(FIT)).fit(X, y)
    assert ours.transform(X).shape == (40, 1)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-4, atol=1e-5)


def test_several_targets():
    """Keras's regressor and transformer accept only a 1-D y; lamina's also take (n_samples, n_outputs)."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    Y = np.stack([X[:, 0], X[:, 1] - X[:, 2]], axis=1)
    kwargs = {"activation": None, "loss": "mse"}
    reg = SKLearnRegressor(lambda X, y: mlp(lamina, X, y, **kwargs), fit_kwargs={**FIT, "epochs": 30}).fit(X, Y)
    assert reg.predict(X).shape == (40, 2) and reg.predict(X).dtype == np.float64
    assert reg.score(X, Y) > 0.8
    assert SKLearnTransformer(lambda X, y: mlp(lamina, X, y, **kwargs), fit_kwargs=FIT).fit_transform(X, Y).shape == (
        40, 2)


# -- classifier outputs --------------------------------------------------------------------------------


def test_binary_decision_function_follows_scikit_learns_convention():
    """Keras returns both output columns; scikit-learn's scorers expect one score per sample for two classes."""
    X, y = blobs(classes=2)
    clf = SKLearnClassifier(lambda X, y: mlp(lamina, X, y), fit_kwargs=FIT).fit(X, y)
    scores, proba = clf.decision_function(X), clf.predict_proba(X)
    assert scores.shape == (60,)
    np.testing.assert_allclose(scores, proba[:, 1] - proba[:, 0], rtol=1e-6)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[(scores > 0).astype(int)])
    roc_auc = cross_val_score(SKLearnClassifier(lambda X, y: mlp(lamina, X, y), fit_kwargs=FIT), X, y, cv=2,
                              scoring="roc_auc")
    assert roc_auc.shape == (2,) and (roc_auc > 0.8).all()


def test_multiclass_decision_function_and_predict_proba():
    X, y = blobs(classes=3)
    clf = SKLearnClassifier(lambda X, y: mlp(lamina, X, y), fit_kwargs=FIT).fit(X, y)
    assert clf.decision_function(X).shape == (60, 3)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(clf.predict(X), clf.decision_function(X).argmax(axis=1))


def test_predict_proba_refuses_logits():
    X, y = blobs(classes=3)
    clf = SKLearnClassifier(lambda X, y: mlp(lamina, X, y, activation=None, loss=lamina.losses.CategoricalCrossentropy(
        from_logits=True)), fit_kwargs=FIT).fit(X, y)
    assert clf.score(X, y) > 0.9
    with pytest.raises(ValueError, match=r"predict_proba: the model's outputs are not probabilities .* softmax"):
        clf.predict_proba(X)


def test_string_labels_and_history():
    X, y = blobs(classes=3)
    names = np.array(["cat", "dog", "emu"])[y]
    clf = SKLearnClassifier(lambda X, y: mlp(lamina, X, y), fit_kwargs=FIT).fit(X, names)
    assert clf.classes_.tolist() == ["cat", "dog", "emu"]
    assert set(clf.predict(X)) <= {"cat", "dog", "emu"}
    assert clf.n_features_in_ == 4
    assert sorted(clf.history_) == ["loss"] and len(clf.history_["loss"]) == 3


# -- model instances, warm start, cloning -------------------------------------------------------------


def compiled_model(units=8):
    model = lamina.Sequential([layers.Dense(units, activation="relu", input_shape=(4,)),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer=lamina.optimizers.Adam(0.02), loss="categorical_crossentropy",
                  metrics=[lamina.metrics.CategoricalAccuracy()])
    return model


def test_a_model_instance_is_copied_with_fresh_weights_and_its_compile_arguments():
    X, y = blobs()
    model = compiled_model()
    before = [w.copy() for w in model.get_weights()]
    clf = SKLearnClassifier(model, fit_kwargs={"epochs": 5, **QUIET}).fit(X, y)
    assert clf.model_ is not model
    for old, new in zip(before, model.get_weights()):  # the given model is untouched
        np.testing.assert_array_equal(old, new)
    assert type(clf.model_.optimizer) is lamina.optimizers.Adam and clf.model_.optimizer is not model.optimizer
    assert float(clf.model_.optimizer.learning_rate) == pytest.approx(0.02)
    assert int(model.optimizer.iterations) == 0 and int(clf.model_.optimizer.iterations) == 10
    assert sorted(clf.history_) == ["categorical_accuracy", "loss"]
    refit = clone(clf).fit(X, y)
    assert refit.model_ is not clf.model_ and refit.model is not clf.model  # scikit-learn's clone deep-copies
    assert clf.score(X, y) > 0.8


def test_warm_start_keeps_training_the_same_model():
    X, y = blobs()
    model = compiled_model()
    clf = SKLearnClassifier(model, warm_start=True, fit_kwargs={"epochs": 2, **QUIET}).fit(X, y)
    assert clf.model_ is model and int(model.optimizer.iterations) == 4
    clf.fit(X, y, epochs=1)  # fit's keywords override fit_kwargs
    assert clf.model_ is model and int(model.optimizer.iterations) == 6
    assert len(clf.history_["loss"]) == 1

    built = []
    fn_clf = SKLearnClassifier(lambda X, y: built.append(1) or mlp(lamina, X, y), warm_start=True, fit_kwargs=FIT)
    fn_clf.fit(X, y).fit(X, y)
    assert len(built) == 1
    cold = SKLearnClassifier(lambda X, y: built.append(1) or mlp(lamina, X, y), fit_kwargs=FIT)
    cold.fit(X, y).fit(X, y)
    assert len(built) == 3


def test_get_and_set_params():
    clf = SKLearnClassifier(compiled_model, model_kwargs={"units": 4}, fit_kwargs={"epochs": 1})
    assert clf.get_params() == {"model": compiled_model, "warm_start": False, "model_kwargs": {"units": 4},
                                "fit_kwargs": {"epochs": 1}}
    clf.set_params(model_kwargs={"units": 16}, warm_start=True)
    assert clf.model_kwargs == {"units": 16} and clf.warm_start
    assert clone(clf).get_params()["fit_kwargs"] == {"epochs": 1}


# -- in scikit-learn's tools ----------------------------------------------------------------------------


def test_cross_val_score_and_grid_search():
    X, y = blobs(n=48)

    def build(X, y, units=4, learning_rate=0.1):
        model = lamina.Sequential([layers.Dense(units, activation="tanh", input_shape=(X.shape[1],)),
                                   layers.Dense(y.shape[1], activation="softmax")])
        model.compile(optimizer=lamina.optimizers.SGD(learning_rate), loss="categorical_crossentropy")
        return model

    lamina.utils.set_random_seed(0)
    scores = cross_val_score(SKLearnClassifier(build, fit_kwargs={"epochs": 10, **QUIET}), X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.6  # three classes: chance is 1/3
    grid = GridSearchCV(SKLearnClassifier(build, fit_kwargs={"epochs": 10, **QUIET}),
                        {"model_kwargs": [{"learning_rate": 1e-6}, {"learning_rate": 0.1}]}, cv=2)
    grid.fit(X, y)
    assert grid.best_params_ == {"model_kwargs": {"learning_rate": 0.1}}
    assert grid.best_estimator_.model_.optimizer.learning_rate == pytest.approx(0.1)


def test_pipelines():
    X, y = blobs(n=48)
    X = X * [1, 100, 0.01, 10] + 50
    pipe = make_pipeline(StandardScaler(), SKLearnClassifier(lambda X, y: mlp(lamina, X, y), fit_kwargs=FIT))
    assert pipe.fit(X, y).score(X, y) > 0.9

    def encoder(X, y):
        model = lamina.Sequential([layers.Dense(2, input_shape=(X.shape[1],))])
        model.compile(optimizer="adam", loss="mse")
        return model

    features = make_pipeline(StandardScaler(), SKLearnTransformer(encoder, fit_kwargs=QUIET), LogisticRegression())
    features.fit(X, y)
    assert features.predict(X).shape == (48,)
    assert features[1].transform(features[0].transform(X)).shape == (48, 2)


# -- inputs ---------------------------------------------------------------------------------------------


def test_integer_inputs_become_floats_for_float_models_and_stay_integers_for_embeddings():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 10, size=(30, 5))
    y = (X.sum(axis=1) > 22).astype(int)
    reg = SKLearnRegressor(lambda X, y: mlp(lamina, X, y, activation=None, loss="mse"), fit_kwargs=FIT).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), reg.predict(X.astype("float32")), rtol=1e-6)

    def embedding_model(X, y):
        model = lamina.Sequential([layers.Embedding(10, 4, input_shape=(X.shape[1],)),
                                   layers.GlobalAveragePooling1D(), layers.Dense(y.shape[1], activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        return model

    clf = SKLearnClassifier(embedding_model, fit_kwargs=QUIET).fit(X, y)
    assert clf.model_.inputs[0].dtype == "int32" and clf.predict(X).shape == (30,)


def test_images_pass_through():
    rng = np.random.RandomState(0)
    X = rng.rand(20, 6, 6, 1)
    y = (X[:, :3].mean(axis=(1, 2, 3)) > X[:, 3:].mean(axis=(1, 2, 3))).astype(int)

    def convnet(X, y):
        model = lamina.Sequential([layers.Conv2D(2, 3, activation="relu", input_shape=X.shape[1:]), layers.Flatten(),
                                   layers.Dense(y.shape[1], activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        return model

    clf = SKLearnClassifier(convnet, fit_kwargs=QUIET).fit(X, y)
    assert clf.predict_proba(X).shape == (20, 2)


# -- errors ---------------------------------------------------------------------------------------------


def test_errors_name_the_problem():
    X, y = blobs()
    uncompiled = lamina.Sequential([layers.Dense(3, activation="softmax", input_shape=(4,))])
    with pytest.raises(RuntimeError, match="SKLearnClassifier: the model must be compiled with a loss and an "):
        SKLearnClassifier(uncompiled).fit(X, y)
    with pytest.raises(TypeError, match="model must be a compiled lamina model or a function .* received 'dense'"):
        SKLearnClassifier("dense").fit(X, y)
    with pytest.raises(TypeError, match="the model function must return a lamina model; it returned None"):
        SKLearnRegressor(lambda X, y: None).fit(X, y)
    with pytest.raises(ValueError, match=r"model_kwargs=\{'units': 3\} only apply when model is a function"):
        SKLearnClassifier(compiled_model(), model_kwargs={"units": 3}).fit(X, y)
    binary = lamina.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(4,))])
    binary.compile(optimizer="adam", loss="binary_crossentropy")
    with pytest.raises(ValueError, match=r"outputs 1 value\(s\) per sample, but the targets are one-hot encoded over "
                                         r"2 classes \[0, 1\]; end the model with Dense\(2, activation='softmax'\)"):
        SKLearnClassifier(binary).fit(X, y % 2)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        SKLearnClassifier(compiled_model()).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="y has only one class"):
        SKLearnClassifier(compiled_model()).fit(X, np.zeros(60))
    with pytest.raises(NotFittedError):
        SKLearnClassifier(compiled_model()).predict(X)
    with pytest.raises(ValueError, match="X has 3 features, but SKLearnClassifier is expecting 4"):
        SKLearnClassifier(compiled_model(), fit_kwargs=QUIET).fit(X, y).predict(X[:, :3])


def test_torch_optimizers_cannot_train_a_copy():
    X, y = blobs()
    model = lamina.Sequential([layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.compile(optimizer=torch.optim.SGD(model.parameters(), lr=0.1), loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="compiled with SGD, an optimizer bound to that model's own parameters"):
        SKLearnClassifier(model).fit(X, y)
    clf = SKLearnClassifier(model, warm_start=True, fit_kwargs=QUIET).fit(X, y)
    assert clf.model_ is model


def test_without_scikit_learn_the_error_names_the_extra(monkeypatch):
    for name in [n for n in sys.modules if n == "sklearn" or n.startswith(("sklearn.", "lamina.wrappers."))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    wrappers = importlib.import_module("lamina.wrappers")
    with pytest.raises(ImportError, match=r"pip install 'lamina\[sklearn\]'"):
        wrappers.SKLearnClassifier
    with pytest.raises(AttributeError, match="has no attribute 'KerasClassifier'; it provides SKLearnClassifier"):
        wrappers.KerasClassifier
