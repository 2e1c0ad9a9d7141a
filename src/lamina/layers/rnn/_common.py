"""Helpers shared by the recurrent layers: argument checks, dropout masks, raw activations.

Example:
    >>> check_units(8, "LSTM")
    8
    >>> raw_activation(activations.tanh) is torch.tanh
    True
"""
import torch

from lamina import activations
from lamina.layers.regularization.dropout import SeededNoise

_RAW = {
    activations.tanh: torch.tanh,
    activations.sigmoid: torch.sigmoid,
    activations.relu: torch.relu,
}


def raw_activation(fn):
    """The plain torch function behind a built-in activation (skips the symbolic wrapper in step loops).

    Example:
        >>> raw_activation(activations.sigmoid) is torch.sigmoid
        True
    """
    return _RAW.get(fn, fn)


def check_units(units, owner):
    """``units`` as a positive int, or a ValueError/TypeError naming ``units``.

    Example:
        >>> check_units(0, "GRU")
        Traceback (most recent call last):
        ...
        ValueError: GRU: units must be a positive integer; received units=0
    """
    if isinstance(units, bool) or not hasattr(units, "__index__"):
        raise TypeError(f"{owner}: units must be a positive integer; received units={units!r}")
    if int(units) <= 0:
        raise ValueError(f"{owner}: units must be a positive integer; received units={units!r}")
    return int(units)


def check_dropout(value, name, owner):
    """A dropout fraction in [0, 1), or a ValueError naming the argument.

    Example:
        >>> check_dropout(0.2, "recurrent_dropout", "GRU")
        0.2
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"{owner}: {name} must be a float in [0, 1); received {name}={value!r}")
    return float(value)


class DropoutRNNCell:
    """Mixin giving a cell Keras's per-sequence dropout masks.

    One mask is drawn per call of the recurrent layer and reused at every
    timestep (the same units are dropped along the whole sequence), as Keras
    does. ``count`` masks are drawn when each gate gets its own.

    Example:
        >>> class Cell(DropoutRNNCell):
        ...     dropout, recurrent_dropout, seed = 0.5, 0.0, None
        >>> masks = Cell().dropout_masks(torch.ones(2, 3), 0.5, 1)
        >>> sorted(set(masks[0].flatten().tolist())) <= [0.0, 2.0]
        True
    """

    def dropout_masks(self, step_input, rate, count):
        """``count`` scaled keep-masks shaped like ``step_input`` (``(batch, features)``)."""
        noise = self.__dict__.get("_dropout_noise")
        if noise is None:
            noise = self.__dict__["_dropout_noise"] = SeededNoise(getattr(self, "seed", None))
        generator = noise.generator(step_input.device)
        masks = []
        for _ in range(count):
            keep = torch.empty(step_input.shape, dtype=step_input.dtype, device=step_input.device)
            keep.bernoulli_(1 - rate, generator=generator)
            masks.append(keep.div_(1 - rate))
        return masks

    def get_dropout_mask(self, step_input):
        """The input dropout mask(s) for ``step_input``, drawn once and reused until reset (``None`` without dropout)."""
        if not self.dropout:
            return None
        if self.__dict__.get("_dropout_mask") is None:
            masks = self.dropout_masks(step_input, self.dropout, getattr(self, "dropout_mask_count", 1))
            self.__dict__["_dropout_mask"] = masks[0] if len(masks) == 1 else masks
        return self.__dict__["_dropout_mask"]

    def get_recurrent_dropout_mask(self, step_state):
        """The recurrent dropout mask(s) for states like ``step_state``, drawn once and reused until reset."""
        if not self.recurrent_dropout:
            return None
        if self.__dict__.get("_recurrent_dropout_mask") is None:
            masks = self.dropout_masks(step_state, self.recurrent_dropout, getattr(self, "dropout_mask_count", 1))
            self.__dict__["_recurrent_dropout_mask"] = masks[0] if len(masks) == 1 else masks
        return self.__dict__["_recurrent_dropout_mask"]

    def reset_dropout_mask(self):
        """Forget the cached input mask (the recurrent layer does this after every call)."""
        self.__dict__["_dropout_mask"] = None

    def reset_recurrent_dropout_mask(self):
        """Forget the cached recurrent mask."""
        self.__dict__["_recurrent_dropout_mask"] = None
