"""metrics.get / serialize / deserialize, config round trips, and metric error messages."""
import numpy as np
import pytest
import torch

from lamina import metrics


def test_get_accepts_every_keras_name(keras):
    from keras.src.metrics import ALL_OBJECTS_DICT

    not_built = ("IoU", "BinaryIoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation",
                 "ConcordanceCorrelation")
    needs_arguments = ("Metric", "MeanMetricWrapper", "PrecisionAtRecall", "RecallAtPrecision",
                       "SensitivityAtSpecificity", "SpecificityAtSensitivity")
    for name, keras_cls in ALL_OBJECTS_DICT.items():
        if keras_cls.__name__ in not_built:
            continue  # see docs/losses_and_metrics.md for what lamina does not have (yet)
        if keras_cls.__name__ in needs_arguments:  # get() cannot build them, in Keras either
            assert metrics.ALL_METRICS[name].__name__ == keras_cls.__name__, name
            continue
        assert type(metrics.get(name)).__name__ == keras_cls.__name__, name


def test_get_names_objects_classes_configs_and_functions():
    assert isinstance(metrics.get("acc"), metrics.Accuracy)
    assert isinstance(metrics.get("AUC"), metrics.AUC) and isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get("rmse"), metrics.RootMeanSquaredError)
    assert isinstance(metrics.get(metrics.Recall), metrics.Recall)
    precision = metrics.Precision()
    assert metrics.get(precision) is precision
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    built = metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.2}})
    assert isinstance(built, metrics.BinaryAccuracy) and built.threshold == 0.2
    assert metrics.get(None) is None


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError) as info:
        metrics.get("accuracyy")
    message = str(info.value)
    assert "Unknown metric: 'accuracyy'" in message
    assert all(f"'{name}'" in message for name in ("accuracy", "acc", "mae", "AUC", "binary_accuracy"))


def test_uninterpretable_identifier():
    with pytest.raises(ValueError, match=r"Could not interpret metric identifier 3.5"):
        metrics.get(3.5)


CONFIG_CASES = [
    (metrics.Mean, {}), (metrics.Sum, {}), (metrics.Accuracy, {}), (metrics.BinaryAccuracy, {"threshold": 0.7}),
    (metrics.CategoricalAccuracy, {}), (metrics.SparseCategoricalAccuracy, {}),
    (metrics.TopKCategoricalAccuracy, {"k": 3}), (metrics.SparseTopKCategoricalAccuracy, {"k": 2}),
    (metrics.MeanSquaredError, {}), (metrics.MeanAbsoluteError, {}), (metrics.RootMeanSquaredError, {}),
    (metrics.MeanAbsolutePercentageError, {}), (metrics.MeanSquaredLogarithmicError, {}),
    (metrics.LogCoshError, {}), (metrics.R2Score, {"class_aggregation": None, "num_regressors": 1}),
    (metrics.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.1}),
    (metrics.CategoricalCrossentropy, {"label_smoothing": 0.2, "axis": -1}),
    (metrics.SparseCategoricalCrossentropy, {"from_logits": True, "ignore_class": 3}),
    (metrics.KLDivergence, {}), (metrics.Poisson, {}), (metrics.Hinge, {}), (metrics.SquaredHinge, {}),
    (metrics.CategoricalHinge, {}),
    (metrics.F1Score, {"average": "macro", "threshold": 0.4}),
    (metrics.FBetaScore, {"average": "weighted", "beta": 2.0}),
    (metrics.PrecisionAtRecall, {"recall": 0.7, "num_thresholds": 50, "class_id": 2}),
    (metrics.RecallAtPrecision, {"precision": 0.6}),
    (metrics.SensitivityAtSpecificity, {"specificity": 0.9, "num_thresholds": 1}),
    (metrics.SpecificityAtSensitivity, {"sensitivity": 0.2}),
]


