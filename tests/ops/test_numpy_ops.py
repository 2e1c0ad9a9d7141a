"""lamina.ops (numpy-like ops) against keras.ops on the torch backend: values, shapes and dtypes.

Where lamina deliberately differs from Keras-on-torch (NumPy's semantics where Keras's torch backend
deviates from its own docs and from its other backends), the test at the bottom compares with NumPy
and says why.
"""
import itertools

import numpy as np
import pytest
import torch

from lamina import ops
from opcheck import Inputs, assert_same

make = Inputs(0)
DTYPES = ["float32", "int32", "bool", "float16", "uint8", "int8"]
POSITIVE = {"sqrt", "rsqrt", "log", "log1p", "log2", "log10", "reciprocal"}
UNARY = (
    "negative reciprocal square sqrt rsqrt exp expm1 log log1p log2 log10 abs absolute sign floor ceil round "
    "trunc cos sin tan tanh arctan cosh sinh arcsinh erf isnan isinf isfinite logical_not zeros_like ones_like "
    "copy ravel cumsum cumprod sort argsort argmax argmin sum mean max min prod std var all any logsumexp flip "
    "transpose norm cbrt deg2rad rad2deg exp2 relu relu6 sigmoid softplus softsign silu log_sigmoid hard_sigmoid "
    "hard_silu elu selu gelu celu hard_tanh tanh_shrink softmax log_softmax"
).split()


def _call_both(keras, name, args, kwargs, lamina_fn=None, keras_fn=None):
    keras_fn = keras_fn or getattr(keras.ops, name)
    lamina_fn = lamina_fn or getattr(ops, name)
    try:
        expected = keras_fn(*args, **kwargs)
    except Exception:  # Keras-on-torch cannot do it (e.g. softmax of ints); lamina must still be sane
        try:
            out = lamina_fn(*args, **kwargs)
        except Exception:
            return None, None
        assert isinstance(out, torch.Tensor)
        return None, None
    return lamina_fn(*args, **kwargs), expected


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_match_keras_for_every_dtype(keras, name, dtype):
    x = make(dtype, positive=name in POSITIVE)
    for value in (x, torch.as_tensor(x)):
        actual, expected = _call_both(keras, name, (value,), {})
        if expected is not None:
            assert_same(actual, expected)


REDUCTIONS = "sum mean max min prod std var all any argmax argmin logsumexp cumsum cumprod sort argsort norm".split()
SINGLE_AXIS_ONLY = {"cumsum", "cumprod", "sort", "argsort", "argmax", "argmin"}


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_over_axes_match_keras(keras, name, dtype):
    x = make(dtype, (2, 3, 4))
    kwargs_list = [{"axis": 0}, {"axis": -1}, {"axis": 1}]
    if name not in SINGLE_AXIS_ONLY:
        kwargs_list += [{"axis": (0, 2)}, {"axis": 1, "keepdims": True}]
    if name in ("sum", "mean", "max", "min", "all", "any", "var"):
        kwargs_list.append({"axis": ()})
    for kwargs in kwargs_list:
        actual, expected = _call_both(keras, name, (x,), kwargs)
        if expected is not None:
            assert_same(actual, expected)


BINARY = (
    "add subtract multiply divide true_divide floor_divide mod power maximum minimum equal not_equal greater "
    "greater_equal less less_equal logical_and logical_or logical_xor arctan2 logaddexp hypot divide_no_nan fmod "
    "matmul dot outer inner isclose"
).split()
DIVISORS = {"floor_divide", "mod", "fmod", "divide", "true_divide", "divide_no_nan", "power"}


@pytest.mark.parametrize("dtypes", list(itertools.product(DTYPES[:4], DTYPES[:4])), ids=lambda d: "-".join(d))
@pytest.mark.parametrize("name", BINARY)
def test_binary_ops_promote_like_keras(keras, name, dtypes):
    first, second = dtypes
    a = make(first, positive=name == "power")
    b = make(second, positive=name in DIVISORS)
    if name in ("matmul", "dot"):
        b = make(second, (4, 3))
    elif name == "inner":
        b = make(second, (5, 4))
    actual, expected = _call_both(keras, name, (a, b), {})
    if expected is not None:
        assert_same(actual, expected)


