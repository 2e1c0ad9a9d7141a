"""Confusion-matrix metrics (TP/FP/TN/FN, Precision, Recall, AUC) against Keras 3."""
import numpy as np
import pytest
import torch

from lamina import metrics

N, K = 40, 4
RTOL, ATOL = 1e-6, 1e-7


def _batch(seed, multi=False):
    rng = np.random.default_rng(seed)
    shape = (N, K) if multi else (N,)
    scores = rng.uniform(0, 1, size=shape).astype("float32")
    scores[:3] = [0.0, 1.0, 0.5] if not multi else scores[:3]  # the edges of the threshold grid
    labels = (rng.random(shape) < np.clip(scores + rng.normal(0, 0.3, size=shape), 0, 1)).astype("float32")
    return {
        "labels": labels,
        "scores": scores,
        "weights": rng.uniform(0, 2, size=(N,)).astype("float32"),
        "logits": rng.normal(size=shape).astype("float32"),
    }


def _check_over_batches(keras, name, kwargs, multi=False, weighted=False, pred_key="scores"):
    reference = getattr(keras.metrics, name)(**kwargs)
    ours = getattr(metrics, name)(**kwargs)
    for step in range(3):
        batch = _batch(step, multi)
        weights = batch["weights"] if weighted else None
        reference.update_state(batch["labels"], batch[pred_key], sample_weight=weights)
        ours.update_state(batch["labels"], batch[pred_key], sample_weight=weights)
        expected = keras.ops.convert_to_numpy(reference.result())
        np.testing.assert_allclose(ours.result().numpy(), expected, rtol=RTOL, atol=ATOL, err_msg=f"batch {step}")
    for reference_var, our_var in zip(reference.variables, ours.variables):
        np.testing.assert_allclose(our_var.numpy(), keras.ops.convert_to_numpy(reference_var), rtol=RTOL, atol=1e-5)
    ours.reset_state()
    reference.reset_state()
    np.testing.assert_allclose(ours.result().numpy(), keras.ops.convert_to_numpy(reference.result()))


COUNTS = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("thresholds", [None, 0.3, [0.1, 0.5, 0.9], [0.0, 0.5, 1.0]])
@pytest.mark.parametrize("name", COUNTS)
def test_condition_counts_match_keras(keras, name, thresholds, weighted):
    _check_over_batches(keras, name, {"thresholds": thresholds}, weighted=weighted)


PRECISION_RECALL = [
    {},
    {"thresholds": 0.7},
    {"thresholds": [0.2, 0.4, 0.6]},
    {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]},  # evenly spaced: the bucketed update
    {"top_k": 2},
    {"class_id": 1},
    {"top_k": 1, "class_id": 2},
    {"thresholds": [0.3, 0.6], "class_id": 3},
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kwargs", PRECISION_RECALL, ids=str)
@pytest.mark.parametrize("name", ["Precision", "Recall"])
def test_precision_and_recall_match_keras(keras, name, kwargs, weighted):
    multi = "top_k" in kwargs or "class_id" in kwargs
    _check_over_batches(keras, name, kwargs, multi=multi, weighted=weighted)


