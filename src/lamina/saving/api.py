"""The public entry points: ``save_model``, ``load_model``, ``model_to_json``, ``model_from_json``, ``clone_model``.

Example:
    >>> import os, tempfile
    >>> from lamina.layers import Dense
    >>> from lamina.models import Sequential
    >>> model = Sequential([Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> save_model(model, path)
    >>> load_model(path).output_shape
    (None, 2)
"""
import os

from lamina.saving.errors import LoadError, reraise_as_load_error
from lamina.saving.json_io import parse_json, to_json
from lamina.saving.keras_archive import load_archive, save_archive
from lamina.saving.legacy_h5 import KERAS_VERSION, load_h5_model, save_h5_model
from lamina.saving.model_builder import build_model
from lamina.saving.serialization import serialize_layer, with_keras_modules
from lamina.saving.weights import sniff_format

MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


def save_model(model, filepath, overwrite=True, include_optimizer=True, **kwargs):
    """Save the whole model: ``.keras`` (lamina's format) or ``.h5``/``.hdf5`` (Keras 2's, readable by Keras 3).

    The file is written to a temporary name, fsynced and renamed into place, so a
    crash leaves the previous file whole. ``save_format='h5'`` (Keras 2) is accepted.

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> save_model(Sequential([Dense(1, input_shape=(2,))]), "model")
        Traceback (most recent call last):
        ...
        ValueError: save_model: filepath='model' must end in .keras, .h5 or .hdf5 (TensorFlow's SavedModel directories are not supported)
    """
    save_format = kwargs.pop("save_format", None)
    kwargs.pop("options", None)
    kwargs.pop("signatures", None)
    if kwargs:
        raise TypeError(f"save_model() got unexpected keyword argument(s) {sorted(kwargs)}")
    path = os.fspath(filepath)
    if save_format not in (None, "h5", "keras"):
        raise ValueError(f"save_model: save_format={save_format!r} is not supported; use 'keras' or 'h5'")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"save_model: {path!r} exists; pass overwrite=True to replace it")
    if save_format == "h5" or path.endswith((".h5", ".hdf5")):
        save_h5_model(model, path, include_optimizer=include_optimizer)
    elif path.endswith(".keras") or save_format == "keras":
        save_archive(model, path, include_optimizer=include_optimizer)
    else:
        raise ValueError(f"save_model: filepath={path!r} must end in .keras, .h5 or .hdf5 (TensorFlow's SavedModel "
                         "directories are not supported)")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, **kwargs):
    """Load a model saved by lamina or Keras (``.keras``, or Keras 2/3 ``.h5``); the format is read from the file.

    Args:
        filepath: the file.
        custom_objects: ``{name: class or function}`` for your own layers, losses, metrics...
        compile: compile the model as it was saved (optimizer state included).
        safe_mode: refuse anything in the file that would run code (``Lambda`` functions
            stored as bytecode). Pass ``False`` only for files you trust.

    Every problem with the file raises :class:`~lamina.saving.LoadError` (a ``ValueError``).

    Example:
        >>> load_model("/no/such/model.keras")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: /no/such/model.keras: file not found
    """
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"load_model() got unexpected keyword argument(s) {sorted(kwargs)}")
    path = os.fspath(filepath)
    kind = sniff_format(path)
    with reraise_as_load_error(path):
        if kind == "zip":
            return load_archive(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
        if kind == "hdf5":
            return load_h5_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
        if kind == "safetensors" or path.endswith((".pt", ".pth")):
            raise LoadError(f"{path}: this file holds weights only; build the model in code and call "
                            "model.load_weights(path)")
        raise LoadError(f"{path}: not a model file lamina knows (a .keras zip archive or a Keras HDF5 file)")


def model_to_json(model, **kwargs):
    """The model's architecture as a JSON string (Keras's ``to_json``); ``kwargs`` go to ``json.dumps``.

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> '"class_name": "Sequential"' in model_to_json(Sequential([Dense(1, input_shape=(2,))]))
        True
    """
    config = with_keras_modules(serialize_layer(model))
    config.update({"keras_version": KERAS_VERSION, "backend": "torch"})
    return to_json(config, **kwargs)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """A model (with fresh weights) from :func:`model_to_json`'s output or Keras's ``to_json``.

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> model_from_json(model_to_json(Sequential([Dense(3, input_shape=(2,))]))).count_params()
        9
    """
    config = parse_json(json_string, "model_from_json")
    return build_model(config, "model_from_json", None, custom_objects, safe_mode)


def _clone_layer(layer):
    from lamina.layers.core.lambda_layer import Lambda

    if isinstance(layer, Lambda):
        config = layer.get_config()
        return Lambda(layer.function, output_shape=layer._output_shape, mask=layer.mask,
                      arguments=dict(layer.arguments), name=config["name"], trainable=config["trainable"])
    return type(layer).from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """A new model with the same architecture and new weights (freshly initialised), as ``keras.models.clone_model``.

    ``clone_function(layer)`` makes each new layer (default: ``from_config(get_config())``);
    ``input_tensors`` gives the clone new inputs (functional and Sequential models).

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> model = Sequential([Dense(2, input_shape=(3,))])
        >>> clone = clone_model(model)
        >>> clone is model, clone.output_shape
        (False, (None, 2))
    """
    from lamina.layers.core.input_layer import InputLayer
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    kwargs.pop("call_function", None)
    recursive = kwargs.pop("recursive", False)
    if kwargs:
        raise TypeError(f"clone_model() got unexpected keyword argument(s) {sorted(kwargs)}")
    def clone(layer):
        if recursive and isinstance(layer, (Functional, Sequential)):  # nested models, layer by layer too
            return clone_model(layer, clone_function=clone_function, recursive=True)
        return (clone_function or _clone_layer)(layer)

    if isinstance(model, Sequential):
        layers = [clone(layer) for layer in model.layers]
        if input_tensors is not None:
            inputs = input_tensors[0] if isinstance(input_tensors, (list, tuple)) else input_tensors
            history = getattr(inputs, "_keras_history", None)
            if history is not None and getattr(history.operation, "_is_input_layer", False):
                return Sequential([inputs] + layers, name=model.name, trainable=model.trainable)
            return Functional(inputs, _apply(layers, inputs), name=model.name)
        if model._input_layer is not None:
            layers = [InputLayer.from_config(model._input_layer.get_config())] + layers
        return Sequential(layers, name=model.name, trainable=model.trainable)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone)
    return type(model).from_config(model.get_config())


