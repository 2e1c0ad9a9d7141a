"""sample / reweight_distribution: the book's temperature reweighting and one multinomial draw."""
import numpy as np
import pytest
import torch

from lamina.utils import reweight_distribution, sample


def _entropy(p):
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def test_reweighting_is_the_books_formula_and_orders_entropy():
    p = np.array([0.5, 0.3, 0.15, 0.05])
    for t in (0.2, 0.5, 1.0, 1.2, 3.0):
        expected = np.exp(np.log(p) / t)
        np.testing.assert_allclose(reweight_distribution(p, t), expected / expected.sum(), rtol=1e-12)
    entropies = [_entropy(reweight_distribution(p, t)) for t in (0.2, 0.5, 1.0, 1.2)]
    assert entropies == sorted(entropies) and entropies[0] < entropies[-1]
    assert all(np.argmax(reweight_distribution(p, t)) == 0 for t in (0.1, 1.0, 10.0))


def test_sample_frequencies_follow_the_reweighted_distribution():
    p = torch.tensor([0.5, 0.3, 0.15, 0.05])
    rng = np.random.RandomState(0)
    draws = np.bincount([sample(p, 0.5, rng) for _ in range(4000)], minlength=4) / 4000
    np.testing.assert_allclose(draws, reweight_distribution(p, 0.5), atol=0.03)
    assert sample([0.0, 0.0, 1.0], 1.0) == 2  # zero probabilities are never drawn


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="temperature must be a positive number; received temperature=0"):
        sample([0.5, 0.5], 0)
    with pytest.raises(ValueError, match="non-negative probabilities"):
        sample([[0.5, 0.5]], 1.0)
