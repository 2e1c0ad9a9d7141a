"""Keras 2's HDF5 files (``model.save('x.h5')``, ``save_weights('x.h5')``), read and written.

Layout (the one Keras 3 still reads and writes as its "legacy" format)::

    /                      attrs: model_config (JSON), training_config (JSON), keras_version, backend
    /model_weights         attrs: layer_names; one group per layer, in which
      /<layer name>        attrs: weight_names; one dataset per name (trainable weights, then the others)
    /optimizer_weights     attrs: weight_names; the optimizer's variables in Keras's order

A weights-only file (``save_weights('x.h5')``) has the ``model_weights`` content at
its root. Weights are matched to the model's layers by order (layers without
weights skipped), or by layer name with ``by_name=True``; everything is checked
before anything is assigned.

Example:
    >>> import os, tempfile
    >>> from lamina.layers import Dense
    >>> from lamina.models import Sequential
    >>> path = os.path.join(tempfile.mkdtemp(), "m.h5")
    >>> save_h5_model(Sequential([Dense(2, input_shape=(3,), name="d")]), path)
    >>> load_h5_model(path).get_layer("d").units
    2
"""
import warnings


from lamina.saving.compile_config import serialize_compile_config
from lamina.saving.errors import LoadError
from lamina.saving.hdf5_io import SafeH5, set_string_list, write_h5
from lamina.saving.json_io import to_json
from lamina.saving.model_builder import build_model, fully_built, restore_optimizer
from lamina.saving.serialization import serialize_layer, with_keras_modules

KERAS_VERSION = "3.0.0"  # the Keras config format lamina writes


def legacy_weights(layer):
    """A layer's weights in the HDF5 order: trainable ones, then the others (Keras's rule)."""
    if not hasattr(layer, "trainable_weights"):
        return [p for p in layer.parameters()]
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _unique(names):
    """``names`` with repeats made unique by a numeric suffix (HDF5 datasets need distinct names)."""
    out, used = [], set()
    for base in names:
        name, suffix = base, 1
        while name in used:
            name, suffix = f"{base}_{suffix}", suffix + 1
        used.add(name)
        out.append(name)
    return out


def _weight_names(layer, weights):
    return _unique([f"{layer.name}/{getattr(w, 'path', None) or f'weight_{i}'}" for i, w in enumerate(weights)])


