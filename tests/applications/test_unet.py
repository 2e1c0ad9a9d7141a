"""The U-Net builder: structure, bad arguments, and learning a tiny generated segmentation task."""
import numpy as np
import pytest
import torch

import lamina
from lamina.applications import unet


def rectangles(n, size=32, seed=0):
    """Noisy images with one brighter rectangle each; the mask is the rectangle."""
    rng = np.random.RandomState(seed)
    x = rng.normal(0.3, 0.15, (n, size, size, 1)).astype("float32")
    y = np.zeros((n, size, size, 1), dtype="float32")
    for i in range(n):
        h, w = rng.randint(6, 16, 2)
        top, left = rng.randint(0, size - h), rng.randint(0, size - w)
        y[i, top:top + h, left:left + w] = 1.0
        x[i, top:top + h, left:left + w] += 0.35
    return x, y


def test_unet_learns_a_generated_segmentation_task():
    lamina.utils.set_random_seed(0)
    x, y = rectangles(128, seed=0)
    x_test, y_test = rectangles(64, seed=1)
    model = unet((32, 32, 1), num_classes=1, filters=(8, 16, 32))
    model.compile(optimizer=lamina.optimizers.Adam(3e-3), loss="binary_crossentropy")
    model.fit(x, y, epochs=8, batch_size=8, verbose=0)
    predicted = model.predict(x_test, verbose=0) > 0.5
    accuracy = (predicted == (y_test > 0.5)).mean()
    baseline = max(y_test.mean(), 1 - y_test.mean())  # every pixel labelled with the majority class
    assert 1 - accuracy < (1 - baseline) / 3, (accuracy, baseline)  # a third of the trivial error at most
    intersection = (predicted & (y_test > 0.5)).sum()
    assert intersection / ((predicted | (y_test > 0.5)).sum()) > 0.5  # IoU of the rectangles


def test_multiclass_unet_gives_per_pixel_softmax_and_skip_connections():
    model = unet((16, 24, 3), num_classes=4, filters=(4, 8, 16), batch_norm=True, dropout=0.2,
                 upsampling="upsample")
    out = model(torch.rand(2, 16, 24, 3))
    assert out.shape == (2, 16, 24, 4)
    torch.testing.assert_close(out.sum(-1), torch.ones(2, 16, 24))
    concat = model.get_layer("dec1_concat")
    assert [tuple(t.shape) for t in concat.input] == [(None, 16, 24, 4), (None, 16, 24, 4)]
    assert concat.input[0] is model.get_layer("enc1_relu2").output


def test_unet_takes_any_size_multiple_of_the_depth():
    model = unet((None, None, 1), num_classes=1, filters=(4, 8))
    assert model(torch.rand(1, 10, 14, 1)).shape == (1, 10, 14, 1)


@pytest.mark.parametrize("kwargs, message", [
    (dict(input_shape=(30, 32, 1), num_classes=1, filters=(4, 8, 16)),
     r"unet: with 3 levels the height and width must be multiples of 4 .* received input_shape=\(30, 32, 1\)"),
    (dict(input_shape=(32, 32), num_classes=1), r"unet: input_shape must be \(height, width, channels\)"),
    (dict(input_shape=(32, 32, 1), num_classes=0), "unet: num_classes must be a positive integer"),
    (dict(input_shape=(32, 32, 1), num_classes=2, filters=()), "unet: filters must be a non-empty sequence"),
    (dict(input_shape=(32, 32, 1), num_classes=2, upsampling="bilinear"),
     r"unet: upsampling must be one of \('transpose', 'upsample'\); received upsampling='bilinear'"),
    (dict(input_shape=(32, 32, 1), num_classes=2, dropout=1.5), r"unet: dropout must be in \[0, 1\)"),
])
def test_unet_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        unet(**kwargs)
