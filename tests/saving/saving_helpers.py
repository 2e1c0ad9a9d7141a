"""Helpers shared by the saving tests (imported as ``saving_helpers``)."""
import numpy as np
import torch


def assert_same_predictions(a, b, *inputs):
    """Both models give bit-for-bit identical outputs on ``inputs``."""
    out_a = a.predict(*inputs, verbose=0)
    out_b = b.predict(*inputs, verbose=0)
    flat_a = out_a if isinstance(out_a, (list, tuple)) else list(out_a.values()) if isinstance(out_a, dict) else [out_a]
    flat_b = out_b if isinstance(out_b, (list, tuple)) else list(out_b.values()) if isinstance(out_b, dict) else [out_b]
    assert len(flat_a) == len(flat_b)
    for x, y in zip(flat_a, flat_b):
        np.testing.assert_array_equal(x, y)


def assert_same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


def randomize(model, seed=0):
    """Give every float weight random values (so a loader that ignores the file cannot pass by accident)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for w in model.weights:
            if w.is_floating_point():
                w.copy_(torch.rand(w.shape, generator=gen, dtype=w.dtype) + 0.5)