def write_layer_weights(group, model):
    """Write ``model``'s weights into ``group`` in Keras 2's per-layer layout."""
    layers = model.layers
    set_string_list(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = "torch"
    group.attrs["keras_version"] = KERAS_VERSION
    for layer in sorted(layers, key=lambda l: l.name):
        layer_group = group.create_group(layer.name)
        weights = legacy_weights(layer)
        names = _weight_names(layer, weights)
        set_string_list(layer_group, "weight_names", names)
        for name, weight in zip(names, weights):
            layer_group.create_dataset(name, data=weight.detach().cpu().numpy())
    set_string_list(group.create_group("top_level_model_weights"), "weight_names", [])


def _canonical_loss(value):
    """Loss aliases (``'mse'``) as their function names: Keras 3's HDF5 loader cannot resolve the aliases."""
    import inspect

    from lamina.losses.serialization import ALL_LOSSES

    if isinstance(value, str):
        found = ALL_LOSSES.get(value)
        return found.__name__ if found is not None and not inspect.isclass(found) else value
    if isinstance(value, list):
        return [_canonical_loss(v) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {k: _canonical_loss(v) for k, v in value.items()}
    return value


def _training_config(model):
    config = serialize_compile_config(model)
    if config is None:
        return None
    config = dict(config)
    config["optimizer_config"] = config.pop("optimizer")
    config["loss"] = _canonical_loss(config.get("loss"))
    return config


def save_h5_model(model, path, include_optimizer=True):
    """Write the whole model as a Keras 2 HDF5 file (atomically); Keras 3's ``load_model`` reads it.

    Example:
        >>> import os, tempfile
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> save_h5_model(Sequential([Dense(1, input_shape=(2,))]), os.path.join(tempfile.mkdtemp(), "m.h5"))
    """
    config = with_keras_modules(serialize_layer(model))
    training_config = _training_config(model)
    with write_h5(path) as f:
        f.attrs["backend"] = "torch"
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["model_config"] = to_json(config).encode("utf8")
        if training_config is not None:
            f.attrs["training_config"] = to_json(training_config).encode("utf8")
        write_layer_weights(f.create_group("model_weights"), model)
        optimizer = getattr(model, "optimizer", None)
        if include_optimizer and training_config is not None and getattr(optimizer, "built", False):
            group = f.create_group("optimizer_weights")
            variables = list(optimizer.variables)
            names = _unique([variable.path for variable in variables])
            set_string_list(group, "weight_names", names)
            for name, variable in zip(names, variables):
                group.create_dataset(name, data=variable.detach().cpu().numpy())


def save_h5_weights(model, path):
    """Write only the weights, Keras 2 style (``save_weights('x.h5')``); Keras 3's ``load_weights`` reads it."""
    with write_h5(path) as f:
        write_layer_weights(f, model)


def _file_layers(h5, group):
    """``[(layer name, [datasets])]`` for the layers of the file that have weights, in file order."""
    names = h5.attribute(group, "layer_names")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise LoadError(f"{h5.label}: the file has no 'layer_names' list: it is not a Keras HDF5 weights file")
    out = []
    for name in names:
        layer_group = h5.group(group, name)
        weight_names = h5.attribute(layer_group, "weight_names", [])
        if not isinstance(weight_names, list) or not all(isinstance(n, str) for n in weight_names):
            raise LoadError(f"{h5.label}: layer {name!r} has a malformed weight_names attribute")
        if weight_names:
            out.append((name, [h5.dataset(layer_group, n) for n in weight_names]))
    return out


def plan_layer_weights(h5, group, model, by_name=False, skip_mismatch=False):
    """Pair the file's datasets with the model's weights (checked, nothing read): ``[(weight, dataset)]``."""
    file_layers = _file_layers(h5, group)
    model_layers = [layer for layer in model.layers if legacy_weights(layer)]
    if by_name:
        by_layer = {}
        for layer in model_layers:
            by_layer.setdefault(layer.name, []).append(layer)
        pairs = [(layer, name, datasets) for name, datasets in file_layers for layer in by_layer.get(name, [])]
    else:
        if len(file_layers) != len(model_layers):
            raise LoadError(
                f"{h5.label}: the file has weights for {len(file_layers)} layers "
                f"({[n for n, _ in file_layers][:8]}), the model has {len(model_layers)} layers with weights "
                f"({[l.name for l in model_layers][:8]}). Use by_name=True to match layers by name."
            )
        pairs = [(layer, name, datasets) for layer, (name, datasets) in zip(model_layers, file_layers)]
    plan = []
    for layer, name, datasets in pairs:
        weights = legacy_weights(layer)
        problem = None
        if len(weights) != len(datasets):
            problem = (f"layer {layer.name!r} expects {len(weights)} weights, but the file's layer {name!r} has "
                       f"{len(datasets)}")
        else:
            for weight, dataset in zip(weights, datasets):
                shape, _ = h5.check(dataset)
                if shape != tuple(weight.shape):
                    problem = (f"layer {layer.name!r}: weight {getattr(weight, 'path', '')} has shape "
                               f"{tuple(weight.shape)}, but the file's {dataset.name} has shape {shape}")
                    break
        if problem is None:
            plan.extend(zip(weights, datasets))
        elif skip_mismatch:
            warnings.warn(f"{h5.label}: skipping {problem}", stacklevel=4)
        else:
            raise LoadError(f"{h5.label}: {problem}")
    return plan


def load_h5_model(path, custom_objects=None, compile=True, safe_mode=True):
    """A model from a Keras 2 style HDF5 file (written by lamina, Keras 3 or tf.keras).

    Example:
        >>> import io, h5py
        >>> buffer = io.BytesIO()
        >>> h5py.File(buffer, "w").close()
        >>> load_h5_model(buffer)
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: model.h5: the file has no model_config: it holds weights only. Build the model in code and call model.load_weights(path).
    """
    from lamina.saving.compile_config import deserialize_compile_config
    from lamina.saving.errors import reraise_as_load_error
    from lamina.saving.serialization import load_scope

    label = path if isinstance(path, str) else "model.h5"
    with SafeH5(path, label) as h5:
        config = h5.json_attribute(h5.root, "model_config")
        if config is None:
            raise LoadError(f"{label}: the file has no model_config: it holds weights only. Build the model in code "
                            "and call model.load_weights(path).")
        group = h5.group(h5.root, "model_weights")
        model = build_model(config, label, h5.total_bytes(group), custom_objects, safe_mode)
        if not fully_built(model):
            raise LoadError(f"{label}: the model could not be built from its config, so its weights cannot be "
                            "restored")
        h5.read_into(plan_layer_weights(h5, group, model))
        training_config = h5.json_attribute(h5.root, "training_config") if compile else None
        if training_config:
            with load_scope(safe_mode, custom_objects), reraise_as_load_error(f"{label}: training_config"):
                model.compile_from_config(deserialize_compile_config(training_config, custom_objects))
            optimizer_group = h5.group(h5.root, "optimizer_weights", required=False)
            if optimizer_group is not None:
                names = h5.attribute(optimizer_group, "weight_names", [])
                if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                    raise LoadError(f"{label}: optimizer_weights has a malformed weight_names attribute")
                values = {str(i): h5.read(h5.dataset(optimizer_group, n)) for i, n in enumerate(names)}
                restore_optimizer(model, values, None, label, strict=False)
    return model


def load_h5_weights(model, path, by_name=False, skip_mismatch=False):
    """Load a Keras 2 style HDF5 weights file (or the weights of a full ``.h5`` model file) into ``model``."""
    label = path if isinstance(path, str) else "weights.h5"
    with SafeH5(path, label) as h5:
        group = h5.group(h5.root, "model_weights", required=False) or h5.root
        h5.read_into(plan_layer_weights(h5, group, model, by_name=by_name, skip_mismatch=skip_mismatch))
