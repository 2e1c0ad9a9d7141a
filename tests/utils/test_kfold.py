"""K-fold helpers: the folds are the book's slices, and cross_validate equals the conformance programs' loops."""
import numpy as np
import pytest
import torch

import lamina as keras
from lamina import layers
from lamina.utils.kfold import CrossValidationResult, cross_validate, k_fold_indices


def boston_like(n=96, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(n, 13))
    y = 22 + 6.0 * x[:, 5] - 3 * x[:, 12] + rng.normal(0, 1.5, n)
    return x, y


def build_regressor():
    model = keras.Sequential([layers.Dense(16, activation="relu", input_shape=(13,)),
                              layers.Dense(16, activation="relu"), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.005), loss="mse", metrics=["mae"])
    return model


# -- k_fold_indices --------------------------------------------------------------------------------


@pytest.mark.parametrize("n,k", [(404, 4), (10, 3), (7, 7), (5, 2)])
def test_folds_are_the_books_slices(n, k):
    data = np.arange(n) * 10
    size = n // k
    folds = k_fold_indices(n, k)
    assert len(folds) == k
    for i, (train, val) in enumerate(folds):
        assert train.dtype == np.int64 and val.dtype == np.int64
        np.testing.assert_array_equal(data[val], data[i * size:(i + 1) * size])
        np.testing.assert_array_equal(
            data[train], np.concatenate([data[:i * size], data[(i + 1) * size:]], axis=0))


def test_folds_match_scikit_learn_when_k_divides_n():
    from sklearn.model_selection import KFold

    for (train, val), (sk_train, sk_val) in zip(k_fold_indices(12, 4), KFold(4).split(np.zeros(12))):
        np.testing.assert_array_equal(train, sk_train)
        np.testing.assert_array_equal(val, sk_val)


def test_shuffled_folds_partition_the_samples_reproducibly():
    folds = k_fold_indices(20, 4, shuffle=True, seed=3)
    order = np.random.RandomState(3).permutation(20)
    np.testing.assert_array_equal(np.concatenate([v for _, v in folds]), order)
    for train, val in folds:
        assert set(train).isdisjoint(val) and len(train) + len(val) == 20
    again = k_fold_indices(20, 4, shuffle=True, seed=3)
    assert all((a[1] == b[1]).all() for a, b in zip(folds, again))
    assert not (k_fold_indices(20, 4, shuffle=True, seed=4)[0][1] == folds[0][1]).all()


@pytest.mark.parametrize("kwargs,message", [
    (dict(n=10, k=1), "k must be an int >= 2"),
    (dict(n=10, k=2.0), "received k=2.0"),
    (dict(n=3, k=4), "cannot split 3 samples into k=4 folds"),
    (dict(n=-1, k=2), "n must be a non-negative int"),
    (dict(n=10, k=2, seed=1), "seed=1 has no effect because shuffle=False"),
    (dict(n=10, k=2, shuffle=True, seed="a"), "seed must be an int or None"),
])
def test_k_fold_indices_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        k_fold_indices(**kwargs)


# -- cross_validate against the conformance programs' loops -----------------------------------------


def test_cross_validate_equals_the_boston_kfold_loop():
    """seed000_boston_kfold.py's first loop (4 folds, val_mae histories, evaluate per fold)."""
    x, y = boston_like()
    x = (x - x.mean(0)) / x.std(0)
    k, num_epochs = 4, 3
    keras.utils.set_random_seed(0)
    num_val_samples = len(x) // k
    all_mae_histories, all_scores = [], []
    for i in range(k):
        val_data = x[i * num_val_samples: (i + 1) * num_val_samples]
        val_targets = y[i * num_val_samples: (i + 1) * num_val_samples]
        partial_x = np.concatenate([x[:i * num_val_samples], x[(i + 1) * num_val_samples:]], axis=0)
        partial_y = np.concatenate([y[:i * num_val_samples], y[(i + 1) * num_val_samples:]], axis=0)
        model = build_regressor()
        history = model.fit(partial_x, partial_y, validation_data=(val_data, val_targets), epochs=num_epochs,
                            batch_size=16, verbose=0)
        all_mae_histories.append(history.history["val_mae"])
        all_scores.append(model.evaluate(val_data, val_targets, batch_size=16, verbose=0)[1])
    average_mae_history = [np.mean([h[e] for h in all_mae_histories]) for e in range(num_epochs)]

    keras.utils.set_random_seed(0)
    result = cross_validate(build_regressor, x, y, k=k, epochs=num_epochs, batch_size=16)
    assert isinstance(result, CrossValidationResult)
    assert [h["val_mae"] for h in result.histories] == all_mae_histories
    assert [s["mae"] for s in result.scores] == all_scores
    np.testing.assert_allclose(result.average_history["val_mae"], average_mae_history, rtol=1e-12)
    assert result.mean_scores["mae"] == pytest.approx(np.mean(all_scores), rel=1e-12)
    assert result.std_scores["mae"] == pytest.approx(np.std(all_scores), rel=1e-12)
    assert sorted(result.histories[0]) == ["loss", "mae", "val_loss", "val_mae"]


