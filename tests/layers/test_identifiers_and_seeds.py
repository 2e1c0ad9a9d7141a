"""Unknown names list the valid ones; set_random_seed makes two runs identical."""
import numpy as np
import pytest
import torch

import lamina
from lamina import layers


@pytest.mark.parametrize("kwargs,kind,valid", [
    ({"activation": "relu7"}, "activation", "'relu'"),
    ({"kernel_initializer": "glorot_uniformm"}, "initializer", "'glorot_uniform'"),
    ({"kernel_regularizer": "l3"}, "regularizer", "'l2'"),
    ({"kernel_constraint": "max_normm"}, "constraint", "'max_norm'"),
])
def test_unknown_names_list_the_valid_ones(kwargs, kind, valid):
    with pytest.raises(ValueError, match=rf"Unknown {kind}: .*Valid names are: .*{valid}"):
        layers.Dense(3, **kwargs)


def test_set_random_seed_makes_runs_identical():
    def run():
        lamina.utils.set_random_seed(123)
        model = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)), layers.Dropout(0.5),
                                   layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        x = np.random.rand(32, 4).astype("float32")
        model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0)
        return [w.copy() for w in model.get_weights()], float(torch.rand(1))

    first, second = run(), run()
    for a, b in zip(first[0], second[0]):
        np.testing.assert_array_equal(a, b)
    assert first[1] == second[1]
