"""Filter patterns by gradient ascent: the book's loop, the activation rises, the grid, the errors."""
import numpy as np
import pytest
import torch
from PIL import Image

import lamina
from lamina import layers, models
from lamina.visualization import deprocess_image, filter_pattern, plot_filter_patterns
from lamina.visualization.filters import _start_images


def small_convnet(input_shape=(None, None, 3)):
    lamina.utils.set_random_seed(0)
    return models.Sequential([
        layers.Input(input_shape),
        layers.Conv2D(8, 3, activation="relu", name="conv1"), layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(6, 3, name="conv2"), layers.Flatten(name="flatten"),
    ])


def mean_activation(model, layer_name, image, index):
    features = lamina.Model(model.inputs, model.get_layer(layer_name).output)
    return float(features(torch.tensor(image[None]))[0, :, :, index].mean().detach())


def test_gradient_ascent_follows_the_books_loop():
    """The book's loop written with GradientTape gives the same image."""
    model = small_convnet()
    start = _start_images(1, (20, 20, 3), seed=3)
    got = filter_pattern(model, "conv2", 4, size=20, steps=3, step_size=1.0, seed=3)

    features = lamina.Model(model.inputs, model.get_layer("conv2").output)
    image = lamina.Variable(start)
    for _ in range(3):
        with lamina.GradientTape() as tape:
            loss = lamina.ops.mean(features(image)[:, :, :, 4])
        grads = tape.gradient(loss, image)
        grads = grads / (lamina.ops.sqrt(lamina.ops.mean(lamina.ops.square(grads))) + 1e-5)
        image.assign(image + grads * 1.0)
    np.testing.assert_allclose(got, image.numpy()[0], rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("layer, index", [("conv1", None), ("conv2", 0), ("conv2", 5)])
def test_gradient_ascent_raises_the_filters_activation(layer, index):
    model = small_convnet()
    start = _start_images(1, (24, 24, 3), seed=1)[0]
    if index is None:  # a ReLU filter that is not dead on the grey start image (a dead one has no gradient)
        index = next(i for i in range(8) if mean_activation(model, layer, start, i) > 0)
    pattern = filter_pattern(model, layer, index, size=24, steps=20, seed=1)
    assert pattern.shape == (24, 24, 3)
    before, after = mean_activation(model, layer, start, index), mean_activation(model, layer, pattern, index)
    assert after > before + 1.0, (before, after)


def test_plot_filter_patterns_grid_and_png(tmp_path):
    model = small_convnet()
    path = tmp_path / "filters.png"
    grid = plot_filter_patterns(model, "conv2", path, filter_indices=[0, 1, 2, 3, 4], size=12, margin=3,
                                images_per_row=2, steps=4, seed=7, batch_size=2)
    assert grid.shape == (3 * 12 + 2 * 3, 2 * 12 + 3, 3) and grid.dtype == np.uint8
    assert (grid[12:15] == 0).all() and (grid[:, 12:15] == 0).all()          # the black margins
    with Image.open(path) as picture:
        assert picture.format == "PNG"
    single = filter_pattern(model, "conv2", 0, size=12, steps=4, seed=7)   # same start image as the grid's first
    np.testing.assert_array_equal(grid[:12, :12], deprocess_image(single))
    same = plot_filter_patterns(model, "conv2", tmp_path / "again.png", filter_indices=[0, 1, 2, 3, 4], size=12,
                                margin=3, images_per_row=2, steps=4, seed=7, batch_size=16)
    np.testing.assert_array_equal(same, grid)                                 # batching changes nothing


def test_fixed_size_model_uses_its_size_and_grayscale_works(tmp_path):
    model = small_convnet((14, 14, 1))
    assert filter_pattern(model, "conv1", 0, steps=1, seed=0).shape == (14, 14, 1)
    grid = plot_filter_patterns(model, "conv1", tmp_path / "gray.png", steps=1, images_per_row=4)
    assert grid.shape == (2 * 14 + 5, 4 * 14 + 3 * 5, 1)
    with pytest.raises(ValueError, match=r"filter_pattern: the model takes 14x14 images; received size=\(20, 20\)"):
        filter_pattern(model, "conv1", 0, size=20)


def test_deprocess_image_matches_the_book():
    x = np.random.RandomState(0).normal(3.0, 10.0, (5, 5, 3))
    y = x - x.mean()
    y /= y.std() + 1e-5
    y = np.clip(y * 0.1 + 0.5, 0, 1) * 255
    np.testing.assert_array_equal(deprocess_image(x), y.astype("uint8"))


def test_filter_errors_name_the_problem(tmp_path):
    model = small_convnet()
    with pytest.raises(ValueError, match=r"filter_pattern: layer 'flatten' outputs shape \(None, None\); expected a "
                                         "feature map"):
        filter_pattern(model, "flatten", 0)
    with pytest.raises(ValueError, match="filter index 8 is out of range: the layer has 8 filters"):
        plot_filter_patterns(model, "conv1", tmp_path / "f.png", filter_indices=[1, 8])
    with pytest.raises(ValueError, match="plot_filter_patterns: images_per_row must be a positive integer"):
        plot_filter_patterns(model, "conv1", tmp_path / "f.png", images_per_row=0)
    with pytest.raises(ValueError, match="has no layer named 'conv7'"):
        filter_pattern(model, "conv7", 0)