@pytest.mark.parametrize("cls,kwargs", CONFIG_CASES, ids=[cls.__name__ for cls, _ in CONFIG_CASES])
def test_config_round_trip_and_keras_config_keys(keras, cls, kwargs):
    metric = cls(name="m", **kwargs)
    config = metric.get_config()
    assert config["name"] == "m" and config["dtype"] == "float32"
    for key, value in kwargs.items():
        assert config[key] == value
    clone = metrics.deserialize(metrics.serialize(metric))
    assert type(clone) is cls and clone.get_config() == config
    keras_config = getattr(keras.metrics, cls.__name__)(name="m", **kwargs).get_config()
    assert keras_config.items() <= config.items(), (config, keras_config)


def test_serialize_names_the_class():
    config = metrics.serialize(metrics.BinaryAccuracy(threshold=0.3))
    assert config["class_name"] == "BinaryAccuracy" and config["config"]["threshold"] == 0.3
    assert metrics.serialize(metrics.MeanSquaredError())["class_name"] == "MeanSquaredError"
    assert metrics.serialize(metrics.binary_accuracy) == "binary_accuracy"


def test_mean_metric_wrapper_config_with_builtin_and_registered_functions():
    wrapper = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="ba", threshold=0.3)
    config = wrapper.get_config()
    assert config["fn"] == "binary_accuracy" and config["threshold"] == 0.3
    clone = metrics.MeanMetricWrapper.from_config(config)
    assert clone._fn is metrics.binary_accuracy and clone.get_config() == config

    def in_range(y_true, y_pred):
        return ((y_pred >= 0) & (y_pred <= 1)).float().mean(dim=-1)

    config = metrics.MeanMetricWrapper(in_range).get_config()
    with pytest.raises(ValueError, match="Unknown metric function: 'in_range'"):
        metrics.MeanMetricWrapper.from_config(config)
    from lamina.core.registry import custom_object_scope

    with custom_object_scope({"in_range": in_range}):
        assert metrics.MeanMetricWrapper.from_config(config)._fn is in_range


def test_registered_metric_subclass_round_trips():
    from lamina.core.registry import register_lamina_serializable

    @register_lamina_serializable(package="tests")
    class Maximum(metrics.Metric):
        def __init__(self, name="maximum", dtype=None):
            super().__init__(name=name, dtype=dtype)
            self.value = self.add_variable(shape=(), initializer="zeros", name="value")

        def update_state(self, values, sample_weight=None):
            self.value.copy_(torch.maximum(self.value, torch.as_tensor(values).max()))

        def result(self):
            return self.value.clone()

    clone = metrics.deserialize(metrics.serialize(Maximum(name="peak")))
    assert isinstance(clone, Maximum) and clone.name == "peak"
    clone.update_state([1.0, 5.0, 2.0])
    assert clone.result().item() == 5.0


def test_metric_error_messages():
    with pytest.raises(ValueError, match=r"categorical_accuracy expects one-hot targets.*'sparse_categorical_accuracy'"):
        metrics.CategoricalAccuracy().update_state(np.array([1, 2]), np.eye(3, dtype="float32")[:2])
    with pytest.raises(ValueError, match=r"sparse_categorical_accuracy expects integer class labels.*'categorical_accuracy'"):
        metrics.SparseCategoricalAccuracy().update_state(np.eye(3, dtype="float32"), np.eye(3, dtype="float32"))
    with pytest.raises(ValueError, match=r"binary_accuracy: targets \(y_true\) of shape \(6,\) do not match predictions \(y_pred\) of shape \(6, 6\)"):
        metrics.BinaryAccuracy().update_state(np.zeros(6), np.zeros((6, 6), dtype="float32"))
    with pytest.raises(TypeError, match=r"MeanMetricWrapper: fn must be callable; received 'mae'"):
        metrics.MeanMetricWrapper("mae")
    with pytest.raises(ValueError, match=r"R2Score: invalid class_aggregation='median'"):
        metrics.R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match=r"R2Score expects 2D inputs"):
        metrics.R2Score().update_state(np.zeros(3), np.zeros(3))
    with pytest.raises(NotImplementedError, match=r"Metric must implement update_state"):
        metrics.Metric().update_state(1)


def test_add_variable_needs_super_init():
    class Broken(metrics.Metric):
        def __init__(self):
            self.total = self.add_variable(shape=(), name="total")

    with pytest.raises(RuntimeError, match=r"Broken.add_variable: call super\(\).__init__\(\)"):
        Broken()
