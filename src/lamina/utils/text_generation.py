"""Sampling the next token from a predicted distribution, reweighted by a softmax temperature.

The book's recipe (section 8.1): ``p_T ~ exp(log(p) / T)``, then one multinomial draw.
Low temperatures sharpen the distribution (repetitive, predictable text), high ones
flatten it (surprising, less coherent text); ``T = 1`` keeps it unchanged.

Example:
    >>> reweight_distribution([0.5, 0.3, 0.2], temperature=1.0).round(3).tolist()
    [0.5, 0.3, 0.2]
    >>> int(sample([0.0, 1.0, 0.0], temperature=0.5))
    1
"""
import numpy as np
import torch


def reweight_distribution(original_distribution, temperature=0.5):
    """``original_distribution`` reweighted by ``temperature``: ``exp(log(p) / T)``, normalized (float64).

    Example:
        >>> reweight_distribution([0.8, 0.2], temperature=0.5).round(3).tolist()
        [0.941, 0.059]
    """
    if isinstance(original_distribution, torch.Tensor):
        original_distribution = original_distribution.detach().cpu().numpy()
    p = np.asarray(original_distribution, dtype="float64")
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not temperature > 0:
        raise ValueError(f"reweight_distribution: temperature must be a positive number; received "
                         f"temperature={temperature!r}")
    if p.ndim != 1 or p.size == 0 or np.any(p < 0) or not np.isfinite(p).all() or p.sum() <= 0:
        raise ValueError("reweight_distribution: expected a 1-D array of non-negative probabilities with a "
                         f"positive sum; received shape {p.shape} with values {p[:5].tolist()}...")
    with np.errstate(divide="ignore"):
        logits = np.log(p) / temperature
    logits -= logits.max()
    weights = np.exp(logits)
    return weights / weights.sum()


def sample(preds, temperature=1.0, rng=None):
    """Draw one index from ``preds`` (probabilities, e.g. a softmax output) reweighted by ``temperature``.

    Args:
        preds: 1-D probabilities (NumPy array, list or tensor).
        temperature: softmax temperature (> 0).
        rng: a ``numpy.random.Generator``/``RandomState``; NumPy's global generator by default
            (seeded by ``lamina.utils.set_random_seed``).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> counts = np.bincount([sample([0.6, 0.4], 1.0, rng) for _ in range(2000)], minlength=2) / 2000
        >>> bool(abs(counts[0] - 0.6) < 0.05)
        True
    """
    probabilities = reweight_distribution(preds, temperature)
    draw = (rng if rng is not None else np.random).multinomial(1, probabilities, 1)
    return int(np.argmax(draw))