AUC_CASES = [
    {},
    {"num_thresholds": 11},
    {"curve": "PR"},
    {"curve": "PR", "summation_method": "majoring", "num_thresholds": 50},
    {"curve": "ROC", "summation_method": "minoring"},
    {"curve": "ROC", "summation_method": "majoring"},
    {"curve": "PRGAIN"},
    {"thresholds": [0.1, 0.35, 0.8]},
    {"thresholds": [0.25, 0.5, 0.75]},  # evenly spaced together with the endpoints
    {"curve": "PR", "thresholds": [0.2, 0.3, 0.45, 0.9]},
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kwargs", AUC_CASES, ids=str)
def test_auc_matches_keras(keras, kwargs, weighted):
    _check_over_batches(keras, "AUC", kwargs, weighted=weighted)


MULTI_LABEL = [
    {"multi_label": True},
    {"multi_label": True, "num_labels": K, "curve": "PR"},
    {"multi_label": True, "label_weights": [0.5, 1.0, 2.0, 0.0]},
    {"multi_label": True, "thresholds": [0.2, 0.6], "curve": "PR", "summation_method": "minoring"},
    {"multi_label": False, "label_weights": [0.5, 1.0, 2.0, 0.0]},
    {"multi_label": False, "num_thresholds": 7},
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kwargs", MULTI_LABEL, ids=str)
def test_multi_label_auc_matches_keras(keras, kwargs, weighted):
    _check_over_batches(keras, "AUC", kwargs, multi=True, weighted=weighted)


def test_auc_from_logits_matches_keras(keras):
    _check_over_batches(keras, "AUC", {"from_logits": True}, pred_key="logits")


OPERATING_POINTS = [
    ("SensitivityAtSpecificity", {"specificity": 0.7}),
    ("SensitivityAtSpecificity", {"specificity": 0.4, "num_thresholds": 1}),
    ("SpecificityAtSensitivity", {"sensitivity": 0.8, "num_thresholds": 31}),
    ("PrecisionAtRecall", {"recall": 0.6}),
    ("RecallAtPrecision", {"precision": 0.75, "num_thresholds": 17}),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name,kwargs", OPERATING_POINTS, ids=str)
def test_operating_point_metrics_match_keras(keras, name, kwargs, weighted):
    _check_over_batches(keras, name, kwargs, weighted=weighted)


@pytest.mark.parametrize("name,kwargs", OPERATING_POINTS[:1] + OPERATING_POINTS[3:4], ids=str)
def test_operating_point_metrics_with_class_id_match_keras(keras, name, kwargs):
    _check_over_batches(keras, name, {**kwargs, "class_id": 2}, multi=True, weighted=True)


F_SCORES = [
    ("F1Score", {}), ("F1Score", {"average": "micro", "threshold": 0.5}), ("F1Score", {"average": "macro"}),
    ("FBetaScore", {"beta": 2.0, "average": "weighted", "threshold": 0.3}), ("FBetaScore", {"beta": 0.5}),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name,kwargs", F_SCORES, ids=str)
def test_f_scores_match_keras(keras, name, kwargs, weighted):
    _check_over_batches(keras, name, kwargs, multi=True, weighted=weighted)


def test_operating_point_and_f_score_argument_errors():
    with pytest.raises(ValueError, match=r"PrecisionAtRecall: recall must be in \[0, 1\]; received recall=1.5"):
        metrics.PrecisionAtRecall(recall=1.5)
    with pytest.raises(ValueError, match=r"SensitivityAtSpecificity: num_thresholds must be an integer > 0"):
        metrics.SensitivityAtSpecificity(0.5, num_thresholds=0)
    with pytest.raises(ValueError, match=r"F1Score: invalid average='mean'; expected one of \[None, 'micro'"):
        metrics.F1Score(average="mean")
    with pytest.raises(ValueError, match=r"FBetaScore: beta must be a Python float > 0; received beta=2"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match=r"F1Score: threshold must be a Python float in \(0, 1\]; received threshold=1.5"):
        metrics.F1Score(threshold=1.5)
    with pytest.raises(ValueError, match=r"F1Score expects 2D inputs of shape \(batch_size, output_dim\)"):
        metrics.F1Score().update_state(np.zeros(3), np.zeros(3))


def test_auc_of_a_perfect_and_a_random_ranking():
    auc = metrics.AUC(num_thresholds=1000)
    auc.update_state([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    assert abs(auc.result().item() - 1.0) < 1e-6
    auc.reset_state()
    rng = np.random.default_rng(0)
    auc.update_state(rng.integers(0, 2, 20000), rng.random(20000))
    assert abs(auc.result().item() - 0.5) < 0.02


def test_configs_round_trip_and_agree_with_keras(keras):
    for name, kwargs in [
        ("Precision", {"thresholds": [0.2, 0.7], "class_id": 1}),
        ("Recall", {"top_k": 3}),
        ("TruePositives", {"thresholds": 0.4}),
        ("AUC", {"num_thresholds": 20, "curve": "PR", "summation_method": "minoring", "from_logits": True}),
        ("AUC", {"thresholds": [0.1, 0.5], "multi_label": True, "num_labels": 3, "label_weights": [1.0, 2.0, 3.0]}),
    ]:
        metric = getattr(metrics, name)(name="m", **kwargs)
        config = metric.get_config()
        clone = type(metric).from_config(config)
        assert clone.get_config() == config
        keras_config = getattr(keras.metrics, name)(name="m", **kwargs).get_config()
        keras_config = {k: (np.asarray(v).tolist() if k == "label_weights" and v is not None else v)
                        for k, v in keras_config.items()}
        assert config == keras_config, (config, keras_config)
        assert clone.thresholds == metric.thresholds


def test_thresholds_outside_zero_one_are_rejected():
    with pytest.raises(ValueError, match=r"Precision: thresholds must be in \[0, 1\]; received thresholds=\[0.5, 1.5\]"):
        metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match=r"AUC: thresholds must be in \[0, 1\]"):
        metrics.AUC(thresholds=[-0.1])


def test_auc_argument_errors():
    with pytest.raises(ValueError, match=r"AUC: invalid curve='ROCC'; expected one of \['PR', 'PRGAIN', 'ROC'\]"):
        metrics.AUC(curve="ROCC")
    with pytest.raises(ValueError, match=r"AUC: invalid summation_method='trapezoid'"):
        metrics.AUC(summation_method="trapezoid")
    with pytest.raises(ValueError, match=r"AUC: num_thresholds must be an integer > 1; received num_thresholds=1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r"AUC: num_labels is only used with multi_label=True"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match=r"AUC with multi_label=True needs y_pred of rank 2"):
        metrics.AUC(multi_label=True).update_state([1, 0], [0.3, 0.2])


def test_shape_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"targets \(y_true\) of shape \(4, 3\) do not match predictions \(y_pred\) of shape \(4, 2\)"):
        metrics.Precision().update_state(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"with class_id, y_pred must have shape \(num_samples, num_classes\); received shape \(4,\)"):
        metrics.Recall(class_id=1).update_state(np.zeros(4), np.zeros(4))


def test_results_are_tensors_on_the_metric_dtype():
    precision = metrics.Precision(thresholds=[0.3, 0.6])
    precision.update_state(torch.tensor([1, 0, 1]), torch.tensor([0.9, 0.4, 0.5]))
    result = precision.result()
    assert isinstance(result, torch.Tensor) and result.shape == (2,) and result.dtype == torch.float32
    np.testing.assert_allclose(result.numpy(), [2 / 3, 1.0])
