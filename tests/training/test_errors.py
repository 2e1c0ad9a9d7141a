"""Bad input to compile/fit/evaluate gets an error naming what was given and what was expected."""
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.utils import PyDataset

X = np.random.RandomState(0).normal(size=(64, 4)).astype("float32")


def _classifier(loss="categorical_crossentropy", metrics=None):
    model = lamina.Sequential([layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.compile(optimizer="rmsprop", loss=loss, metrics=metrics)
    return model


def test_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match=r"same number of samples.*x has 64 .*y has 50"):
        _classifier().fit(X, np.eye(3)[np.zeros(50, int)], verbose=0)


def test_integer_labels_with_categorical_crossentropy_suggests_the_fixes():
    with pytest.raises(ValueError) as info:
        _classifier().fit(X, np.zeros(64, int), verbose=0)
    message = str(info.value)
    assert "categorical_crossentropy" in message and "sparse_categorical_crossentropy" in message
    assert "to_categorical" in message and "(32,)" in message and "'dense'" in message


def test_one_hot_labels_with_sparse_categorical_crossentropy():
    with pytest.raises(ValueError, match=r"one-hot.*'categorical_crossentropy'"):
        _classifier("sparse_categorical_crossentropy").fit(X, np.eye(3)[np.zeros(64, int)], verbose=0)


def test_target_shape_that_cannot_match_the_output():
    model = lamina.Sequential([layers.Dense(2, input_shape=(4,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"output 'dense'.*\(32, 2\).*\(32, 5\)"):
        model.fit(X, np.zeros((64, 5)), verbose=0)


@pytest.mark.parametrize("argument, value, listed", [
    ("loss", "mean_sqared_error", "mean_squared_error"),
    ("metrics", ["acurracy"], "accuracy"),
    ("optimizer", "adamm", "adam"),
])
def test_unknown_names_list_the_valid_ones(argument, value, listed):
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    kwargs = {"optimizer": "sgd", "loss": "mse", argument: value}
    with pytest.raises(ValueError) as info:
        model.compile(**kwargs)
    message = str(info.value)
    assert repr(value[0] if isinstance(value, list) else value) in message and listed in message


@pytest.mark.parametrize("split", [-0.1, 1.0, 1.5])
def test_validation_split_outside_zero_one(split):
    with pytest.raises(ValueError, match=rf"validation_split must be a fraction in \[0, 1\).*{split}"):
        _classifier().fit(X, np.eye(3)[np.zeros(64, int)], validation_split=split, verbose=0)


def test_validation_split_needs_arrays():
    class Data(PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return X, np.eye(3)[np.zeros(64, int)]

    with pytest.raises(ValueError, match="validation_split only works with NumPy arrays or torch tensors.*Data"):
        _classifier().fit(Data(), validation_split=0.2, verbose=0)


def test_generator_without_steps_per_epoch_for_several_epochs():
    def batches():
        for _ in range(2):
            yield X, np.eye(3)[np.zeros(64, int)]

    with pytest.raises(ValueError, match="steps_per_epoch"):
        _classifier().fit(batches(), epochs=3, verbose=0)
    history = _classifier().fit(batches(), epochs=1, verbose=0)  # one epoch runs until the generator ends
    assert len(history.history["loss"]) == 1


def test_validation_generator_without_validation_steps():
    def batches():
        while True:
            yield X, np.eye(3)[np.zeros(64, int)]

    with pytest.raises(ValueError, match="validation_steps"):
        _classifier().fit(X, np.eye(3)[np.zeros(64, int)], epochs=2, validation_data=batches(), verbose=0)


def test_compile_keywords_that_belong_to_fit():
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    with pytest.raises(TypeError, match="validation_data is an argument of fit"):
        model.compile(optimizer="sgd", loss="mse", validation_data=(X, X))
    with pytest.raises(TypeError, match="unexpected keyword argument 'lossses'"):
        model.compile(optimizer="sgd", lossses="mse")


def test_fit_without_data_names_x():
    with pytest.raises(ValueError, match=r"no data was given: x is None"):
        _classifier().fit(verbose=0)


def test_fit_before_compile():
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    with pytest.raises(RuntimeError, match=r"call compile\(\) before fit\(\)"):
        model.fit(X, X[:, :1], verbose=0)


def test_missing_targets_for_a_compiled_loss():
    with pytest.raises(ValueError, match="needs targets"):
        _classifier().fit(X, verbose=0)


def test_no_loss_at_all():
    model = lamina.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match=r"no loss to compute.*loss="):
        model.fit(X, verbose=0)


def test_multi_output_targets_must_match_the_outputs():
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, [layers.Dense(1, name="a")(inputs), layers.Dense(1, name="b")(inputs)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"2 outputs \['a', 'b'\].*single array"):
        model.fit(X, X[:, :1], verbose=0)
    with pytest.raises(ValueError, match=r"keys \['c'\] that are not output names.*\['a', 'b'\]"):
        model.fit(X, {"a": X[:, :1], "c": X[:, :1]}, verbose=0)
    with pytest.raises(ValueError, match=r"keys \['age'\] that are not output names"):
        model.compile(optimizer="sgd", loss={"age": "mse"})
        model.fit(X, [X[:, :1], X[:, :1]], verbose=0)


def test_batch_size_with_a_dataset_and_bad_arguments():
    class Data(PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return X, X[:, :3]

    with pytest.raises(ValueError, match="batch_size=8 cannot be used with a Data"):
        _classifier("mse").fit(Data(), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="y must not be given when x is a Data"):
        _classifier("mse").fit(Data(), X, verbose=0)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        _classifier("mse").fit(X, X[:, :3], batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="verbose must be"):
        _classifier("mse").fit(X, X[:, :3], verbose=3)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        _classifier("mse").fit(X, X[:, :3], epoch=3)


def test_class_weight_and_sample_weight_together():
    with pytest.raises(ValueError, match="class_weight and sample_weight cannot both be given"):
        _classifier("sparse_categorical_crossentropy").fit(
            X, np.zeros(64, int), class_weight={0: 1.0}, sample_weight=np.ones(64), verbose=0)
