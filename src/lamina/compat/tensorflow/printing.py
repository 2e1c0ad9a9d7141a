"""``tf.print``: print tensors as their values, the way TensorFlow prints them (to stderr by default).

Example:
    >>> print(torch.tensor([1.0, 2.0]), "done", output_stream=sys.stdout)
    [1 2] done
"""
import builtins
import sys

import numpy as np
import torch

from lamina.core.tensors import convert_to_numpy

__all__ = ["print"]


def _text(value, summarize):
    if isinstance(value, torch.Tensor):
        array = convert_to_numpy(value)
        edge = 3 if summarize is None else (array.size if summarize < 0 else summarize)
        return np.array2string(array, threshold=2 * edge, edgeitems=edge, separator=" ",
                               formatter={"float_kind": lambda v: f"{v:g}"})
    return str(value)


def print(*inputs, output_stream=None, summarize=None, sep=" ", end="\n", name=None):
    """Print ``inputs`` to ``output_stream`` (stderr by default); tensors show their values.

    ``summarize``: how many values to show at each end of an axis (-1: all).

    Example:
        >>> print("loss:", torch.tensor(0.5), output_stream=sys.stdout)
        loss: 0.5
    """
    stream = output_stream if hasattr(output_stream, "write") else sys.stderr
    builtins.print(*(_text(v, summarize) for v in inputs), sep=sep, end=end, file=stream)
