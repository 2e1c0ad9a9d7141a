"""Loss functions against Keras 3 (torch backend): same inputs, per-sample values within 1e-6 relative."""
import numpy as np
import pytest
import torch

from lamina import losses

N, K = 24, 5
RTOL32, ATOL32 = 1e-6, 1e-7


def _data(seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(N, K)).astype("float32")
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = rng.integers(0, K, N)
    return {
        "reg_true": rng.normal(size=(N, K)).astype("float32"),
        "reg_pred": rng.normal(size=(N, K)).astype("float32"),
        "pos_true": rng.uniform(0, 3, size=(N, K)).astype("float32"),
        "pos_pred": rng.uniform(0.01, 3, size=(N, K)).astype("float32"),
        "bin_true": (rng.random((N, K)) > 0.5).astype("float32"),
        "sign_true": np.where(rng.random((N, K)) > 0.5, 1.0, -1.0).astype("float32"),
        "probs01": rng.uniform(0.0, 1.0, size=(N, K)).astype("float32"),
        "logits": logits,
        "probs": probs.astype("float32"),
        "soft": (np.exp(-logits) / np.exp(-logits).sum(-1, keepdims=True)).astype("float32"),
        "onehot": np.eye(K, dtype="float32")[labels],
        "labels": labels,
        "labels_col": labels[:, None],
    }


# (function name, y_true key, y_pred key, kwargs)
CASES = [
    ("mean_squared_error", "reg_true", "reg_pred", {}),
    ("mean_absolute_error", "reg_true", "reg_pred", {}),
    ("mean_absolute_percentage_error", "reg_true", "reg_pred", {}),
    ("mean_squared_logarithmic_error", "pos_true", "pos_pred", {}),
    ("mean_squared_logarithmic_error", "reg_true", "reg_pred", {}),
    ("cosine_similarity", "reg_true", "reg_pred", {}),
    ("cosine_similarity", "reg_true", "reg_pred", {"axis": 0}),
    ("huber", "reg_true", "reg_pred", {}),
    ("huber", "reg_true", "reg_pred", {"delta": 0.3}),
    ("log_cosh", "reg_true", "reg_pred", {}),
    ("binary_crossentropy", "bin_true", "probs01", {}),
    ("binary_crossentropy", "bin_true", "probs01", {"label_smoothing": 0.2}),
    ("binary_crossentropy", "bin_true", "logits", {"from_logits": True}),
    ("binary_crossentropy", "probs01", "logits", {"from_logits": True, "label_smoothing": 0.1}),
    ("binary_crossentropy", "bin_true", "probs01", {"axis": 0}),
    ("binary_focal_crossentropy", "bin_true", "probs01", {}),
    ("binary_focal_crossentropy", "bin_true", "probs01", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0}),
    ("binary_focal_crossentropy", "bin_true", "logits", {"from_logits": True, "label_smoothing": 0.1}),
    ("categorical_crossentropy", "onehot", "probs", {}),
    ("categorical_crossentropy", "soft", "probs", {}),
    ("categorical_crossentropy", "onehot", "probs01", {}),  # renormalised by Keras
    ("categorical_crossentropy", "onehot", "logits", {"from_logits": True}),
    ("categorical_crossentropy", "onehot", "probs", {"label_smoothing": 0.1}),
    ("categorical_crossentropy", "onehot", "logits", {"from_logits": True, "label_smoothing": 0.3}),
    ("categorical_crossentropy", "onehot", "probs", {"axis": 0}),
    ("categorical_focal_crossentropy", "onehot", "probs", {}),
    ("categorical_focal_crossentropy", "onehot", "logits", {"from_logits": True, "alpha": 0.5, "gamma": 1.0}),
    ("categorical_focal_crossentropy", "onehot", "probs", {"label_smoothing": 0.2}),
    ("sparse_categorical_crossentropy", "labels", "probs", {}),
    ("sparse_categorical_crossentropy", "labels_col", "probs", {}),
    ("sparse_categorical_crossentropy", "labels", "logits", {"from_logits": True}),
    ("sparse_categorical_crossentropy", "labels", "logits", {"from_logits": True, "ignore_class": 2}),
    ("sparse_categorical_crossentropy", "labels", "probs", {"ignore_class": 0}),
    ("kl_divergence", "soft", "probs", {}),
    ("poisson", "pos_true", "pos_pred", {}),
    ("hinge", "bin_true", "logits", {}),
    ("hinge", "sign_true", "logits", {}),
    ("hinge", "reg_true", "logits", {}),  # neither 0/1 nor -1/1: used as they are
    ("squared_hinge", "bin_true", "logits", {}),
    ("squared_hinge", "sign_true", "logits", {}),
    ("categorical_hinge", "onehot", "logits", {}),
    ("dice", "bin_true", "probs01", {}),
    ("dice", "bin_true", "probs01", {"axis": -1}),
    ("tversky", "bin_true", "probs01", {}),
    ("tversky", "bin_true", "probs01", {"alpha": 0.3, "beta": 0.7, "axis": -1}),
]


def _ids(cases):
    return [f"{name}-{t}-{p}-{kw}" for name, t, p, kw in cases]


