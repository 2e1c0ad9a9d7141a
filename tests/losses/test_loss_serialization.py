"""losses.get / serialize / deserialize / resolve_loss, against Keras 3's resolution rules."""
import numpy as np
import pytest
import torch

from lamina import losses


def test_get_accepts_every_keras_name(keras):
    from keras.src.losses import ALL_OBJECTS_DICT

    for name, keras_obj in ALL_OBJECTS_DICT.items():
        if name in ("Loss", "LossFunctionWrapper"):
            continue  # base classes: get() cannot build them without arguments, in Keras either
        if name in ("Circle", "circle"):
            continue  # the similarity-learning loss, not built in lamina (see docs/losses_and_metrics.md)
        ours = losses.get(name)
        if isinstance(keras_obj, type):
            assert type(ours).__name__ == keras_obj.__name__, name
        else:
            assert ours.__name__ == keras_obj.__name__, name


def test_get_functions_classes_configs_and_callables():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("kullback_leibler_divergence") is losses.kl_divergence
    assert losses.get("cosine_proximity") is losses.cosine_similarity and losses.get("logcosh") is losses.log_cosh
    assert isinstance(losses.get("Huber"), losses.Huber)
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    loss = losses.get({"class_name": "BinaryCrossentropy", "config": {"from_logits": True}})
    assert isinstance(loss, losses.BinaryCrossentropy) and loss.from_logits is True

    def custom(y_true, y_pred):
        return y_pred

    assert losses.get(custom) is custom
    assert losses.get(None) is None


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError) as info:
        losses.get("categorical_crossentropi")
    message = str(info.value)
    assert "Unknown loss: 'categorical_crossentropi'" in message
    assert "'categorical_crossentropy'" in message and "'mse'" in message and "'Huber'" in message


def test_uninterpretable_identifier():
    with pytest.raises(ValueError, match=r"Could not interpret loss identifier 42"):
        losses.get(42)


def test_serialize_deserialize_round_trip():
    assert losses.serialize(losses.mse) == "mean_squared_error"
    assert losses.deserialize("mean_squared_error") is losses.mean_squared_error
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, reduction="sum", name="cce")
    config = losses.serialize(loss)
    assert config == {"class_name": "CategoricalCrossentropy", "config": loss.get_config()}
    clone = losses.deserialize(config)
    assert isinstance(clone, losses.CategoricalCrossentropy) and clone.get_config() == loss.get_config()


def test_keras_config_dict_deserializes(keras):
    keras_config = keras.losses.serialize(keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    clone = losses.deserialize({"class_name": keras_config["class_name"], "config": keras_config["config"]})
    assert isinstance(clone, losses.SparseCategoricalCrossentropy) and clone.from_logits is True


def test_custom_objects_and_registered_losses():
    from lamina.core.registry import register_lamina_serializable

    def my_loss(y_true, y_pred):
        return torch.mean(y_pred - y_true, dim=-1)

    with pytest.raises(ValueError, match="Unknown loss: 'my_loss'"):
        losses.deserialize("my_loss")
    assert losses.deserialize("my_loss", custom_objects={"my_loss": my_loss}) is my_loss

    @register_lamina_serializable(package="tests")
    class ScaledLoss(losses.Loss):
        def __init__(self, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * torch.mean(y_pred - y_true, dim=-1)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    clone = losses.deserialize(losses.serialize(ScaledLoss(scale=3.0)))
    assert isinstance(clone, ScaledLoss) and clone.scale == 3.0


def _keras_resolved(keras, identifier, y_true, y_pred):
    from keras.src.trainers.compile_utils import get_loss

    return get_loss(identifier, y_true, y_pred)


SHAPES = [((8, 1), (8, 1)), ((8,), (8, 1)), ((8,), (8, 5)), ((8, 1), (8, 5)), ((8, 5), (8, 5)), ((8, 3, 1), (8, 3, 5))]


@pytest.mark.parametrize("true_shape,pred_shape", SHAPES)
@pytest.mark.parametrize("identifier", ["crossentropy", "ce", "CE", "Crossentropy"])
def test_resolve_crossentropy_like_keras(keras, identifier, true_shape, pred_shape):
    reference = _keras_resolved(keras, identifier, np.zeros(true_shape), np.zeros(pred_shape))
    ours = losses.resolve_loss(identifier, true_shape, pred_shape)
    assert isinstance(ours, losses.LossFunctionWrapper)
    assert ours.fn.__name__ == reference.fn.__name__ and ours.name == reference.name == identifier


@pytest.mark.parametrize("identifier", ["mse", "mean_absolute_error", "categorical_crossentropy", "BCE"])
def test_resolve_named_losses_like_keras(keras, identifier):
    reference = _keras_resolved(keras, identifier, np.zeros((4, 3)), np.zeros((4, 3)))
    ours = losses.resolve_loss(identifier, (4, 3), (4, 3))
    assert ours.name == reference.name == identifier
    assert ours.fn.__name__ == reference.fn.__name__


def test_resolve_loss_objects_classes_and_functions():
    loss = losses.Huber(delta=2.0)
    assert losses.resolve_loss(loss, (4, 1), (4, 1)) is loss
    assert isinstance(losses.resolve_loss(losses.Huber, (4, 1), (4, 1)), losses.Huber)

    def weighted_mse(y_true, y_pred):
        return torch.mean(torch.square(y_true - y_pred), dim=-1)

    wrapped = losses.resolve_loss(weighted_mse, (4, 1), (4, 1))
    assert isinstance(wrapped, losses.LossFunctionWrapper) and wrapped.name == "weighted_mse"
    assert wrapped.fn is weighted_mse
    assert losses.resolve_loss(None, (4, 1), (4, 1)) is None