def test_cross_validate_equals_the_iterated_shuffled_loop():
    """seed000_boston_kfold.py's iterated K-fold with shuffling (2 repeats of 2 folds)."""
    x, y = boston_like(60, seed=1)
    keras.utils.set_random_seed(0)
    scores = []
    rng = np.random.RandomState(1)
    for _ in range(2):
        order = rng.permutation(len(x))
        data, targets = x[order], y[order]
        n_val = len(data) // 2
        for i in range(2):
            val_idx = np.arange(i * n_val, (i + 1) * n_val)
            train_idx = np.setdiff1d(np.arange(len(data)), val_idx)
            model = build_regressor()
            model.fit(data[train_idx], targets[train_idx], epochs=2, batch_size=16, verbose=0)
            scores.append(model.evaluate(data[val_idx], targets[val_idx], batch_size=16, verbose=0)[1])

    keras.utils.set_random_seed(0)
    result = cross_validate(build_regressor, x, y, k=2, epochs=2, batch_size=16, repeats=2, shuffle=True, seed=1,
                            metrics=["val_mae"])
    assert len(result.scores) == 4
    # Validating each epoch reads no random numbers, so training follows the loop above exactly.
    np.testing.assert_allclose([s["mae"] for s in result.scores], scores, rtol=1e-6)
    assert [sorted(h) for h in result.histories] == [["val_mae"]] * 4
    first = k_fold_indices(len(x), 2, shuffle=True, seed=1)
    np.testing.assert_array_equal(result.indices[1][1], first[1][1])


def test_cross_validate_equals_the_cross_validation_loop():
    """seed004_cross_validation.py's 4-fold accuracy loop (np.setdiff1d indices)."""
    rng = np.random.RandomState(0)
    x = rng.normal(size=(80, 10)).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("float32")

    def build():
        model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(10,)),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), loss="binary_crossentropy",
                      metrics=["accuracy"])
        return model

    keras.utils.set_random_seed(0)
    fold = len(x) // 4
    accuracies = []
    for i in range(4):
        val_idx = np.arange(i * fold, (i + 1) * fold)
        train_idx = np.setdiff1d(np.arange(len(x)), val_idx)
        model = build()
        model.fit(x[train_idx], y[train_idx], epochs=2, batch_size=32, verbose=0)
        accuracies.append(model.evaluate(x[val_idx], y[val_idx], batch_size=32, verbose=0)[1])

    keras.utils.set_random_seed(0)
    result = cross_validate(build, x, y, k=4, epochs=2, batch_size=32)
    np.testing.assert_allclose([s["accuracy"] for s in result.scores], accuracies, rtol=1e-6)
    assert result.mean_scores["accuracy"] == pytest.approx(np.mean(accuracies), rel=1e-6)


def test_cross_validate_takes_tensors_and_several_inputs():
    rng = np.random.RandomState(0)
    a, b = rng.normal(size=(12, 2)).astype("float32"), rng.normal(size=(12, 3)).astype("float32")
    y = rng.normal(size=(12, 1)).astype("float32")

    def build():
        in_a, in_b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
        out = layers.Dense(1)(layers.concatenate([in_a, in_b]))
        model = keras.Model([in_a, in_b], out)
        model.compile(optimizer="sgd", loss="mse")
        return model

    keras.utils.set_random_seed(0)
    result = cross_validate(build, {"a": torch.from_numpy(a), "b": b}, torch.from_numpy(y), k=3, epochs=1,
                            batch_size=4)
    assert len(result.scores) == 3 and set(result.mean_scores) == {"loss"}
    np.testing.assert_array_equal(result.indices[2][1], [8, 9, 10, 11])


def test_average_history_covers_folds_of_different_lengths():
    result = CrossValidationResult([{"val_loss": [4.0, 2.0, 1.0]}, {"val_loss": [6.0]}], [], [])
    assert result.average_history["val_loss"] == [5.0, 2.0, 1.0]
    assert "0 folds" in repr(result)


def test_cross_validate_prints_one_line_per_fold(capsys):
    x, y = boston_like(24)
    cross_validate(build_regressor, x, y, k=2, epochs=1, batch_size=12, verbose=2, repeats=2, shuffle=True,
                   seed=0)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Fold")]
    assert lines == ["Fold 1/2 (repeat 1/2)", "Fold 2/2 (repeat 1/2)", "Fold 1/2 (repeat 2/2)",
                     "Fold 2/2 (repeat 2/2)"]


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(build_model=None), TypeError, "build_model must be a function"),
    (dict(build_model=lambda: keras.Sequential([layers.Dense(1)])), TypeError, "must return a compiled model"),
    (dict(y=np.zeros(5)), ValueError, r"same number of samples .* \[5, 24\]"),
    (dict(repeats=0), ValueError, "repeats must be a positive int"),
    (dict(seed=3), ValueError, "seed=3 has no effect because shuffle=False"),
    (dict(k=30), ValueError, "cannot split 24 samples into k=30 folds"),
    (dict(validation_split=0.2), TypeError, "validation_split cannot be given"),
    (dict(metrics=["val_acc"]), ValueError, r"names \['val_acc'\], which fit did not log.*'val_mae'"),
])
def test_cross_validate_errors(kwargs, error, message):
    x, y = boston_like(24)
    arguments = dict(build_model=build_regressor, x=x, y=y, k=2, epochs=1)
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        cross_validate(**arguments)
