"""activation_model and plot_activation_grid on the book's small convnet."""
import numpy as np
import pytest
import torch
from PIL import Image

import lamina
from lamina import layers, models
from lamina.visualization import activation_model, channel_grid, plot_activation_grid


def book_convnet():
    return models.Sequential([
        layers.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu", name="conv1"), layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(64, 3, activation="relu", name="conv2"), layers.MaxPooling2D(2, name="pool2"),
        layers.Conv2D(64, 3, activation="relu", name="conv3"), layers.Flatten(name="flatten"),
        layers.Dense(10, activation="softmax", name="out"),
    ])


def test_activation_model_returns_each_layer_output():
    model = book_convnet()
    names = ["conv1", "pool1", "conv2", "pool2", "conv3"]
    features = activation_model(model, names)
    x = torch.rand(2, 28, 28, 1)
    outputs = features.predict(x, verbose=0)
    assert [a.shape[1:] for a in outputs] == [(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64)]
    first = model.get_layer("conv1")(x).detach().numpy()
    np.testing.assert_allclose(outputs[0], first, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(outputs[1], first.reshape(2, 13, 2, 13, 2, 32).max(axis=(2, 4)), rtol=1e-6)
    assert activation_model(model, "conv3").output_shape == (None, 3, 3, 64)
    assert len(activation_model(model).outputs) == len(model.layers)


def test_activation_model_errors():
    model = book_convnet()
    with pytest.raises(ValueError, match="has no layer named 'conv9'. Its layers are: .*'conv1'"):
        activation_model(model, ["conv9"])
    with pytest.raises(ValueError, match="activation_model: layer_names is empty"):
        activation_model(model, [])


def test_plot_activation_grid_writes_every_channel(tmp_path):
    model = book_convnet()
    names = ["conv1", "pool2"]
    activations = activation_model(model, names).predict(np.random.rand(1, 28, 28, 1), verbose=0)
    path = tmp_path / "activations.png"
    grids = plot_activation_grid(dict(zip(names, activations)), path, images_per_row=16)
    assert [g.shape for g in grids] == [(2 * 26, 16 * 26), (4 * 5, 16 * 5)]
    with Image.open(path) as picture:
        assert picture.format == "PNG" and picture.size[0] > 100
    # every channel, standardised as in the book: mean 128 unless the channel is constant
    channel = activations[0][0, :, :, 5]
    tile = grids[0][:26, 5 * 26:6 * 26].astype("float64")
    if channel.std() > 0:
        expected = np.clip((channel - channel.mean()) / channel.std() * 64 + 128, 0, 255).astype("uint8")
        np.testing.assert_array_equal(tile, expected)


def test_channel_grid_leaves_blank_tiles_and_handles_constant_channels():
    activation = np.zeros((3, 4, 5), dtype="float32")
    activation[..., 1] = np.arange(12).reshape(3, 4)
    grid = channel_grid(activation, images_per_row=4)
    assert grid.shape == (6, 16)
    assert (grid[:3, :4] == 128).all()             # a constant channel is flat grey
    assert grid[:3, 4:8].min() < 64 and grid[:3, 4:8].max() > 192
    assert (grid[3:, 4:] == 0).all()               # only channel 4 on the second row


def test_plot_activation_grid_rejects_non_feature_maps(tmp_path):
    with pytest.raises(ValueError, match=r"the activation of 'dense' must be a feature map .* "
                                         r"received shape \(1, 10\)"):
        plot_activation_grid({"dense": np.zeros((1, 10))}, tmp_path / "x.png")
    with pytest.raises(ValueError, match="images_per_row must be a positive integer; received 0"):
        plot_activation_grid(np.zeros((1, 4, 4, 2)), tmp_path / "x.png", images_per_row=0)
    assert not (tmp_path / "x.png").exists()


def test_subclassed_model_without_graph_is_refused():
    class Net(lamina.Model):
        def __init__(self):
            super().__init__()
            self.conv = layers.Conv2D(2, 3)

        def call(self, x):
            return self.conv(x)

    with pytest.raises(ValueError, match="activation_model: model 'net' has no symbolic inputs"):
        activation_model(Net(), ["conv2d"])
