"""Each filter's preferred pattern: gradient ascent on the input image (the book's second method).

Start from a grey image with a little noise and repeatedly move it along the gradient of
the filter's mean activation, the gradient normalised by its root mean square (the book's
``grads / (sqrt(mean(square(grads))) + 1e-5)``), so every step has the same size. Several
filters are optimised together, one image each, in one batch.

Example:
    >>> from lamina import layers, models
    >>> model = models.Sequential([layers.Input((None, None, 3)), layers.Conv2D(4, 3, name="conv")])
    >>> pattern = filter_pattern(model, "conv", 2, size=16, steps=5, seed=0)
    >>> pattern.shape, deprocess_image(pattern).dtype
    ((16, 16, 3), dtype('uint8'))
"""
import math

import numpy as np
import torch

from lamina.visualization._figures import new_figure, save_png, show_image, to_numpy
from lamina.visualization.activations import activation_model


def _device(model):
    for parameter in model.parameters():
        return parameter.device
    return torch.device("cpu")


def _feature_map_layer(model, layer_name, function):
    layer = model.get_layer(layer_name)
    shape = tuple(layer.output.shape)
    if len(shape) != 4:
        raise ValueError(f"{function}: layer {layer_name!r} outputs shape {shape}; expected a feature map "
                         "(batch, height, width, filters), e.g. a Conv2D or pooling layer")
    return shape[-1]


def _image_size(model, size, function):
    """``(height, width, channels)`` of the optimised images: the model's if fixed, else ``size`` (default 150)."""
    input_shape = tuple(model.inputs[0].shape)
    if len(input_shape) != 4:
        raise ValueError(f"{function}: the model's input must be images (batch, height, width, channels); "
                         f"its input shape is {input_shape}")
    fixed = input_shape[1:3]
    if size is not None:
        size = (size, size) if isinstance(size, int) else tuple(size)
        if len(size) != 2 or not all(isinstance(d, int) and d > 0 for d in size):
            raise ValueError(f"{function}: size must be a positive integer or (height, width); received {size!r}")
        if any(f is not None and f != s for f, s in zip(fixed, size)):
            raise ValueError(f"{function}: the model takes {fixed[0]}x{fixed[1]} images; received size={size}")
    else:
        size = tuple(150 if f is None else f for f in fixed)
    return size + (input_shape[3],)


def _check_filters(filter_indices, filters, function):
    for index in filter_indices:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < filters:
            raise ValueError(f"{function}: filter index {index!r} is out of range: the layer has {filters} filters "
                             f"(0 to {filters - 1})")


def gradient_ascent(feature_model, filter_indices, images, steps=40, step_size=1.0):
    """Move each image ``i`` along the normalised gradient of filter ``filter_indices[i]``'s mean activation.

    Args:
        feature_model: a model from images to one feature map ``(batch, h, w, filters)``.
        filter_indices: one filter per image.
        images: the starting images, ``(len(filter_indices), height, width, channels)``.

    Returns:
        The optimised images as a float32 torch tensor.

    Example:
        >>> from lamina import layers, models
        >>> model = models.Sequential([layers.Input((6, 6, 1)), layers.Conv2D(2, 3)])
        >>> gradient_ascent(model, [0, 1], np.zeros((2, 6, 6, 1)), steps=2).shape
        torch.Size([2, 6, 6, 1])
    """
    x = torch.tensor(np.asarray(images), dtype=torch.float32, device=_device(feature_model))
    x.requires_grad_(True)
    rows = torch.arange(len(filter_indices), device=x.device)
    chosen = torch.as_tensor(list(filter_indices), device=x.device)
    for _ in range(steps):
        activation = feature_model(x, training=False)
        loss = activation[rows, :, :, chosen].mean(dim=(1, 2)).sum()  # images are independent: one loss per image
        (grad,) = torch.autograd.grad(loss, x)
        grad = grad / (grad.square().mean(dim=(1, 2, 3), keepdim=True).sqrt() + 1e-5)
        with torch.no_grad():
            x += step_size * grad
    return x.detach()


def _start_images(count, shape, seed):
    return np.random.RandomState(seed).random_sample((count,) + shape).astype("float32") * 20 + 128


