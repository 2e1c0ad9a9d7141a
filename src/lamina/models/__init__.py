"""Models (``keras.models``): ``Model``, ``Sequential`` and the functional API.

Example:
    >>> from lamina.models import Sequential
    >>> from lamina.layers import Dense
    >>> Sequential([Dense(1, input_shape=(2,))]).count_params()
    3
"""
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, **kwargs):
    """Load a model saved by ``model.save`` (or a Keras ``.keras`` / ``.h5`` file).

    See :func:`lamina.saving.load_model`.
    """
    from lamina.saving import load_model as _load_model

    return _load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model's architecture from :meth:`Model.to_json`'s output.

    See :func:`lamina.saving.model_from_json`.
    """
    from lamina.saving import model_from_json as _model_from_json

    return _model_from_json(json_string, custom_objects=custom_objects)


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """A new model with the same architecture and freshly initialised weights.

    See :func:`lamina.saving.clone_model`.
    """
    from lamina.saving import clone_model as _clone_model

    return _clone_model(model, input_tensors=input_tensors, clone_function=clone_function, **kwargs)