@pytest.mark.parametrize("scalar", [2, 1.5, True], ids=["int", "float", "bool"])
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool", "float16", "int8"])
@pytest.mark.parametrize("name", [n for n in BINARY if n not in ("matmul", "dot", "outer", "inner")])
def test_python_numbers_are_weakly_typed_on_either_side(keras, name, dtype, scalar):
    x = torch.as_tensor(make(dtype, positive=name == "power"))
    for args in ((x, scalar), (scalar, x), (x.numpy(), scalar)):
        actual, expected = _call_both(keras, name, args, {})
        if expected is not None:
            assert_same(actual, expected)


x = make("float32", (2, 3, 4))
xi = make("int32", (2, 3, 4))
index = np.array([[0, 2], [1, 1]], dtype="int32")
probabilities = np.abs(make("float32", (4, 5))) + 0.05
CASES = [
    ("reshape", (x, (6, 4)), {}), ("reshape", (x, (-1,)), {}), ("reshape", (x, 24), {}),
    ("transpose", (x,), {}), ("transpose", (x, (1, 0, 2)), {}),
    ("expand_dims", (x, 0), {}), ("expand_dims", (x, -1), {}), ("expand_dims", (x, (0, 2)), {}),
    ("squeeze", (x[:1],), {}), ("squeeze", (x[:1], 0), {}),
    ("concatenate", ([x, x],), {"axis": 1}), ("concatenate", ([x, xi],), {"axis": -1}),
    ("stack", ([x, x],), {"axis": 1}), ("stack", ([x, x],), {"axis": -1}),
    ("split", (x, 2), {"axis": 2}), ("split", (x, [1, 3]), {"axis": 2}), ("split", (x, 3), {"axis": 1}),
    ("tile", (x, 2), {}), ("tile", (x, (1, 2, 1)), {}), ("tile", (x, (2, 1, 1, 1)), {}),
    ("repeat", (x, 2), {}), ("repeat", (x, 2), {"axis": 1}), ("repeat", (x, np.array([1, 2, 3])), {"axis": 1}),
    ("take", (x, index), {}), ("take", (x, index), {"axis": 1}), ("take", (x, [0, -1]), {"axis": 2}),
    ("take", (x[0], [0, -1]), {"axis": 0}),
    ("take_along_axis", (x, np.argsort(x, axis=1)), {"axis": 1}),
    ("take_along_axis", (x, np.zeros((2, 1, 4), "int32")), {"axis": 1}),
    ("cumsum", (xi,), {"axis": 1}), ("cumprod", (x,), {"axis": 0}), ("cumsum", (xi,), {"dtype": "float32"}),
    ("top_k", (x, 2), {}), ("top_k", (x, 3), {"sorted": False}),
    ("arange", (5,), {}), ("arange", (1, 7, 2), {}), ("arange", (0.5, 3), {}), ("arange", (5,), {"dtype": "float32"}),
    ("arange", (0, 1, 0.25), {}),
    ("linspace", (0, 1, 5), {}), ("linspace", (0, 1, 5), {"endpoint": False}),
    ("linspace", (2, 10, 4), {"dtype": "int32"}), ("linspace", (np.array([0.0, 1.0]), np.array([1.0, 3.0]), 5), {}),
    ("zeros", ((2, 3),), {}), ("ones", ((2,),), {"dtype": "int32"}), ("full", ((2, 3), 7), {}),
    ("full", ((2, 3), 7.5), {}), ("full", ((2, 3), 2), {"dtype": "int32"}),
    ("full_like", (x, 3), {}), ("full_like", (xi, 3.7), {}), ("zeros_like", (xi,), {"dtype": "float32"}),
    ("eye", (3,), {}), ("eye", (3, 4), {"k": 1}), ("eye", (4, 3), {"k": -1}), ("identity", (3,), {}),
    ("diag", (x[0],), {}), ("diag", (x[0, 0],), {}), ("diag", (x[0], 1), {}), ("triu", (x,), {}),
    ("tril", (x, -1), {}), ("diagonal", (x,), {"axis1": 1, "axis2": 2}),
    ("flip", (x,), {}), ("flip", (x, 1), {}), ("flip", (x, (0, 2)), {}), ("roll", (x, 1), {}), ("roll", (x, -2, 2), {}),
    ("pad", (x, ((0, 0), (1, 2), (2, 1))), {}), ("pad", (x, ((0, 0), (1, 2), (2, 1))), {"constant_values": 3}),
    ("pad", (x, ((0, 0), (1, 2), (2, 1))), {"mode": "reflect"}),
    ("broadcast_to", (x[0, 0], (3, 4)), {}), ("meshgrid", (np.arange(3), np.arange(4)), {}),
    ("meshgrid", (np.arange(3), np.arange(4)), {"indexing": "ij"}),
    ("where", (x > 0, x, 0.0), {}), ("where", (x > 0, xi, x), {}), ("where", (x > 0,), {}), ("where", (x > 0, 1, 0), {}),
    ("clip", (x, -0.5, 0.5), {}), ("clip", (xi, 0, 3), {}), ("clip", (x > 0, 0, 1), {}),
    ("cast", (x, "int32"), {}), ("cast", (xi, "float16"), {}),
    ("convert_to_tensor", ([1, 2],), {}), ("convert_to_tensor", ([1.5, 2],), {}), ("convert_to_tensor", (3,), {}),
    ("convert_to_tensor", (True,), {}), ("convert_to_tensor", (x,), {}), ("convert_to_tensor", ([1, 2],), {"dtype": "float32"}),
    ("einsum", ("ijk,ikl->ijl", x, np.transpose(x, (0, 2, 1))), {}), ("einsum", ("ij->", x[0]), {}),
    ("einsum", ("i,i->", np.array([1, 2], "int8"), np.array([3, 4], "int8")), {}),
    ("tensordot", (x, x, ((1, 2), (1, 2))), {}), ("tensordot", (x[0], x[0].T, 1), {}),
    ("tensordot", (x, np.moveaxis(x, 0, -1), 2), {}),
    ("outer", (x[0, 0], x[0, 1]), {}), ("matmul", (x, np.transpose(x, (0, 2, 1))), {}), ("matmul", (x, x[0, 0]), {}),
    ("matmul", (np.ones((2, 3), "int8"), np.ones((3, 2), "int8")), {}), ("dot", (x, x[0].T), {}), ("dot", (x[0, 0], x[0, 1]), {}),
    ("norm", (x,), {}), ("norm", (x[0],), {"ord": 1}), ("norm", (x[0],), {"ord": "fro"}),
    ("norm", (x,), {"axis": -1, "ord": 1}), ("norm", (x,), {"axis": (1, 2)}), ("norm", (x[0, 0],), {"ord": np.inf}),
    ("scatter", (np.array([[0, 1], [2, 3], [0, 1]]), np.array([1.0, 2.0, 3.0], "float32"), (3, 4)), {}),
    ("scatter", (np.array([[0], [2]]), np.ones((2, 4), "float32"), (3, 4)), {}),
    ("scatter_update", (np.zeros((3, 4), "float32"), np.array([[0, 1], [2, 3]]), np.array([5.0, 6.0], "float32")), {}),
    ("scatter_update", (np.zeros((3, 4), "float32"), np.array([[1]]), np.ones((1, 4), "float32")), {}),
    ("scatter_update", (np.ones((3, 4), "float32"), np.array([[1, 1], [1, 1]]), np.array([5.0, 6.0], "float32")), {"reduction": "add"}),
    ("scatter_update", (np.ones((3, 4), "float32"), np.array([[1, 1], [2, 0]]), np.array([5.0, -6.0], "float32")), {"reduction": "max"}),
    ("slice", (x, (0, 1, 1), (2, 2, 2)), {}), ("slice_update", (x, (0, 1, 1), np.ones((1, 2, 2), "float32")), {}),
    ("segment_sum", (np.arange(6, dtype="float32"), np.array([0, 0, 1, 1, 1, 3])), {}),
    ("segment_sum", (x, np.array([1, 0])), {"num_segments": 3}),
    ("segment_max", (np.arange(6, dtype="float32"), np.array([0, 0, 1, 1, 1, 3])), {}),
    ("moveaxis", (x, 0, -1), {}), ("swapaxes", (x, 0, 2), {}), ("unstack", (torch.as_tensor(x),), {"axis": 1}),
    ("logsumexp", (x,), {"axis": 1}), ("max", (x,), {"axis": 1, "initial": 0.5}), ("min", (x,), {"initial": -0.2}),
    ("round", (x * 10,), {"decimals": -1}), ("round", (x,), {"decimals": 2}), ("round", (xi,), {}),
    ("nan_to_num", (np.array([np.nan, np.inf, -np.inf, 1.0], "float32"),), {}),
    ("isclose", (x, x + 1e-7), {}), ("trace", (x[0],), {}), ("trace", (xi[0],), {}),
    ("searchsorted", (np.array([1.0, 3.0, 5.0], "float32"), np.array([2.0, 5.0, 0.0], "float32")), {}),
    ("searchsorted", (np.array([1.0, 3.0, 5.0], "float32"), np.array([2.0, 5.0, 0.0], "float32")), {"side": "right"}),
    ("in_top_k", (np.array([1, 0, 3]), make("float32", (3, 4)), 2), {}), ("nonzero", (xi[0],), {}),
    ("unique", (np.array([3, 1, 3, 2]),), {}), ("hstack", ([x[0], x[1]],), {}), ("vstack", ([x[0], x[1]],), {}),
    ("argsort", (x,), {"axis": None}), ("sort", (x,), {"axis": None}), ("sort", (x,), {"axis": 0}), ("argmax", (x,), {}),
    ("divide_no_nan", (x, np.where(x > 0, x, 0)), {}), ("var", (xi,), {"axis": 1}),
    ("std", (x.astype("float16"),), {}), ("mean", (x.astype("float16"),), {"axis": 1}),
    ("prod", (xi,), {"axis": (0, 1)}), ("prod", (x,), {"axis": 1, "keepdims": True}), ("prod", (xi,), {"dtype": "float32"}),
    ("while_loop", (lambda i, s: i < 4, lambda i, s: (i + 1, s + i), (0, 0)), {}),
    ("fori_loop", (0, 4, lambda i, v: v + i, torch.tensor(0)), {}),
    ("cond", (True, lambda: torch.tensor(1), lambda: torch.tensor(2)), {}),
    ("map", (lambda v: v * 2, torch.as_tensor(x)), {}),
    ("scan", (lambda c, v: (c + v, c * v), torch.tensor(0.0), torch.as_tensor(x[0, 0])), {}),
    ("vectorized_map", (lambda v: v.sum(), torch.as_tensor(x)), {}),
    ("switch", (1, [lambda v: v + 1, lambda v: v * 10], torch.tensor(2)), {}),
    ("one_hot", (np.array([0, 2, -1, 1]), 3), {}), ("one_hot", (np.array([[0, 2], [1, 1]]), 3), {"axis": 0}),
    ("one_hot", (np.array([0, 2]), 3), {"dtype": "int32"}),
    ("multi_hot", (np.array([[0, 2], [1, 1]]), 4), {}), ("multi_hot", (np.array([0, 2]), 4), {}),
]


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_op_matches_keras(keras, name, args, kwargs):
    expected = getattr(keras.ops, name)(*args, **kwargs)
    assert_same(getattr(ops, name)(*args, **kwargs), expected)


