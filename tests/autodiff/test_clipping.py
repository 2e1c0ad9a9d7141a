"""clip_by_value / clip_by_norm / clip_by_global_norm against TensorFlow's documented formulas."""
import numpy as np
import pytest
import torch

from lamina import ops
from lamina.autodiff import GradientTape, clip_by_global_norm, clip_by_norm, clip_by_value, global_norm
from lamina.core.variable import Variable

rng = np.random.RandomState(3)


def test_seed004_clip_by_value():
    a = torch.tensor([[0.1, 0.45, 0.9], [0.6, -1.0, 0.5]])
    np.testing.assert_allclose(clip_by_value(a, 0.4, 0.6).numpy(), [[0.4, 0.45, 0.6], [0.6, 0.4, 0.5]])


def test_clip_by_value_with_tensor_bounds_and_its_gradient():
    t = Variable([-2.0, 0.5, 3.0, 1.0])
    low, high = torch.tensor([0.0, 0.0, 0.0, 1.0]), torch.tensor(2.0)
    with GradientTape() as tape:
        out = clip_by_value(t, low, high)
    assert out.tolist() == [0.0, 0.5, 2.0, 1.0]
    assert tape.gradient(ops.sum(out), t).tolist() == [0.0, 1.0, 0.0, 1.0]  # TF: gradient passes at the bounds


def test_clip_by_value_rejects_an_empty_interval():
    with pytest.raises(ValueError, match="clip_value_min=1.0 is greater than clip_value_max=0.5"):
        clip_by_value(torch.ones(2), 1.0, 0.5)


def _tf_clip_by_norm(t, clip_norm, axes=None):
    norm = np.sqrt(np.sum(t * t, axis=None if axes is None else tuple(axes), keepdims=True))
    return t * clip_norm / np.maximum(norm, clip_norm)


def test_seed004_clip_by_norm():
    clipped = clip_by_norm(torch.tensor([3.0, 4.0]), 0.5)
    np.testing.assert_allclose(clipped.numpy(), [0.3, 0.4], rtol=1e-6)
    np.testing.assert_allclose(float(ops.norm(clipped)), 0.5, rtol=1e-6)
    small = torch.tensor([0.1, 0.2])
    np.testing.assert_allclose(clip_by_norm(small, 0.5).numpy(), small.numpy())


@pytest.mark.parametrize("axes", [None, [1], [0], (0, 2)])
@pytest.mark.parametrize("clip_norm", [0.5, 3.0, 100.0])
def test_clip_by_norm_is_tf_formula(axes, clip_norm):
    t = rng.randn(3, 4, 2).astype("float32") if axes == (0, 2) else rng.randn(3, 4).astype("float32")
    np.testing.assert_allclose(clip_by_norm(t, clip_norm, axes=axes).numpy(), _tf_clip_by_norm(t, clip_norm, axes),
                               rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(clip_by_norm(t, torch.tensor(clip_norm), axes=axes).numpy(),
                               _tf_clip_by_norm(t, clip_norm, axes), rtol=1e-6, atol=1e-7)


def test_clip_by_norm_of_zero_has_a_finite_gradient():
    t = Variable([0.0, 0.0])
    with GradientTape() as tape:
        out = clip_by_norm(t, 1.0)
    assert out.tolist() == [0.0, 0.0]
    assert torch.isfinite(tape.gradient(ops.sum(out), t)).all()


def test_seed004_clip_by_global_norm():
    w1 = torch.tensor([[3.0, 0.0], [0.0, 4.0]])
    w2 = torch.tensor([12.0])
    (c1, c2), norm = clip_by_global_norm([w1, w2], 2)
    assert float(norm) == pytest.approx(13.0)
    np.testing.assert_allclose(c1.numpy(), w1.numpy() * 2 / 13, rtol=1e-6)
    np.testing.assert_allclose(c2.numpy(), w2.numpy() * 2 / 13, rtol=1e-6)
    assert float(global_norm([c1, c2])) == pytest.approx(2.0, abs=1e-5)
    (u1, u2), _ = clip_by_global_norm([w1 / 100, w2 / 100], 2)
    np.testing.assert_allclose(u1.numpy(), w1.numpy() / 100, rtol=1e-6)


def test_clip_by_global_norm_keeps_none_uses_given_norm_and_flags_infinite_norms():
    a, b = torch.tensor([6.0]), torch.tensor([8.0])
    clipped, norm = clip_by_global_norm([a, None, b], 5.0)
    assert clipped[1] is None and float(norm) == 10.0 and clipped[0].tolist() == [3.0] and clipped[2].tolist() == [4.0]
    clipped, norm = clip_by_global_norm([a, b], 5.0, use_norm=torch.tensor(20.0))
    assert float(norm) == 20.0 and clipped[0].tolist() == [1.5]
    clipped, norm = clip_by_global_norm([torch.tensor([float("inf"), 1.0]), b], 5.0)
    assert torch.isinf(norm) and all(torch.isnan(t).all() for t in clipped)
    with pytest.raises(TypeError, match="t_list must be a list or tuple of tensors; received Tensor"):
        clip_by_global_norm(a, 1.0)


def test_clip_by_global_norm_of_real_gradients_in_a_training_step():
    w = Variable(torch.randn(4, 4, generator=torch.Generator().manual_seed(1)) * 10)
    b = Variable(torch.zeros(4))
    x = torch.randn(8, 4, generator=torch.Generator().manual_seed(2)) * 10
    with GradientTape() as tape:
        loss = ops.sum(ops.square(x @ w + b))
    grads = tape.gradient(loss, [w, b])
    clipped, before = clip_by_global_norm(grads, 2)
    assert float(before) > 2
    assert float(global_norm(clipped)) == pytest.approx(2.0, abs=1e-4)
    for g, c in zip(grads, clipped):  # same direction
        np.testing.assert_allclose((c / g).numpy(), np.full(g.shape, 2 / float(before)), rtol=1e-5)
