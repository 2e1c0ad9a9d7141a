"""Helpers for the differential tests: build the same recurrent layer in Keras and lamina, copy weights, compare."""
import numpy as np
import torch


def to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def outputs_list(out):
    return [to_numpy(o) for o in out] if isinstance(out, (list, tuple)) else [to_numpy(out)]


def assert_close_outputs(ours, theirs, atol=1e-5):
    ours, theirs = outputs_list(ours), outputs_list(theirs)
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    for index, (a, b) in enumerate(zip(ours, theirs)):
        assert a.shape == b.shape, (index, a.shape, b.shape)
        np.testing.assert_allclose(a, b, atol=atol, rtol=1e-5, err_msg=f"output {index}")


def masks(batch, steps, kind, seed=0):
    """Boolean masks (batch, steps): right/left padded (one contiguous block per row) or scattered holes."""
    rng = np.random.RandomState(seed)
    lengths = rng.randint(1, steps + 1, size=batch)
    lengths[0] = steps
    positions = np.arange(steps)[None, :]
    if kind == "right":
        return positions < lengths[:, None]
    if kind == "left":
        return positions >= (steps - lengths)[:, None]
    if kind == "holes":
        mask = rng.rand(batch, steps) > 0.3
        mask[:, 0] = True
        return mask
    if kind == "with_empty":
        mask = positions < lengths[:, None]
        mask[1] = False
        return mask
    raise ValueError(kind)
