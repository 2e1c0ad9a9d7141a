"""Grad-CAM class-activation heatmaps (the book's third method) and their overlay on the image.

For a class, take the gradient of its score with respect to the last convolutional
feature map, average it over the positions to weigh each channel, sum the channels with
those weights and keep the positive part: the heatmap shows where in the image the
evidence for that class lies (Selvaraju et al., 2017).

Example:
    >>> import torch
    >>> from lamina import layers, models
    >>> model = models.Sequential([layers.Input((8, 8, 3)), layers.Conv2D(4, 3, activation="relu", name="conv"),
    ...                            layers.GlobalAveragePooling2D(), layers.Dense(2, activation="softmax")])
    >>> heatmap = grad_cam(model, torch.rand(8, 8, 3), "conv")
    >>> heatmap.shape, float(heatmap.max()) <= 1.0
    ((6, 6), True)
"""
import numpy as np
import torch

from lamina.models import Model
from lamina.visualization._figures import new_figure, save_png, show_image, to_numpy
from lamina.visualization.activations import graph_inputs


def grad_cam(model, image, last_conv_layer_name, class_index=None):
    """The Grad-CAM heatmap of ``class_index`` (default: the predicted class) for one image.

    Args:
        model: a functional or Sequential classifier with one output ``(batch, classes)``.
        image: one preprocessed image ``(h, w, channels)`` or a batch of one ``(1, h, w, channels)``.
        last_conv_layer_name: the feature map to explain (``"block5_conv3"`` for VGG16).
        class_index: the class to explain; ``None`` takes the model's top prediction.

    Returns:
        A float32 ``(map_height, map_width)`` array in ``[0, 1]`` (all zeros if nothing in the
        feature map raises the class score). The class score is the model's output as is:
        a probability after a softmax (as in the book); build the model with
        ``classifier_activation=None`` to explain logits.

    Example:
        >>> from lamina import layers, models
        >>> model = models.Sequential([layers.Input((6, 6, 1)), layers.Conv2D(2, 3, name="c"), layers.Flatten(),
        ...                            layers.Dense(3)])
        >>> grad_cam(model, np.zeros((6, 6, 1)), "c", class_index=3)
        Traceback (most recent call last):
        ...
        ValueError: grad_cam: class_index 3 is out of range for a model with 3 outputs
    """
    inputs = graph_inputs(model, "grad_cam")
    outputs = model.outputs
    if len(outputs) != 1 or len(outputs[0].shape) != 2:
        raise ValueError(f"grad_cam: the model must have one output of shape (batch, classes); its outputs have "
                         f"shapes {[tuple(o.shape) for o in outputs]}")
    conv_output = model.get_layer(last_conv_layer_name).output
    if len(conv_output.shape) != 4:
        raise ValueError(f"grad_cam: layer {last_conv_layer_name!r} outputs shape {tuple(conv_output.shape)}; "
                         "expected a feature map (batch, height, width, channels)")
    array = to_numpy(image, "grad_cam: image")
    if array.ndim == len(inputs[0].shape) - 1:
        array = array[None]
    if array.ndim != len(inputs[0].shape) or array.shape[0] != 1:
        raise ValueError(f"grad_cam: image must be one image {tuple(inputs[0].shape[1:])} or a batch of one; "
                         f"received shape {array.shape}")
    classes = outputs[0].shape[-1]
    if class_index is not None and not 0 <= class_index < classes:
        raise ValueError(f"grad_cam: class_index {class_index} is out of range for a model with {classes} outputs")
    explain = Model(inputs, [conv_output, outputs[0]], name=f"{model.name}_grad_cam")
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    feature_map, predictions = explain(torch.as_tensor(array, device=device), training=False)
    if class_index is None:
        class_index = int(predictions[0].argmax())
    (grads,) = torch.autograd.grad(predictions[0, class_index], feature_map)
    weights = grads[0].mean(dim=(0, 1))                      # one weight per channel
    heatmap = torch.relu((feature_map[0] * weights).sum(-1)).detach()
    peak = heatmap.max()
    heatmap = heatmap / peak if peak > 0 else heatmap
    return heatmap.cpu().numpy().astype("float32")


def overlay_heatmap(image, heatmap, path, alpha=0.4, colormap="jet"):
    """Colour ``heatmap``, resize it to the image and add ``alpha`` times it to the image; write a PNG.

    Args:
        image: the original image ``(h, w, 3)`` (or grayscale ``(h, w)`` / ``(h, w, 1)``), values 0-255.
        heatmap: a ``(map_h, map_w)`` array in ``[0, 1]``, as :func:`grad_cam` returns.
        path: the PNG file to write.
        alpha: weight of the coloured heatmap (the book: 0.4).
        colormap: a matplotlib colormap name.

    Returns:
        The superimposed image, uint8 ``(h, w, 3)``: ``clip(image + alpha * 255 * colormap(heatmap))``.

    Example:
        >>> import os, tempfile
        >>> out = overlay_heatmap(np.zeros((8, 8, 3)), np.eye(2), os.path.join(tempfile.mkdtemp(), "cam.png"))
        >>> out.shape, out.dtype
        ((8, 8, 3), dtype('uint8'))
    """
    from matplotlib import colormaps
    from PIL import Image

    picture = to_numpy(image, "overlay_heatmap: image")
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    if picture.ndim == 2:
        picture = np.repeat(picture[..., None], 3, axis=-1)
    if picture.ndim != 3 or picture.shape[-1] != 3:
        raise ValueError(f"overlay_heatmap: image must be (h, w, 3), (h, w, 1) or (h, w); received shape "
                         f"{to_numpy(image, 'image').shape}")
    cam = to_numpy(heatmap, "overlay_heatmap: heatmap")
    if cam.ndim != 2:
        raise ValueError(f"overlay_heatmap: heatmap must be 2-D (map_h, map_w); received shape {cam.shape}")
    if colormap not in colormaps:
        raise ValueError(f"overlay_heatmap: unknown colormap {colormap!r}; use a matplotlib colormap name such as "
                         "'jet', 'viridis' or 'inferno'")
    levels = np.uint8(255 * np.clip(cam, 0, 1))
    colours = colormaps[colormap](np.arange(256))[:, :3]      # the book's 256-entry lookup table
    coloured = np.uint8(255 * colours[levels])
    resized = np.asarray(Image.fromarray(coloured).resize((picture.shape[1], picture.shape[0]), Image.BILINEAR))
    superimposed = np.clip(resized.astype("float32") * alpha + picture, 0, 255).astype("uint8")
    figure = new_figure((max(2.0, picture.shape[1] / 100), max(2.0, picture.shape[0] / 100)))
    show_image(figure, superimposed)
    save_png(figure, path)
    return superimposed
