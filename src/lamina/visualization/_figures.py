"""Figures drawn on matplotlib's Agg canvas (imported on first use) and written atomically as PNG.

No ``pyplot``: the caller's plotting backend and open figures are left alone.

Example:
    >>> import os, tempfile
    >>> figure = new_figure((2, 1))
    >>> _ = figure.add_subplot().plot([0, 1])
    >>> path = save_png(figure, os.path.join(tempfile.mkdtemp(), "line.png"))
    >>> open(path, "rb").read(4)
    b'\\x89PNG'
"""
import os

import numpy as np
import torch


def new_figure(size_inches, dpi=100):
    """A matplotlib ``Figure`` with an Agg canvas attached."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size_inches, dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def save_png(figure, path):
    """Write ``figure`` to ``path`` as PNG through a temporary file; return the path."""
    from lamina.utils.io_utils import atomic_write

    path = os.fspath(path)
    with atomic_write(path, "wb") as handle:
        figure.savefig(handle, format="png")
    return path


def show_image(figure, image, title=None, **imshow_kwargs):
    """One full-figure axes showing ``image`` (axis ticks off)."""
    axes = figure.add_axes((0.02, 0.02, 0.96, 0.90 if title else 0.96))
    axes.imshow(image, **imshow_kwargs)
    axes.set_axis_off()
    if title:
        axes.set_title(title)
    return axes


def to_numpy(x, what):
    """A float32 NumPy copy of an array, a torch tensor or a nested list (detached from autograd)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    try:
        return np.array(x, dtype="float32")
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be an array or a tensor; received {type(x).__name__}") from error
