"""Gradients of lamina.ops: finite differences (torch.autograd.gradcheck, float64) and Keras's autograd."""
import numpy as np
import pytest
import torch

from lamina import ops

rng = np.random.RandomState(2)


def _t(*shape, positive=False):
    values = rng.randn(*shape)
    if positive:
        values = np.abs(values) + 0.5
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


GRAD_CASES = [
    ("add", lambda a, b: ops.add(a, b), (3, 4), (4,)),
    ("multiply", lambda a, b: ops.multiply(a, b), (3, 4), (3, 1)),
    ("divide", lambda a, b: ops.divide(a, b), (3, 4), "positive"),
    ("power", lambda a: ops.power(a, 3), "positive"),
    ("matmul", lambda a, b: ops.matmul(a, b), (2, 3, 4), (4, 2)),
    ("einsum", lambda a, b: ops.einsum("bij,bjk->bik", a, b), (2, 3, 4), (2, 4, 2)),
    ("tensordot", lambda a, b: ops.tensordot(a, b, axes=1), (3, 4), (4, 2)),
    ("mean", lambda a: ops.mean(a, axis=(0, 2)), (2, 3, 4)),
    ("var", lambda a: ops.var(a, axis=1), (3, 5)),
    ("std", lambda a: ops.std(a), (3, 5)),
    ("max", lambda a: ops.max(a, axis=1), (3, 5)),
    ("logsumexp", lambda a: ops.logsumexp(a, axis=-1), (3, 5)),
    ("norm", lambda a: ops.norm(a, axis=-1), (3, 5)),
    ("cumsum", lambda a: ops.cumsum(a, axis=1), (3, 5)),
    ("cumprod", lambda a: ops.cumprod(a, axis=1), (3, 5)),
    ("sqrt", lambda a: ops.sqrt(a), "positive"),
    ("rsqrt", lambda a: ops.rsqrt(a), "positive"),
    ("log", lambda a: ops.log(a), "positive"),
    ("exp", lambda a: ops.exp(a), (3, 4)),
    ("tanh", lambda a: ops.tanh(a), (3, 4)),
    ("sigmoid", lambda a: ops.sigmoid(a), (3, 4)),
    ("softplus", lambda a: ops.softplus(a), (3, 4)),
    ("softmax", lambda a: ops.softmax(a, axis=(0, 1)), (3, 4)),
    ("log_softmax", lambda a: ops.log_softmax(a), (3, 4)),
    ("gelu", lambda a: ops.gelu(a), (3, 4)),
    ("elu", lambda a: ops.elu(a), (3, 4)),
    ("selu", lambda a: ops.selu(a), (3, 4)),
    ("mish", lambda a: ops.mish(a), (3, 4)),
    ("where", lambda a, b: ops.where(a > 0, a, b), (3, 4), (3, 4)),
    ("take", lambda a: ops.take(a, [2, 0, 2], axis=1), (3, 4)),
    ("take_along_axis", lambda a: ops.take_along_axis(a, torch.tensor([[1], [0], [3]]), axis=1), (3, 4)),
    ("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), (3, 4), (3, 2)),
    ("pad", lambda a: ops.pad(a, ((1, 0), (2, 1)), mode="reflect"), (3, 4)),
    ("scatter_update", lambda a, b: ops.scatter_update(a, [[0, 1], [2, 3]], b), (3, 4), (2,)),
    ("slice_update", lambda a, b: ops.slice_update(a, (1, 1), b), (3, 4), (2, 2)),
    ("segment_sum", lambda a: ops.segment_sum(a, torch.tensor([0, 1, 0]), num_segments=2), (3, 4)),
    ("batch_normalization", lambda a, m, v: ops.batch_normalization(a, m, v, axis=-1), (3, 4), (4,), "positive4"),
    ("normalize", lambda a: ops.normalize(a), (3, 4)),
    ("categorical_crossentropy", lambda a: ops.categorical_crossentropy(torch.eye(4, dtype=torch.float64)[:3], a,
                                                                        from_logits=True), (3, 4)),
    ("sparse_categorical_crossentropy", lambda a: ops.sparse_categorical_crossentropy([1, 0, 3], a, from_logits=True),
     (3, 4)),
    ("binary_crossentropy", lambda a: ops.binary_crossentropy(torch.ones(3, 4, dtype=torch.float64) * 0.3, a,
                                                              from_logits=True), (3, 4)),
    ("dot_product_attention", lambda q, k, v: ops.dot_product_attention(q, k, v), (1, 3, 2, 4), (1, 5, 2, 4),
     (1, 5, 2, 4)),
    ("depthwise_conv", lambda a, k: ops.depthwise_conv(a, k, padding="same"), (1, 5, 5, 2), (3, 3, 2, 2)),
    ("max_pool", lambda a: ops.max_pool(a, 2), (1, 4, 4, 2)),
]


def _inputs(specs):
    tensors = []
    for spec in specs:
        if spec == "positive":
            tensors.append(_t(3, 4, positive=True))
        elif spec == "positive4":
            tensors.append(_t(4, positive=True))
        else:
            tensors.append(_t(*spec))
    return tensors


@pytest.mark.parametrize("name,fn,specs", [(c[0], c[1], c[2:]) for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradient_matches_finite_differences(name, fn, specs):
    assert torch.autograd.gradcheck(fn, tuple(_inputs(specs)), eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("name,kwargs", [
    ("softmax", {}), ("gelu", {}), ("logsumexp", {"axis": -1}), ("norm", {"axis": -1}), ("std", {"axis": 0}),
    ("normalize", {}), ("log_softmax", {}), ("relu6", {}), ("hard_sigmoid", {}), ("silu", {}),
])
def test_gradient_matches_keras_autograd(keras, name, kwargs):
    values = rng.randn(4, 5).astype("float32") * 3
    ours = torch.tensor(values, requires_grad=True)
    theirs = torch.tensor(values, requires_grad=True)
    weights = torch.tensor(rng.randn(*getattr(ops, name)(ours, **kwargs).shape).astype("float32"))
    (getattr(ops, name)(ours, **kwargs) * weights).sum().backward()
    (getattr(keras.ops, name)(theirs, **kwargs) * weights).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)
