"""Seeing what convnets learn (the book's chapter 5): activations, filter patterns, Grad-CAM heatmaps.

* :func:`activation_model` / :func:`plot_activation_grid`: intermediate activations, every channel;
* :func:`filter_pattern` / :func:`plot_filter_patterns`: each filter's preferred input, by gradient ascent;
* :func:`grad_cam` / :func:`overlay_heatmap`: where in an image the evidence for a class lies.

The ``plot_*`` and ``overlay_*`` functions write PNG files with matplotlib's Agg canvas (no
``pyplot``, so the caller's backend is untouched). See ``docs/applications.md``.

Example:
    >>> from lamina import visualization
    >>> sorted(name for name in visualization.__all__ if name.startswith("plot"))
    ['plot_activation_grid', 'plot_filter_patterns']
"""
from lamina.visualization.activations import activation_model, channel_grid, plot_activation_grid
from lamina.visualization.filters import deprocess_image, filter_pattern, gradient_ascent, plot_filter_patterns
from lamina.visualization.grad_cam import grad_cam, overlay_heatmap

__all__ = ["activation_model", "channel_grid", "deprocess_image", "filter_pattern", "grad_cam", "gradient_ascent",
           "overlay_heatmap", "plot_activation_grid", "plot_filter_patterns"]
