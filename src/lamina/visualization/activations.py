"""Intermediate activations: a model that returns them, and a grid picture of every channel.

The first of the book's three ways of seeing what a convnet learns: feed one image, look at
what each convolution and pooling layer outputs, one small picture per channel.

Example:
    >>> import os, tempfile, torch
    >>> from lamina import layers, models
    >>> model = models.Sequential([layers.Input((12, 12, 1)), layers.Conv2D(4, 3, name="conv"),
    ...                            layers.MaxPooling2D(2, name="pool")])
    >>> features = activation_model(model, ["conv", "pool"])
    >>> [tuple(a.shape) for a in features(torch.rand(1, 12, 12, 1))]
    [(1, 10, 10, 4), (1, 5, 5, 4)]
    >>> grids = plot_activation_grid(dict(zip(["conv", "pool"], features.predict(torch.rand(1, 12, 12, 1), verbose=0))),
    ...                              os.path.join(tempfile.mkdtemp(), "activations.png"), images_per_row=2)
    >>> [g.shape for g in grids]
    [(20, 20), (10, 10)]
"""
import math

import numpy as np

from lamina.models import Model
from lamina.visualization._figures import new_figure, save_png, to_numpy


def graph_inputs(model, function):
    """``model.inputs``, or a ValueError naming ``function`` when the model has no symbolic graph.

    Example:
        >>> from lamina import layers, models
        >>> graph_inputs(models.Sequential([layers.Dense(2)]), "my_helper")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: my_helper: model ... has no symbolic inputs ...
    """
    try:
        inputs = model.inputs
    except (AttributeError, ValueError) as error:
        raise ValueError(f"{function}: model '{getattr(model, 'name', model)}' has no symbolic inputs (build it from "
                         "an Input, give a Sequential an input shape, or call it on an Input first)") from error
    if not inputs:
        raise ValueError(f"{function}: model '{model.name}' has no symbolic inputs (a subclassed model?); build a "
                         "functional or Sequential model")
    return inputs


def activation_model(model, layer_names=None):
    """A model from ``model``'s inputs to the outputs of the named layers (the book's ``activation_model``).

    Args:
        model: a functional or Sequential model (built, with a known input shape).
        layer_names: a layer name, a list of names, or ``None`` for every layer after the inputs.

    Returns:
        A functional model whose output is one tensor (for one name) or a list of tensors.

    Example:
        >>> from lamina import layers, models
        >>> model = models.Sequential([layers.Input((8, 8, 3)), layers.Conv2D(2, 3, name="c")])
        >>> activation_model(model, "c").output_shape
        (None, 6, 6, 2)
    """
    inputs = graph_inputs(model, "activation_model")
    if layer_names is None:
        layer_names = [layer.name for layer in model.layers if not getattr(layer, "_is_input_layer", False)]
    single = isinstance(layer_names, str)
    names = [layer_names] if single else list(layer_names)
    if not names:
        raise ValueError("activation_model: layer_names is empty; pass at least one layer name")
    outputs = [model.get_layer(name).output for name in names]
    return Model(inputs, outputs[0] if single else outputs, name=f"{model.name}_activations")


def channel_grid(activation, images_per_row=16):
    """Every channel of one ``(h, w, channels)`` activation, normalised to 0-255, tiled row by row.

    Each channel is standardised (mean 0, standard deviation 1), scaled by 64 and centred
    on 128, as in the book; blank tiles fill the last row.

    Example:
        >>> channel_grid(np.random.rand(4, 5, 3), images_per_row=2).shape
        (8, 10)
    """
    height, width, channels = activation.shape
    rows = math.ceil(channels / images_per_row)
    grid = np.zeros((rows * height, images_per_row * width), dtype="uint8")
    for channel in range(channels):
        image = activation[:, :, channel].astype("float64")
        image = image - image.mean()
        std = image.std()
        if std > 0:
            image /= std
        image = np.clip(image * 64 + 128, 0, 255).astype("uint8")
        row, col = divmod(channel, images_per_row)
        grid[row * height:(row + 1) * height, col * width:(col + 1) * width] = image
    return grid


def _named_activations(activations, layer_names):
    if isinstance(activations, dict):
        return list(activations.items())
    if not isinstance(activations, (list, tuple)):
        activations = [activations]
    if layer_names is None:
        layer_names = [f"activation {i}" for i in range(len(activations))] if len(activations) > 1 else [None]
    if len(layer_names) != len(activations):
        raise ValueError(f"plot_activation_grid: {len(layer_names)} layer_names for {len(activations)} activations")
    return list(zip(layer_names, activations))


def plot_activation_grid(activations, path, images_per_row=16, layer_names=None):
    """Draw every channel of one or more layers' activations as grids and write them to a PNG.

    Args:
        activations: one activation ``(1, h, w, channels)`` or ``(h, w, channels)`` (the first
            sample of a batch is shown), a list of them, or a dict ``{layer_name: activation}``
            (e.g. ``dict(zip(names, activation_model(...).predict(img)))``).
        path: the PNG file to write.
        images_per_row: channels per row of a grid.
        layer_names: titles for a list of activations.

    Returns:
        The grids drawn, one uint8 ``(rows * h, images_per_row * w)`` array per layer.

    Example:
        >>> import os, tempfile
        >>> grid, = plot_activation_grid(np.random.rand(1, 6, 6, 20), os.path.join(tempfile.mkdtemp(), "a.png"))
        >>> grid.shape
        (12, 96)
    """
    if isinstance(images_per_row, bool) or not isinstance(images_per_row, int) or images_per_row < 1:
        raise ValueError("plot_activation_grid: images_per_row must be a positive integer; "
                         f"received {images_per_row!r}")
    named = _named_activations(activations, layer_names)
    grids, titles = [], []
    for name, activation in named:
        array = to_numpy(activation, "plot_activation_grid: each activation")
        if array.ndim == 4:
            array = array[0]
        if array.ndim != 3:
            label = f"the activation of {name!r}" if name else "the activation"
            raise ValueError(f"plot_activation_grid: {label} must be a feature map (1, h, w, channels) or "
                             f"(h, w, channels); received shape {array.shape}")
        grids.append(channel_grid(array, images_per_row))
        titles.append(name)
    width = 16.0
    heights = [width * grid.shape[0] / grid.shape[1] + 0.5 for grid in grids]
    figure = new_figure((width, sum(heights)))
    layout = figure.add_gridspec(len(grids), 1, height_ratios=heights)
    for index, (grid, title) in enumerate(zip(grids, titles)):
        axes = figure.add_subplot(layout[index])
        axes.imshow(grid, aspect="auto", cmap="viridis")
        axes.set_axis_off()
        if title:
            axes.set_title(title)
    save_png(figure, path)
    return grids
