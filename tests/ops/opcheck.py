"""Helpers for the differential tests of lamina.ops against keras.ops (torch backend)."""
import numpy as np
import torch


def to_numpy(x):
    """Tensors, numbers and (nested) tuples/lists of them as NumPy arrays / lists of arrays."""
    if isinstance(x, (tuple, list)) and not isinstance(x, torch.Size):
        return [to_numpy(v) for v in x]
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu()
        return (x.float() if x.dtype == torch.bfloat16 else x).numpy()
    return np.asarray(x)


def assert_same(actual, expected, rtol=1e-6, atol=1e-6):
    """Same structure, dtypes, shapes; exact for ints/bools, within tolerance for floats."""
    actual, expected = to_numpy(actual), to_numpy(expected)
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (type(actual), len(expected))
        for a, e in zip(actual, expected):
            assert_same(a, e, rtol, atol)
        return
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != keras {expected.dtype}"
    assert actual.shape == expected.shape, f"shape {actual.shape} != keras {expected.shape}"
    if actual.dtype.kind in "biuU":
        np.testing.assert_array_equal(actual, expected)
    else:
        if actual.dtype == np.float16:
            rtol, atol = max(rtol, 1e-3), max(atol, 1e-3)
        np.testing.assert_allclose(actual.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol)


class Inputs:
    """Deterministic random arrays of a given dtype."""

    def __init__(self, seed=0):
        self.rng = np.random.RandomState(seed)

    def __call__(self, dtype="float32", shape=(3, 4), positive=False):
        if dtype == "bool":
            return self.rng.rand(*shape) > 0.5
        if dtype.startswith("float"):
            values = self.rng.randn(*shape)
            return (np.abs(values) + 0.1 if positive else values).astype(dtype)
        low = 1 if positive else (0 if dtype.startswith("uint") else -5)
        return self.rng.randint(low, 10, shape).astype(dtype)
