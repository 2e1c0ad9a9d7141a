"""lamina.ops nn ops (activations, convolution, pooling, losses, attention, resize) against keras.ops."""
import numpy as np
import pytest
import torch

from lamina import ops
from opcheck import Inputs, assert_same

make = Inputs(1)


def _conv_cases():
    cases = []
    for n in (1, 2, 3):
        spatial = (7,) * n if n < 3 else (5, 6, 7)
        for data_format in ("channels_last", "channels_first"):
            shape = (2,) + spatial + (3,) if data_format == "channels_last" else (2, 3) + spatial
            x = make("float32", shape)
            for size, strides, padding, dilation in [(3, 1, "valid", 1), (3, 2, "same", 1), (2, 2, "same", 1),
                                                     (3, 1, "same", 2), (4, 3, "same", 1), (2, 1, "valid", 2)]:
                common = dict(strides=strides, padding=padding, data_format=data_format, dilation_rate=dilation)
                cases.append(("conv", (x, make("float32", (size,) * n + (3, 4))), common))
                depthwise = make("float32", (size,) * n + (3, 2))
                cases.append(("depthwise_conv", (x, depthwise), common))
                if n == 2:
                    cases.append(("separable_conv", (x, depthwise, make("float32", (1, 1, 6, 5))), common))
                transpose_kernel = make("float32", (size,) * n + (5, 3))
                for output_padding in (None, 0, 1):
                    if output_padding is None or output_padding < max(strides, dilation):
                        cases.append(("conv_transpose", (x, transpose_kernel), dict(common, output_padding=output_padding)))
        cases.append(("conv", (make("float32", (2,) + spatial + (3,)), make("float32", (3,) * n + (1, 6))), {}))  # grouped
    return cases


def _pool_cases():
    cases = []
    for n in (1, 2):  # all these 'same' paddings are symmetric: Keras-on-torch is exact there
        for data_format in ("channels_last", "channels_first"):
            x = make("float32", (2,) + (7,) * n + (3,) if data_format == "channels_last" else (2, 3) + (7,) * n)
            for size, strides, padding in [(2, None, "valid"), (3, 2, "same"), (2, 1, "same"), (3, 1, "same"),
                                           (2, 2, "same"), (3, 3, "same"), (4, 2, "valid")]:
                kwargs = dict(strides=strides, padding=padding, data_format=data_format)
                cases.append(("max_pool", (x, size), kwargs))
                cases.append(("average_pool", (x, size), kwargs))
    return cases