@pytest.mark.parametrize("name,args", [
    ("shape", (x,)), ("ndim", (x,)), ("size", (x,)), ("dtype", (x,)), ("dtype", (torch.ones(2, dtype=torch.int8),)),
    ("is_tensor", (torch.ones(1),)), ("is_tensor", (x,)),
])
def test_metadata_ops_match_keras(keras, name, args):
    expected = getattr(keras.ops, name)(*args)
    actual = getattr(ops, name)(*args)
    assert actual == (int(expected) if isinstance(expected, torch.Tensor) else expected)


def test_convert_to_numpy_detaches_and_copies_to_numpy():
    t = torch.ones(2, 3, requires_grad=True)
    out = ops.convert_to_numpy(t * 2)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and (out == 2).all()


def test_stop_gradient_blocks_gradients():
    w = torch.ones(3, requires_grad=True)
    y = (ops.stop_gradient(w * 2) * w).sum()
    (grad,) = torch.autograd.grad(y, w)
    assert grad.tolist() == [2.0, 2.0, 2.0]


# -- deliberate differences from Keras-on-torch, checked against NumPy -------------


def test_numpy_float64_input_becomes_floatx_like_all_lamina_user_data(keras):
    # lamina converts float64 user arrays to floatx (Keras does so for layer inputs); keras.ops keeps float64
    assert ops.add(np.ones(2), np.ones(2)).dtype == torch.float32
    assert ops.convert_to_tensor(np.ones(2), dtype="float64").dtype == torch.float64


