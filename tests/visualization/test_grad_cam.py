"""Grad-CAM on a model built so that we know where the evidence is; the overlay; the errors."""
import numpy as np
import pytest
import torch
from matplotlib import colormaps
from PIL import Image

import lamina
from lamina import layers, models
from lamina.visualization import grad_cam, overlay_heatmap


def quadrant_model():
    """Channel 0 = brightness, channel 1 = darkness; class 0 sums brightness over the top-left
    quadrant, class 1 sums darkness over the bottom-right quadrant."""
    model = models.Sequential([
        layers.Input((16, 16, 1)),
        layers.Conv2D(2, 1, activation="relu", name="features"),
        layers.Flatten(),
        layers.Dense(2, use_bias=False, name="scores"),
    ])
    model.get_layer("features").set_weights([np.array([[[[1.0, -1.0]]]], "float32"), np.array([0.0, 1.0], "float32")])
    weights = np.zeros((16, 16, 2, 2), "float32")
    weights[:8, :8, 0, 0] = 1.0
    weights[8:, 8:, 1, 1] = 1.0
    model.get_layer("scores").set_weights([weights.reshape(512, 2)])
    return model


def square_image():
    image = np.zeros((16, 16, 1), "float32")
    image[2:6, 3:7] = 1.0  # a bright object inside the top-left quadrant
    return image


def test_grad_cam_points_at_the_region_that_drives_the_class():
    model, image = quadrant_model(), square_image()
    bright = grad_cam(model, image, "features", class_index=0)
    assert bright.shape == (16, 16) and bright.dtype == np.float32
    np.testing.assert_allclose(bright, image[..., 0])          # exactly the object, nothing else
    dark = grad_cam(model, image[None], "features", class_index=1)
    np.testing.assert_allclose(dark, 1.0 - image[..., 0])
    assert model.predict(image[None], verbose=0).argmax() == 1
    np.testing.assert_allclose(grad_cam(model, image, "features"), dark)   # default: the predicted class


def test_grad_cam_matches_the_keras_example_written_with_gradient_tape():
    lamina.utils.set_random_seed(1)
    model = models.Sequential([
        layers.Input((12, 12, 3)),
        layers.Conv2D(6, 3, activation="relu", name="conv1"),
        layers.Conv2D(8, 3, activation="relu", name="last_conv"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(5, activation="softmax"),
    ])
    image = np.random.RandomState(0).rand(1, 12, 12, 3).astype("float32")
    grad_model = lamina.Model(model.inputs, [model.get_layer("last_conv").output, model.output])
    with lamina.GradientTape() as tape:
        conv_output, preds = grad_model(image)
        class_channel = preds[:, 3]
    grads = tape.gradient(class_channel, conv_output)
    pooled = lamina.ops.mean(grads, axis=(0, 1, 2))
    heatmap = lamina.ops.squeeze(conv_output[0] @ pooled[..., None])
    expected = lamina.ops.convert_to_numpy(lamina.ops.maximum(heatmap, 0) / lamina.ops.max(heatmap))
    np.testing.assert_allclose(grad_cam(model, image, "last_conv", class_index=3), expected, rtol=1e-5, atol=1e-6)


def test_grad_cam_of_an_application_model():
    model = lamina.applications.VGG16(weights=None, input_shape=(32, 32, 3), classes=4)
    heatmap = grad_cam(model, np.random.rand(32, 32, 3) * 255, "block5_conv3")
    assert heatmap.shape == (2, 2) and 0.0 <= heatmap.min() and heatmap.max() <= 1.0


def test_overlay_heatmap_adds_the_coloured_map(tmp_path):
    image = np.full((32, 24, 3), 100.0, "float32")
    heatmap = np.zeros((4, 3), "float32")
    heatmap[0, 0] = 1.0
    path = tmp_path / "cam.png"
    out = overlay_heatmap(image, heatmap, path, alpha=0.4)
    assert out.shape == (32, 24, 3) and out.dtype == np.uint8
    jet = colormaps["jet"]
    cold = np.uint8(255 * np.array(jet(0)[:3]))
    np.testing.assert_array_equal(out[-1, -1], np.clip(cold * 0.4 + 100, 0, 255).astype("uint8"))
    hot = np.uint8(255 * np.array(jet(255)[:3]))
    np.testing.assert_array_equal(out[0, 0], np.clip(hot * 0.4 + 100, 0, 255).astype("uint8"))
    with Image.open(path) as picture:
        assert picture.format == "PNG"
    gray = overlay_heatmap(np.zeros((8, 8)), heatmap, tmp_path / "gray.png", alpha=1.0)
    assert gray.shape == (8, 8, 3)


def test_grad_cam_and_overlay_errors(tmp_path):
    model = quadrant_model()
    with pytest.raises(ValueError, match=r"grad_cam: image must be one image \(16, 16, 1\) or a batch of one; "
                                         r"received shape \(2, 16, 16, 1\)"):
        grad_cam(model, np.zeros((2, 16, 16, 1)), "features")
    with pytest.raises(ValueError, match="grad_cam: class_index 2 is out of range for a model with 2 outputs"):
        grad_cam(model, square_image(), "features", class_index=2)
    with pytest.raises(ValueError, match=r"grad_cam: layer 'scores' outputs shape \(None, 2\); expected a feature map"):
        grad_cam(model, square_image(), "scores")
    with pytest.raises(ValueError, match="overlay_heatmap: unknown colormap 'hot-pink'"):
        overlay_heatmap(np.zeros((4, 4, 3)), np.zeros((2, 2)), tmp_path / "x.png", colormap="hot-pink")
    with pytest.raises(ValueError, match=r"overlay_heatmap: heatmap must be 2-D \(map_h, map_w\); received shape "
                                         r"\(1, 2, 2\)"):
        overlay_heatmap(np.zeros((4, 4, 3)), np.zeros((1, 2, 2)), tmp_path / "x.png")
    with pytest.raises(ValueError, match=r"overlay_heatmap: image must be \(h, w, 3\), \(h, w, 1\) or \(h, w\); "
                                         r"received shape \(4, 4, 2\)"):
        overlay_heatmap(np.zeros((4, 4, 2)), np.zeros((2, 2)), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
