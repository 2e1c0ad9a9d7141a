"""Loss classes against Keras 3: every reduction, sample weights, masks, dtypes and configs."""
import numpy as np
import pytest
import torch

from lamina import losses

N, T, K = 12, 4, 5
RTOL, ATOL = 1e-6, 1e-7


def _data(shape=(N, K), seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=shape).astype("float32")
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = rng.integers(0, shape[-1], shape[:-1])
    return {
        "reg_true": rng.normal(size=shape).astype("float32"),
        "reg_pred": rng.normal(size=shape).astype("float32"),
        "pos_true": rng.uniform(0, 3, size=shape).astype("float32"),
        "pos_pred": rng.uniform(0.01, 3, size=shape).astype("float32"),
        "bin_true": (rng.random(shape) > 0.5).astype("float32"),
        "probs01": rng.uniform(0.0, 1.0, size=shape).astype("float32"),
        "logits": logits,
        "probs": probs.astype("float32"),
        "onehot": np.eye(shape[-1], dtype="float32")[labels],
        "labels": labels,
    }


# (class name, constructor kwargs, y_true key, y_pred key)
CLASSES = [
    ("MeanSquaredError", {}, "reg_true", "reg_pred"),
    ("MeanAbsoluteError", {}, "reg_true", "reg_pred"),
    ("MeanAbsolutePercentageError", {}, "reg_true", "reg_pred"),
    ("MeanSquaredLogarithmicError", {}, "pos_true", "pos_pred"),
    ("CosineSimilarity", {}, "reg_true", "reg_pred"),
    ("Huber", {"delta": 0.5}, "reg_true", "reg_pred"),
    ("LogCosh", {}, "reg_true", "reg_pred"),
    ("BinaryCrossentropy", {}, "bin_true", "probs01"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "bin_true", "logits"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "gamma": 1.5}, "bin_true", "probs01"),
    ("BinaryFocalCrossentropy", {"from_logits": True}, "bin_true", "logits"),
    ("CategoricalCrossentropy", {}, "onehot", "probs"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "onehot", "logits"),
    ("CategoricalFocalCrossentropy", {"alpha": 0.3}, "onehot", "probs"),
    ("SparseCategoricalCrossentropy", {}, "labels", "probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "labels", "logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, "labels", "logits"),
    ("KLDivergence", {}, "probs", "probs01"),
    ("Poisson", {}, "pos_true", "pos_pred"),
    ("Hinge", {}, "bin_true", "logits"),
    ("SquaredHinge", {}, "bin_true", "logits"),
    ("CategoricalHinge", {}, "onehot", "logits"),
    ("Dice", {"axis": -1}, "bin_true", "probs01"),
    ("Tversky", {"alpha": 0.7, "beta": 0.3, "axis": -1}, "bin_true", "probs01"),
]
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def _ids(cases):
    return [f"{name}-{kw}" for name, kw, _, _ in cases]


def _weights(kind, rng):
    if kind is None:
        return None
    if kind == "per_sample":
        return rng.uniform(0, 2, size=(N,)).astype("float32")
    if kind == "column":
        return rng.uniform(0, 2, size=(N, 1)).astype("float32")
    return np.float32(0.7)  # a scalar weight


def _compare(keras, name, kwargs, y_true, y_pred, reduction, sample_weight, dtype=None):
    extra = {} if dtype is None else {"dtype": dtype}
    reference = getattr(keras.losses, name)(reduction=reduction, **kwargs, **extra)
    ours = getattr(losses, name)(reduction=reduction, **kwargs, **extra)
    expected = keras.ops.convert_to_numpy(reference(y_true, y_pred, sample_weight=sample_weight))
    got = ours(y_true, y_pred, sample_weight=sample_weight)
    assert isinstance(got, torch.Tensor) and tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.detach().numpy(), expected, rtol=RTOL, atol=ATOL)
    return got