def test_64_bit_results_are_not_narrowed():
    # Keras-on-torch narrows int64/float64 results of some ops (maximum, floor_divide...) to 32 bits
    a = torch.tensor([2**40, 1], dtype=torch.int64)
    assert ops.maximum(a, a).dtype == torch.int64 and ops.maximum(a, a)[0].item() == 2**40


def test_pad_symmetric_repeats_the_edge_like_numpy():
    # Keras-on-torch maps 'symmetric' to torch's 'replicate', which is a different padding
    for mode in ("symmetric", "reflect", "edge", "wrap"):
        np.testing.assert_array_equal(ops.pad(x, ((0, 0), (1, 2), (3, 1)), mode=mode).numpy(),
                                      np.pad(x, ((0, 0), (1, 2), (3, 1)), mode=mode))


def test_pad_with_an_int_pads_every_axis_like_numpy():
    np.testing.assert_array_equal(ops.pad(x, 1).numpy(), np.pad(x, 1))


def test_dot_of_nd_arrays_is_numpy_dot():
    # Keras documents NumPy's dot (sum over last axis of a and second-to-last of b); its torch backend uses matmul
    b = make("float32", (2, 4, 5))
    np.testing.assert_allclose(ops.dot(x, b).numpy(), np.dot(x, b), rtol=1e-5, atol=1e-6)