def filter_pattern(model, layer_name, filter_index, size=None, steps=40, step_size=1.0, seed=None):
    """The input pattern that filter ``filter_index`` of layer ``layer_name`` responds to most.

    Args:
        model: a functional or Sequential image model.
        layer_name: a layer whose output is a feature map (a convolution, e.g. ``"block3_conv1"``).
        filter_index: which filter (channel) of that layer.
        size: image size, an int or ``(height, width)``; default: the model's input size, or 150.
        steps, step_size: gradient-ascent iterations and step (the book: 40 steps of 1).
        seed: seed of the starting noise.

    Returns:
        The optimised image, float32 ``(height, width, channels)`` (see :func:`deprocess_image`).

    Example:
        >>> from lamina import layers, models
        >>> model = models.Sequential([layers.Input((8, 8, 1)), layers.Conv2D(2, 3, name="c")])
        >>> filter_pattern(model, "c", 5)
        Traceback (most recent call last):
        ...
        ValueError: filter_pattern: filter index 5 is out of range: the layer has 2 filters (0 to 1)
    """
    filters = _feature_map_layer(model, layer_name, "filter_pattern")
    _check_filters([filter_index], filters, "filter_pattern")
    shape = _image_size(model, size, "filter_pattern")
    features = activation_model(model, layer_name)
    return gradient_ascent(features, [filter_index], _start_images(1, shape, seed), steps, step_size)[0].cpu().numpy()


def deprocess_image(x):
    """Turn an optimised image into a displayable uint8 image (standardise, scale 0.1, centre 0.5, 0-255).

    Example:
        >>> deprocess_image(np.array([[[0.0], [1.0]]])).ravel().tolist()
        [102, 152]
    """
    x = to_numpy(x, "deprocess_image: x").astype("float64")
    x = (x - x.mean()) / (x.std() + 1e-5) * 0.1 + 0.5
    return (np.clip(x, 0, 1) * 255).astype("uint8")


def plot_filter_patterns(model, layer_name, path, filter_indices=None, size=None, margin=5, images_per_row=8,
                         steps=40, step_size=1.0, seed=None, batch_size=16):
    """Find the patterns of several filters and write them as one grid to a PNG (the book's filter grid).

    Args:
        model, layer_name, size, steps, step_size, seed: as :func:`filter_pattern` (default size:
            the model's input size, or 64).
        path: the PNG file to write.
        filter_indices: the filters to show (default: the first 64).
        margin: black pixels between patterns.
        images_per_row: patterns per row.
        batch_size: how many filters are optimised together.

    Returns:
        The grid as a uint8 image ``(rows * h + (rows - 1) * margin, cols * w + (cols - 1) * margin, channels)``.

    Example:
        >>> import os, tempfile
        >>> from lamina import layers, models
        >>> model = models.Sequential([layers.Input((None, None, 3)), layers.Conv2D(6, 3, name="c")])
        >>> plot_filter_patterns(model, "c", os.path.join(tempfile.mkdtemp(), "f.png"), size=10, margin=2,
        ...                      images_per_row=3, steps=2).shape
        (22, 34, 3)
    """
    filters = _feature_map_layer(model, layer_name, "plot_filter_patterns")
    indices = list(range(min(64, filters))) if filter_indices is None else list(filter_indices)
    if not indices:
        raise ValueError("plot_filter_patterns: filter_indices is empty")
    for name, value in (("images_per_row", images_per_row), ("batch_size", batch_size), ("margin", margin + 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"plot_filter_patterns: {name} must be a positive integer; received {value!r}")
    _check_filters(indices, filters, "plot_filter_patterns")
    if size is None and tuple(model.inputs[0].shape[1:3]) == (None, None):
        size = 64
    height, width, channels = _image_size(model, size, "plot_filter_patterns")
    features = activation_model(model, layer_name)
    start = _start_images(len(indices), (height, width, channels), seed)
    patterns = []
    for begin in range(0, len(indices), batch_size):
        batch = gradient_ascent(features, indices[begin:begin + batch_size], start[begin:begin + batch_size], steps,
                                step_size)
        patterns.extend(deprocess_image(image) for image in batch.cpu().numpy())
    cols = min(images_per_row, len(indices))
    rows = math.ceil(len(indices) / cols)
    grid = np.zeros((rows * height + (rows - 1) * margin, cols * width + (cols - 1) * margin, channels), "uint8")
    for number, pattern in enumerate(patterns):
        row, col = divmod(number, cols)
        top, left = row * (height + margin), col * (width + margin)
        grid[top:top + height, left:left + width] = pattern
    figure = new_figure((max(2.0, cols * 1.5), max(2.0, rows * 1.5) + 0.4))
    show_image(figure, grid if channels != 1 else grid[..., 0], title=f"{layer_name}: {len(indices)} filters",
               cmap="gray" if channels == 1 else None)
    save_png(figure, path)
    return grid
