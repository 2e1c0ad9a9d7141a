"""``fit``/``evaluate``/``predict`` accept every data format and give the same numbers for the same batches.

Each format feeds the same 96 samples in the same order (shuffle=False, batch 32) to a
model starting from the same weights; the histories must be identical.
"""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers
from lamina.training import data as data_module
from lamina.utils import PyDataset

RNG = np.random.RandomState(0)
X = RNG.normal(size=(96, 4)).astype("float32")
Y = (X @ RNG.normal(size=(4, 1))).astype("float32")
BATCH = 32


def _model(weights=None):
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([layers.Dense(8, activation="tanh", input_shape=(4,)), layers.Dense(1)])
    if weights is not None:
        model.set_weights(weights)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def _reference_history():
    return _model().fit(X, Y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0).history


class Batches(PyDataset):
    def __len__(self):
        return len(X) // BATCH

    def __getitem__(self, index):
        part = slice(index * BATCH, (index + 1) * BATCH)
        return X[part], Y[part]


def _generator():
    while True:
        for start in range(0, len(X), BATCH):
            yield X[start:start + BATCH], Y[start:start + BATCH]


FORMATS = {
    "torch tensors": lambda m: m.fit(torch.from_numpy(X), torch.from_numpy(Y), batch_size=BATCH, epochs=2,
                                     shuffle=False, verbose=0),
    "PyDataset": lambda m: m.fit(Batches(), epochs=2, shuffle=False, verbose=0),
    "generator + steps_per_epoch": lambda m: m.fit(_generator(), steps_per_epoch=3, epochs=2, verbose=0),
    "fit_generator (Keras 2)": lambda m: m.fit_generator(_generator(), steps_per_epoch=3, epochs=2, verbose=0),
    "torch Dataset": lambda m: m.fit(torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)),
                                     batch_size=BATCH, epochs=2, shuffle=False, verbose=0),
    "torch DataLoader": lambda m: m.fit(torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)), batch_size=BATCH), epochs=2,
        verbose=0),
    "iterator of batches": lambda m: m.fit(iter([(X[i:i + BATCH], Y[i:i + BATCH]) for i in range(0, 96, BATCH)] * 2),
                                           steps_per_epoch=3, epochs=2, verbose=0),
    "nb_epoch (Keras 1)": lambda m: m.fit(X, Y, batch_size=BATCH, nb_epoch=2, shuffle=False, verbose=0),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_gives_the_same_history(name):
    expected = _reference_history()
    history = FORMATS[name](_model()).history
    assert list(history) == list(expected)
    for key in expected:
        np.testing.assert_allclose(history[key], expected[key], rtol=1e-6, atol=1e-7, err_msg=key)


def test_evaluate_and_predict_on_datasets_and_generators():
    model = _model()
    expected = model.evaluate(X, Y, batch_size=BATCH, verbose=0)
    np.testing.assert_allclose(model.evaluate(Batches(), verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(model.evaluate_generator(_generator(), steps=3), expected, rtol=1e-6)
    predictions = model.predict(X, verbose=0)
    np.testing.assert_allclose(model.predict(Batches(), verbose=0), predictions, rtol=1e-6)
    np.testing.assert_allclose(model.predict_generator(_generator(), steps=3), predictions, rtol=1e-6)
    np.testing.assert_allclose(model.predict(torch.from_numpy(X), batch_size=7, verbose=0), predictions, rtol=1e-6)


def test_validation_split_on_torch_tensors_equals_numpy():
    histories = [_model().fit(x, y, batch_size=BATCH, epochs=2, validation_split=0.25, shuffle=False,
                              verbose=0).history
                 for x, y in ((X, Y), (torch.from_numpy(X), torch.from_numpy(Y)))]
    assert set(histories[0]) == {"loss", "mae", "val_loss", "val_mae"}
    for key in histories[0]:
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-6)


def test_validation_data_as_generator_with_validation_steps():
    model = _model()
    history = model.fit(X, Y, batch_size=BATCH, epochs=2, verbose=0, validation_data=_generator(),
                        validation_steps=3)
    np.testing.assert_allclose(history.history["val_loss"][-1], model.evaluate(X, Y, verbose=0)[0], rtol=1e-5)


def test_multi_input_lists_and_dicts_give_the_same_result():
    a, b = lamina.Input((3,), name="a"), lamina.Input((2,), name="b")
    out = layers.Dense(1)(layers.concatenate([a, b]))
    model = lamina.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    weights = model.get_weights()
    xa, xb = X[:, :3], X[:, 3:]
    xb = np.concatenate([xb, xb], axis=1)
    as_list = model.fit([xa, xb], Y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0).history["loss"]
    model.set_weights(weights)
    as_dict = model.fit({"b": xb, "a": xa}, Y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(as_dict, as_list, rtol=1e-6)
    assert model.predict({"a": xa, "b": xb}, verbose=0).shape == (96, 1)


def test_shuffle_draws_a_new_order_every_epoch_and_covers_every_sample():
    adapter = data_module.make_adapter(np.arange(10.0)[:, None], np.arange(10.0), batch_size=4, shuffle=True)
    orders = [torch.cat([x[:, 0] for x, _, _ in adapter]).tolist() for _ in range(3)]
    assert all(sorted(order) == list(range(10)) for order in orders)
    assert len({tuple(order) for order in orders}) > 1
    for x, y, _ in adapter:  # inputs and targets stay paired
        assert torch.equal(x[:, 0], y)


def test_steps_per_epoch_on_arrays_continues_through_the_data():
    adapter = data_module.make_adapter(np.arange(5.0), None, batch_size=2, shuffle=False, steps=2)
    first = [x.tolist() for x, _, _ in adapter]
    second = [x.tolist() for x, _, _ in adapter]
    assert first == [[0.0, 1.0], [2.0, 3.0]] and second == [[4.0], [0.0, 1.0]]


def test_pydataset_on_epoch_end_is_called_after_every_epoch():
    class Counting(Batches):
        ends = 0

        def on_epoch_end(self):
            Counting.ends += 1

    _model().fit(Counting(), epochs=3, verbose=0)
    assert Counting.ends == 3


def test_sample_weights_from_a_dataset_are_used():
    class Weighted(Batches):
        def __getitem__(self, index):
            x, y = super().__getitem__(index)
            return x, y, np.zeros(len(x), dtype="float32")

    model = _model()
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(Weighted(), epochs=1, verbose=0)
    assert history.history["loss"] == [0.0]  # all weights zero: zero loss and no update
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_unpack_and_pack_round_trip():
    for data in (1, (1, 2), (1, 2, 3)):
        assert data_module.pack_x_y_sample_weight(*data_module.unpack_x_y_sample_weight(data)) == data
    assert data_module.unpack_x_y_sample_weight((1,)) == (1, None, None)  # (x,) is x, as in Keras