def test_count_nonzero_keeps_numpy_axis_order():
    # Keras-on-torch transposes the result
    np.testing.assert_array_equal(ops.count_nonzero(xi, axis=0).numpy(), np.count_nonzero(xi, axis=0))
    assert ops.count_nonzero(xi, axis=0).dtype == torch.int32


def test_std_over_no_axes_is_zero_like_numpy():
    np.testing.assert_array_equal(ops.std(x, axis=()).numpy(), np.std(x, axis=()))


def test_concatenate_axis_none_flattens_like_numpy():
    np.testing.assert_array_equal(ops.concatenate([x, x[0]], axis=None).numpy(),
                                  np.concatenate([x, x[0]], axis=None))


@pytest.mark.parametrize("pad_width", [1, (2,), (1, 2), ((1, 2),), ((0, 1), (2, 0), (1, 1))])
def test_pad_width_forms_follow_numpy(pad_width):
    np.testing.assert_array_equal(ops.pad(x, pad_width).numpy(), np.pad(x, pad_width))
    with pytest.raises(ValueError, match=r"pad: pad_width=\(\(1, 2\), \(3, 4\)\) must be an int"):
        ops.pad(x, ((1, 2), (3, 4)))


@pytest.mark.parametrize("name", ["add", "divide", "divide_no_nan", "maximum", "arctan2", "logaddexp", "matmul", "where"])
def test_ops_take_nested_python_lists(name):
    a, b = [[1.0, 2.0], [3.0, 0.5]], [[2.0, 0.0], [1.0, 4.0]]
    args = ([[True, False], [False, True]], a, b) if name == "where" else (a, b)
    expected = getattr(ops, name)(*[np.array(v, dtype="bool" if v is args[0] and name == "where" else "float32")
                                    for v in args])
    assert_same(getattr(ops, name)(*args), expected)