@pytest.mark.parametrize("weights", [None, "per_sample", "column", "scalar"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs,true_key,pred_key", CLASSES, ids=_ids(CLASSES))
def test_class_matches_keras(keras, name, kwargs, true_key, pred_key, reduction, weights):
    data = _data()
    sample_weight = _weights(weights, np.random.default_rng(1))
    if weights == "scalar" and "ignore_class" in kwargs:
        # Keras fails on a scalar weight combined with a mask (in-place multiply of a
        # 0-d tensor); the same weight given per sample is its equivalent.
        got = getattr(losses, name)(reduction=reduction, **kwargs)(data[true_key], data[pred_key], sample_weight)
        sample_weight = np.full((N,), sample_weight, dtype="float32")
        same = _compare(keras, name, kwargs, data[true_key], data[pred_key], reduction, sample_weight)
        np.testing.assert_allclose(got.numpy(), same.numpy(), rtol=RTOL)
        return
    _compare(keras, name, kwargs, data[true_key], data[pred_key], reduction, sample_weight)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"])
@pytest.mark.parametrize("name,kwargs,true_key,pred_key", CLASSES, ids=_ids(CLASSES))
def test_sequence_losses_with_per_step_weights_match_keras(keras, name, kwargs, true_key, pred_key, reduction):
    data = _data(shape=(N, T, K), seed=2)
    sample_weight = np.random.default_rng(3).uniform(0, 2, size=(N, T)).astype("float32")
    _compare(keras, name, kwargs, data[true_key], data[pred_key], reduction, sample_weight)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight"])
def test_per_sample_weights_apply_to_every_step_of_a_sequence(reduction):
    # Keras 3 would broadcast (N,) weights against the last (time) axis; lamina weights samples.
    data = _data(shape=(N, T, K), seed=4)
    sample_weight = np.random.default_rng(5).uniform(0, 2, size=(N,)).astype("float32")
    got = losses.MeanSquaredError(reduction=reduction)(data["reg_true"], data["reg_pred"], sample_weight)
    per_step = np.mean((data["reg_true"] - data["reg_pred"]) ** 2, axis=-1)
    weighted = per_step * sample_weight[:, None]
    divisor = {"sum_over_batch_size": N * T, "sum": 1.0, "mean_with_sample_weight": sample_weight.sum()}[reduction]
    np.testing.assert_allclose(got.item(), weighted.sum() / divisor, rtol=1e-5)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"])
@pytest.mark.parametrize("with_weights", [False, True])
def test_mask_on_predictions_matches_keras(keras, reduction, with_weights):
    data = _data(shape=(N, T, K), seed=6)
    mask = torch.as_tensor(np.random.default_rng(7).random((N, T)) > 0.3)
    sample_weight = np.random.default_rng(8).uniform(0, 2, size=(N, T)).astype("float32") if with_weights else None
    results = []
    for module in (keras.losses, losses):
        y_pred = torch.as_tensor(data["probs"])
        y_pred._keras_mask = mask
        loss = module.CategoricalCrossentropy(reduction=reduction)
        results.append(keras.ops.convert_to_numpy(loss(data["onehot"], y_pred, sample_weight=sample_weight)))
    np.testing.assert_allclose(results[1], results[0], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name,kwargs,true_key,pred_key", CLASSES, ids=_ids(CLASSES))
def test_float64_loss_computes_in_float64(keras, name, kwargs, true_key, pred_key):
    data = _data(seed=9)
    got = _compare(keras, name, kwargs, data[true_key], data[pred_key], "sum_over_batch_size", None, "float64")
    assert got.dtype == torch.float64
    assert getattr(losses, name)(dtype="float64").dtype == "float64"


def test_float32_loss_casts_float64_inputs():
    loss = losses.MeanSquaredError()
    out = loss(torch.zeros(3, 2, dtype=torch.float64), torch.ones(3, 2, dtype=torch.float64))
    assert out.dtype == torch.float32 and out.item() == 1.0


def test_ctc_class_matches_keras(keras):
    rng = np.random.default_rng(10)
    logits = rng.normal(size=(3, 9, 5)).astype("float32")
    labels = np.array([[1, 2, 0], [3, 3, 4], [4, 0, 0]])
    weights = np.array([1.0, 0.5, 2.0], dtype="float32")
    for reduction in ("sum_over_batch_size", "sum", "none"):
        expected = keras.ops.convert_to_numpy(keras.losses.CTC(reduction=reduction)(labels, logits, weights))
        got = losses.CTC(reduction=reduction)(labels, logits, weights)
        np.testing.assert_allclose(got.numpy(), expected, rtol=RTOL, atol=1e-6)


def test_loss_gradient_matches_keras(keras):
    data = _data(seed=11)
    weights = np.random.default_rng(12).uniform(0, 2, size=(N,)).astype("float32")
    grads = []
    for module in (keras.losses, losses):
        y_pred = torch.tensor(data["logits"], requires_grad=True)
        loss = module.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)
        loss(data["onehot"], y_pred, sample_weight=weights).backward()
        grads.append(y_pred.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=RTOL, atol=RTOL * np.abs(grads[0]).max())


@pytest.mark.parametrize("name", ["Dice", "Tversky"])
def test_whole_batch_overlap_losses_match_keras(keras, name):
    data = _data(seed=15)
    _compare(keras, name, {}, data["bin_true"], data["probs01"], "sum_over_batch_size", None)


def test_keras2_reduction_spellings():
    assert losses.MeanSquaredError(reduction="auto").reduction == "sum_over_batch_size"
    assert losses.MeanSquaredError(reduction=losses.Reduction.SUM).reduction == "sum"
    assert losses.Reduction.NONE == "none" and None in losses.Reduction.all()


def test_empty_batch_gives_zero_not_nan():
    out = losses.MeanSquaredError()(torch.zeros(0, 3), torch.zeros(0, 3))
    assert out.numel() == 0 or out.item() == 0.0
    out = losses.SparseCategoricalCrossentropy()(torch.zeros(0, 2, dtype=torch.long), torch.zeros(0, 2, 3))
    assert out.item() == 0.0


@pytest.mark.parametrize("name,kwargs,true_key,pred_key", CLASSES, ids=_ids(CLASSES))
def test_config_round_trip_and_keras_compatibility(keras, name, kwargs, true_key, pred_key):
    loss = getattr(losses, name)(reduction="sum", name="my_loss", **kwargs)
    config = loss.get_config()
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    assert config["name"] == "my_loss" and config["reduction"] == "sum"
    for key, value in kwargs.items():
        assert config[key] == value and getattr(clone, key) == value
    # the Keras class accepts lamina's config and agrees on every entry it records
    # (Keras leaves some out: Huber's delta, CosineSimilarity's axis), and lamina accepts Keras's
    keras_config = getattr(keras.losses, name).from_config(config).get_config()
    assert all(config[key] == value for key, value in keras_config.items()), (config, keras_config)
    assert keras_config.items() <= getattr(losses, name).from_config(keras_config).get_config().items()
    data = _data(seed=13)
    np.testing.assert_allclose(
        clone(data[true_key], data[pred_key]).numpy(), loss(data[true_key], data[pred_key]).numpy()
    )


def test_default_names_match_keras(keras):
    for name, _, _, _ in CLASSES + [("CTC", {}, None, None)]:
        assert getattr(losses, name)().name == getattr(keras.losses, name)().name, name


def test_loss_function_wrapper_for_user_functions():
    def scaled_l1(y_true, y_pred, scale=1.0):
        return scale * torch.mean(torch.abs(y_true - y_pred), dim=-1)

    loss = losses.LossFunctionWrapper(scaled_l1, scale=2.0, reduction="sum")
    assert loss.name == "scaled_l1"
    # (N,) targets against (N, 1) predictions gain the trailing axis, as in Keras
    out = loss(torch.tensor([1.0, 2.0]), torch.tensor([[0.0], [0.0]]))
    assert out.item() == 6.0
    assert loss.get_config()["scale"] == 2.0 and loss.get_config()["fn"] == "scaled_l1"


def test_loss_function_wrapper_config_round_trip_with_builtin_function():
    loss = losses.LossFunctionWrapper(losses.huber, delta=0.5, name="h")
    config = loss.get_config()
    assert config["fn"] == "huber"
    clone = losses.LossFunctionWrapper.from_config(config)
    assert clone.fn is losses.huber and clone.get_config() == config


def test_subclassing_loss():
    class ScaledMSE(losses.Loss):
        def __init__(self, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * torch.mean(torch.square(y_true - y_pred), dim=-1)

    loss = ScaledMSE(reduction="sum")
    assert loss.name.startswith("scaled_mse")
    assert loss([[0.0, 0.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]).item() == 2.0
    assert loss([[0.0], [1.0]], [[1.0], [1.0]], sample_weight=[3.0, 1.0]).item() == 6.0


def test_loss_object_accepts_symbolic_tensors():
    from lamina.core.symbolic import KerasTensor

    out = losses.MeanSquaredError()(KerasTensor((None, 3)), KerasTensor((None, 3)))
    assert isinstance(out, KerasTensor) and out.shape == ()
    out = losses.MeanSquaredError(reduction="none")(KerasTensor((None, 3)), KerasTensor((None, 3)))
    assert out.shape == (None,)


FUSED = [
    ("mean_squared_error", {}, "reg_true", "reg_pred"),
    ("mean_absolute_error", {}, "reg_true", "reg_pred"),
    ("binary_crossentropy", {}, "bin_true", "probs01"),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.2}, "bin_true", "logits"),
    ("categorical_crossentropy", {}, "onehot", "probs"),
    ("categorical_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, "onehot", "logits"),
    ("sparse_categorical_crossentropy", {}, "labels", "probs"),
    ("sparse_categorical_crossentropy", {"from_logits": True}, "labels", "logits"),
]


@pytest.mark.parametrize("shape", [(N, K), (N, T, K)])
@pytest.mark.parametrize("name,kwargs,true_key,pred_key", FUSED, ids=[f"{c[0]}-{c[1]}" for c in FUSED])
def test_fused_training_step_path_equals_the_general_path(keras, name, kwargs, true_key, pred_key, shape):
    # loss(y_true, y_pred) without weights takes a fused path; all-ones weights force the general one
    data = _data(shape=shape, seed=14)
    y_true = torch.as_tensor(data[true_key])
    loss = losses.resolve_loss(name, tuple(y_true.shape), shape)
    assert loss._batch_mean is not None
    values, grads = [], []
    for weights in (None, torch.ones(shape[:-1])):
        y_pred = torch.tensor(data[pred_key], requires_grad=True)
        value = losses.LossFunctionWrapper(getattr(losses, name), **kwargs)(y_true, y_pred, sample_weight=weights)
        value.backward()
        values.append(value.item())
        grads.append(y_pred.grad.numpy())
    reference = getattr(keras.losses, name)
    from keras.src.losses.losses import LossFunctionWrapper

    expected = keras.ops.convert_to_numpy(LossFunctionWrapper(reference, **kwargs)(y_true, data[pred_key]))
    np.testing.assert_allclose(values, [expected, expected], rtol=RTOL)
    np.testing.assert_allclose(grads[0], grads[1], rtol=RTOL, atol=RTOL * np.abs(grads[1]).max())


def test_fused_path_falls_back_when_shapes_need_broadcasting(keras):
    y_true = torch.rand(N, 1)
    y_pred = torch.rand(N, K)
    expected = keras.ops.convert_to_numpy(keras.losses.MeanSquaredError()(y_true, y_pred))
    np.testing.assert_allclose(losses.MeanSquaredError()(y_true, y_pred).item(), expected, rtol=RTOL)
    with pytest.raises(ValueError, match=r"categorical_crossentropy expects one-hot targets"):
        losses.CategoricalCrossentropy()(torch.zeros(N), torch.rand(N, K))