def _apply(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def _clone_functional(model, input_tensors, clone):
    from lamina.core import tree
    from lamina.core.symbolic import KerasTensor, SymbolicOp, symbolic_call
    from lamina.layers.core.input_layer import Input
    from lamina.models.functional import Functional

    new_inputs = []
    given = tree.flatten(input_tensors) if input_tensors is not None else None
    if given is not None and len(given) != len(model.inputs):
        raise ValueError(f"clone_model: the model has {len(model.inputs)} inputs; input_tensors has {len(given)}")
    mapping = {}
    for index, tensor in enumerate(model.inputs):
        layer = tensor._keras_history.operation
        if given is not None:
            new = given[index]
        else:
            config = layer.get_config()
            new = Input(batch_shape=config["batch_shape"], dtype=config["dtype"], name=config["name"])
        mapping[id(tensor)] = new
        new_inputs.append(new)
    clones = {}
    swap = lambda v: mapping[id(v)] if isinstance(v, KerasTensor) else v  # noqa: E731
    for node in model._program.nodes:
        operation = node.operation
        args, kwargs = tree.map_structure(swap, node.call_args), tree.map_structure(swap, node.call_kwargs)
        if isinstance(operation, SymbolicOp):  # record the same function again, as one node
            outputs = symbolic_call(operation.fn, args, kwargs, name=getattr(operation.fn, "__name__", "op"))
        else:
            target = clones.get(id(operation))
            if target is None:
                target = clones[id(operation)] = clone(operation)
            outputs = target(*args, **kwargs)
        for old, new in zip(node.output_tensors, [t for t in tree.flatten(outputs) if isinstance(t, KerasTensor)]):
            mapping[id(old)] = new
    inputs = tree.pack_sequence_as(model._input_structure, new_inputs)
    outputs = tree.map_structure(lambda t: mapping[id(t)], model._output_structure)
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)