@pytest.mark.parametrize("name,args,kwargs", _conv_cases() + _pool_cases(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_convolution_and_pooling_match_keras(keras, name, args, kwargs):
    expected = getattr(keras.ops, name)(*args, **kwargs)
    assert_same(getattr(ops, name)(*args, **kwargs), expected, rtol=1e-5, atol=1e-5)


def _numpy_average_pool_same_1d(x, size, stride):
    """TensorFlow's SAME average pooling (padding excluded from the count), channels_last, 1-D."""
    length = x.shape[1]
    out_length = -(-length // stride)
    total = max((out_length - 1) * stride + size - length, 0)
    start = -(total // 2)
    out = np.zeros((x.shape[0], out_length, x.shape[2]), np.float32)
    for i in range(out_length):
        lo, hi = max(start + i * stride, 0), min(start + i * stride + size, length)
        out[:, i] = x[:, lo:hi].mean(axis=1)
    return out


@pytest.mark.parametrize("length,size,stride", [(6, 3, 2), (5, 3, 3), (8, 4, 3), (6, 2, 1)])
def test_average_pool_same_excludes_padding_even_when_asymmetric(length, size, stride):
    # Keras-on-torch replicates edge values into asymmetric padding; TensorFlow/JAX exclude padding
    x = make("float32", (2, length, 3))
    np.testing.assert_allclose(ops.average_pool(x, size, stride, "same").numpy(),
                               _numpy_average_pool_same_1d(x, size, stride), rtol=1e-6, atol=1e-6)


def test_max_pool_same_with_asymmetric_padding_ignores_padding():
    x = -np.abs(make("float32", (1, 6, 1))) - 1  # all negative: zero padding would win a max
    out = ops.max_pool(x, 3, 2, "same")[0, :, 0].numpy()
    np.testing.assert_allclose(out, [x[0, 0:3, 0].max(), x[0, 2:5, 0].max(), x[0, 4:6, 0].max()])  # padding (0, 1)


p = np.abs(make("float32", (4, 5))) + 0.05
p = p / p.sum(-1, keepdims=True)
t = np.eye(5, dtype="float32")[[0, 2, 4, 1]]
logits = make("float32", (4, 5))
y = make("float32", (2, 3, 4))
NN_CASES = [
    ("binary_crossentropy", (t, p), {}), ("binary_crossentropy", (t, logits), {"from_logits": True}),
    ("categorical_crossentropy", (t, p), {}), ("categorical_crossentropy", (t, logits), {"from_logits": True}),
    ("categorical_crossentropy", (t.T, logits.T), {"from_logits": True, "axis": 0}),
    ("sparse_categorical_crossentropy", (np.array([0, 2, 4, 1]), p), {}),
    ("sparse_categorical_crossentropy", (np.array([0, 2, 4, 1]), logits), {"from_logits": True}),
    ("sparse_categorical_crossentropy", (np.array([[0], [2], [4], [1]]), logits), {"from_logits": True}),
    ("sparse_categorical_crossentropy", (np.array([0, 2, 4, 1]), logits.T), {"from_logits": True, "axis": 0}),
    ("sparse_categorical_crossentropy", (np.array([[0, 2], [4, 1]]), make("float32", (2, 2, 5))), {"from_logits": True}),
    ("ctc_loss", (np.array([[1, 2, 0], [3, 3, 1]]), make("float32", (2, 8, 5)), np.array([2, 3]), np.array([8, 6])), {}),
    ("dot_product_attention", (make("float32", (2, 4, 3, 8)), make("float32", (2, 6, 3, 8)), make("float32", (2, 6, 3, 8))), {}),
    ("dot_product_attention", (make("float32", (2, 4, 6, 8)), make("float32", (2, 6, 2, 8)), make("float32", (2, 6, 2, 8))),
     {"scale": 0.5}),
    ("dot_product_attention", (make("float32", (2, 6, 3, 8)), make("float32", (2, 6, 3, 8)), make("float32", (2, 6, 3, 8))),
     {"is_causal": True}),
    ("dot_product_attention", (make("float32", (2, 4, 3, 8)), make("float32", (2, 6, 3, 8)), make("float32", (2, 6, 3, 8))),
     {"mask": make("bool", (2, 1, 4, 6))}),
    ("dot_product_attention", (make("float32", (2, 6, 3, 8)), make("float32", (2, 6, 3, 8)), make("float32", (2, 6, 3, 8))),
     {"mask": make("bool", (2, 1, 6, 6)), "is_causal": True}),
    ("dot_product_attention", (make("float32", (2, 4, 3, 8)), make("float32", (2, 6, 3, 8)), make("float32", (2, 6, 3, 8))),
     {"bias": make("float32", (2, 3, 4, 6))}),
    ("softmax", (y,), {"axis": 1}), ("softmax", (y,), {"axis": (1, 2)}), ("softmax", (y,), {"axis": None}),
    ("log_softmax", (y,), {"axis": 0}), ("softmax", (y.astype("float16"),), {}),
    ("leaky_relu", (y,), {}), ("leaky_relu", (y,), {"negative_slope": 0.1}), ("elu", (y,), {"alpha": 0.5}),
    ("gelu", (y,), {"approximate": False}), ("glu", (y,), {}), ("celu", (y,), {"alpha": 2.0}),
    ("soft_shrink", (y,), {}), ("hard_shrink", (y,), {"threshold": 0.3}), ("squareplus", (y,), {}),
    ("sparse_plus", (y,), {}), ("threshold", (y, 0.2, -1.0), {}), ("silu", (y,), {}), ("swish", (y,), {}),
    ("hard_swish", (y,), {}),
    ("moments", (y, (0, 1)), {}), ("moments", (y, [2]), {"keepdims": True}), ("moments", (y.astype("float16"), 0), {}),
    ("batch_normalization", (y, y[0, 0], np.abs(y[0, 1]), -1), {}),
    ("batch_normalization", (y, y[0, 0], np.abs(y[0, 1]), 2), {"offset": y[1, 0], "scale": y[1, 1], "epsilon": 0.01}),
    ("batch_normalization", (y, y[0, :, 0], np.abs(y[0, :, 1]), 1), {}),
    ("normalize", (y,), {}), ("normalize", (y,), {"axis": 1, "order": 1}), ("normalize", (y,), {"order": 3}),
    ("one_hot", (np.array([1, 0]), 4), {"dtype": "float16"}),
]


@pytest.mark.parametrize("name,args,kwargs", NN_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(NN_CASES)])
def test_nn_op_matches_keras(keras, name, args, kwargs):
    expected = getattr(keras.ops, name)(*args, **kwargs)
    assert_same(getattr(ops, name)(*args, **kwargs), expected, rtol=1e-5, atol=1e-6)


def test_mish_is_x_tanh_softplus(keras):
    assert_same(ops.mish(y), keras.activations.mish(torch.as_tensor(y)))


def _resize_cases():
    image = make("float32", (2, 6, 8, 3))
    image8 = (np.abs(make("float32", (2, 6, 8, 3))) * 50).astype("uint8")
    cases = []
    for interpolation in ("bilinear", "nearest", "bicubic"):
        for size in ((12, 16), (3, 4), (5, 7)):
            cases.append(((image, size), {"interpolation": interpolation}))
            cases.append(((image8, size), {"interpolation": interpolation}))
            cases.append(((image, size), {"interpolation": interpolation, "antialias": True}))
        cases.append(((image[0], (4, 4)), {"interpolation": interpolation, "crop_to_aspect_ratio": True}))
        cases.append(((image[0], (4, 4)), {"interpolation": interpolation, "pad_to_aspect_ratio": True}))
        cases.append(((np.moveaxis(image, -1, 1), (5, 7)), {"interpolation": interpolation, "data_format": "channels_first"}))
    return cases


@pytest.mark.parametrize("args,kwargs", _resize_cases())
def test_image_resize_matches_keras(keras, args, kwargs):
    assert_same(ops.image.resize(*args, **kwargs), keras.ops.image.resize(*args, **kwargs), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_conv_gradient_matches_finite_differences(dtype):
    x = torch.tensor(make("float64", (1, 5, 5, 2)), dtype=torch.float64, requires_grad=True)
    kernel = torch.tensor(make("float64", (3, 3, 2, 3)), dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, k: ops.conv(a, k, strides=2, padding="same"), (x, kernel))
    assert torch.autograd.gradcheck(lambda a, k: ops.conv_transpose(a, k.permute(0, 1, 3, 2), 2, "same"), (x, kernel))
    assert torch.autograd.gradcheck(lambda a: ops.average_pool(a, 3, 2, "same"), (x,))