@pytest.mark.parametrize("name,true_key,pred_key,kwargs", CASES, ids=_ids(CASES))
def test_function_matches_keras(keras, name, true_key, pred_key, kwargs):
    data = _data()
    y_true, y_pred = data[true_key], data[pred_key]
    expected = keras.ops.convert_to_numpy(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    got = getattr(losses, name)(y_true, y_pred, **kwargs)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
    np.testing.assert_allclose(got.numpy(), expected, rtol=RTOL32, atol=ATOL32)


@pytest.mark.parametrize("name,true_key,pred_key,kwargs", CASES, ids=_ids(CASES))
def test_function_matches_keras_in_float64(keras, name, true_key, pred_key, kwargs):
    # float64 in, float64 out; Keras's ops.mean accumulates float64 input in float32
    # (its dtype rule promotes float64 with "float32" to float32), so the agreement is
    # float32-tight only; lamina keeps full float64 precision.
    data = _data(seed=1)
    y_true = torch.as_tensor(data[true_key]).to(torch.float64 if data[true_key].dtype == np.float32 else torch.int64)
    y_pred = torch.as_tensor(data[pred_key], dtype=torch.float64)
    expected = keras.ops.convert_to_numpy(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    got = getattr(losses, name)(y_true, y_pred, **kwargs)
    assert got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), expected, rtol=RTOL32, atol=ATOL32)


GRADIENT_CASES = [case for case in CASES if case[0] not in ("hinge", "squared_hinge", "categorical_hinge")]


@pytest.mark.parametrize("name,true_key,pred_key,kwargs", GRADIENT_CASES, ids=_ids(GRADIENT_CASES))
def test_gradient_matches_keras(keras, name, true_key, pred_key, kwargs):
    data = _data(seed=2)
    y_true = torch.as_tensor(data[true_key])
    pred_k = torch.tensor(data[pred_key], requires_grad=True)
    pred_l = torch.tensor(data[pred_key], requires_grad=True)
    torch.sum(getattr(keras.losses, name)(y_true, pred_k, **kwargs)).backward()
    torch.sum(getattr(losses, name)(y_true, pred_l, **kwargs)).backward()
    expected = pred_k.grad.numpy()
    # relative to the gradient's scale: single entries can be sums of cancelling terms
    np.testing.assert_allclose(pred_l.grad.numpy(), expected, rtol=RTOL32, atol=RTOL32 * np.abs(expected).max())


def test_ctc_matches_keras(keras):
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(4, 12, 6)).astype("float32")
    labels = np.array([[1, 2, 3, 0], [5, 5, 0, 0], [2, 0, 0, 0], [1, 4, 2, 3]])
    expected = keras.ops.convert_to_numpy(keras.losses.ctc(labels, logits))
    got = losses.ctc(labels, logits)
    np.testing.assert_allclose(got.numpy(), expected, rtol=RTOL32, atol=1e-6)


@pytest.mark.parametrize("shape_true,shape_pred", [((N,), (N, 1)), ((N, 1), (N,)), ((N, 3, 1), (N, 3))])
@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "huber", "log_cosh"])
def test_trailing_unit_axis_is_squeezed_as_in_keras(keras, name, shape_true, shape_pred):
    rng = np.random.default_rng(4)
    y_true = rng.normal(size=shape_true).astype("float32")
    y_pred = rng.normal(size=shape_pred).astype("float32")
    expected = keras.ops.convert_to_numpy(getattr(keras.losses, name)(y_true, y_pred))
    got = getattr(losses, name)(y_true, y_pred)
    assert tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=RTOL32, atol=ATOL32)


def test_binary_crossentropy_accepts_targets_above_one_like_tensorflow():
    # the book's GAN label-noise trick: targets up to 1.05 (Keras 3 on torch rejects them)
    y_true = np.array([[1.05], [0.97], [0.0], [1.0]], dtype="float64")
    y_pred = np.array([[0.9], [0.3], [0.2], [1.0]], dtype="float64")
    eps = 1e-7
    p = np.clip(y_pred, eps, 1 - eps)
    expected = np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=-1)
    got = losses.binary_crossentropy(torch.tensor(y_true), torch.tensor(y_pred))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)
    loss = losses.BinaryCrossentropy()(y_true.astype("float32"), y_pred.astype("float32"))
    np.testing.assert_allclose(loss.item(), expected.mean(), rtol=1e-6)


def test_binary_crossentropy_gradient_with_targets_above_one():
    y_pred = torch.tensor([[0.3], [0.8]], dtype=torch.float64, requires_grad=True)
    y_true = torch.tensor([[1.05], [0.0]], dtype=torch.float64)
    losses.binary_crossentropy(y_true, y_pred).sum().backward()
    p, t = y_pred.detach(), y_true
    np.testing.assert_allclose(y_pred.grad.numpy(), ((p - t) / (p * (1 - p))).numpy(), rtol=1e-9)


def test_binary_crossentropy_propagates_nan_predictions():
    got = losses.binary_crossentropy([[1.0], [0.0]], torch.tensor([[float("nan")], [0.5]]))
    assert torch.isnan(got[0]) and torch.isclose(got[1], torch.tensor(0.6931472))


def test_aliases_are_the_functions():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.mae is losses.MAE is losses.mean_absolute_error
    assert losses.mape is losses.mean_absolute_percentage_error and losses.msle is losses.mean_squared_logarithmic_error
    assert losses.kld is losses.kullback_leibler_divergence is losses.kl_divergence
    assert losses.logcosh is losses.log_cosh and losses.bce is losses.binary_crossentropy


def test_functions_accept_symbolic_tensors():
    from lamina.core.symbolic import KerasTensor

    y_true, y_pred = KerasTensor((None, 7)), KerasTensor((None, 7))
    out = losses.binary_crossentropy(y_true, y_pred)
    assert isinstance(out, KerasTensor) and out.shape == (None,)
    out = losses.sparse_categorical_crossentropy(KerasTensor((None,), dtype="int64"), y_pred)
    assert isinstance(out, KerasTensor) and out.shape == (None,)
