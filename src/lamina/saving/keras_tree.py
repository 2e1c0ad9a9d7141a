"""Keras 3's weights layout (``.weights.h5`` and the ``model.weights.h5`` inside a Keras ``.keras`` file).

Keras 3 stores each object's *own* variables under ``<path>/vars/0``, ``1``, ...,
where the path follows the object tree: a model's layers live under
``layers/<snake_case class name>`` (``dense``, ``dense_1``... numbered in
``model.layers`` order, never by layer name), a layer's sub-layers under their
attribute names (``cell``, ``forward_layer``, ``layer``), lists of sub-layers
under the attribute name with class-named entries (``cells/lstm_cell``), and the
optimizer's variables under ``optimizer/vars``. lamina's layers keep Keras's
attribute names, so :func:`keras_tree` computes the same paths for a lamina model.

Example:
    >>> from lamina.layers import LSTM, Dense
    >>> from lamina.models import Sequential
    >>> model = Sequential([LSTM(3, input_shape=(5, 2)), Dense(1)])
    >>> [path for path, _, weights in keras_tree(model) if weights]
    ['layers/lstm/cell', 'layers/dense']
"""
import torch

from lamina.core.naming import to_snake_case
from lamina.layers.layer import Layer, _is_container, _module_weights
from lamina.saving.errors import LoadError


def _name_key(name):
    return f"~{name}" if name.startswith("_") else name


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _join(path, name):
    return f"{path}/{name}" if path else name


def _own_weights(obj):
    if isinstance(obj, Layer):
        return obj._own_weights()
    if isinstance(obj, torch.nn.Module):
        return _module_weights(obj)
    return []


def _children(obj, path):
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    if isinstance(obj, (Functional, Sequential)):
        used = {}
        return [(_join(_join(path, "layers"), _unique(to_snake_case(type(layer).__name__), used)), layer)
                for layer in obj.layers]
    if not isinstance(obj, Layer):
        return []
    out = []
    for attr in sorted(obj._modules, key=_name_key):
        module = obj._modules[attr]
        if module is None:
            continue
        name = attr[len("_tracked_"):] if attr.startswith("_tracked_") else attr
        if _is_container(module) or (attr.startswith("_tracked_") and isinstance(module, torch.nn.ModuleDict)):
            used = {}
            for item in module.values() if isinstance(module, torch.nn.ModuleDict) else module:
                out.append((_join(_join(path, name), _unique(to_snake_case(type(item).__name__), used)), item))
        else:
            out.append((_join(path, name), module))
    return out


def keras_tree(model, optimizer=None):
    """``[(path, object, own weights)]`` for ``model`` (and ``optimizer``) in Keras 3's walk order.

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> [(p, len(w)) for p, _, w in keras_tree(Sequential([Dense(2, input_shape=(3,))]))]
        [('', 0), ('layers/dense', 2)]
    """
    entries, visited = [], set()

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        entries.append((path, obj, _own_weights(obj)))
        for child_path, child in _children(obj, path):
            visit(child, child_path)

    visit(model, "")
    if optimizer is not None:
        entries.append(("optimizer", optimizer, list(optimizer.variables)))
    return entries


def write_tree(h5file, model, optimizer=None):
    """Write the Keras 3 layout of ``model`` (and ``optimizer``) into an open ``h5py.File``.

    Example:
        >>> import io, h5py
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> with h5py.File(io.BytesIO(), "w") as f:
        ...     write_tree(f, Sequential([Dense(2, input_shape=(3,))]))
        ...     sorted(f["layers/dense/vars"])
        ['0', '1']
    """
    for path, obj, weights in keras_tree(model, optimizer):
        group = h5file.require_group(_join(path, "vars"))
        name = getattr(obj, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        for index, weight in enumerate(weights):
            value = weight.detach().cpu().numpy()
            group.create_dataset(str(index), data=value)


def plan_tree(h5, model, optimizer=None, skip_mismatch=False, stats=None):
    """Match the file's ``<path>/vars`` datasets to the model's weights: ``[(weight, dataset)]``, checked.

    Nothing is read or assigned here; ``h5.read_into(plan)`` does that once every
    weight has found a dataset of the right shape.
    """
    plan, problems = [], []
    for path, obj, weights in keras_tree(model, optimizer):
        label = f"{path or 'the model'} ({type(obj).__name__} '{getattr(obj, 'name', '?')}')"
        group = h5.group(h5.root, _join(path, "vars"), required=False)
        if group is None:
            if weights:
                problems.append(f"{label}: no variables in the file")
            continue
        names = sorted((n for n in group.keys()), key=lambda n: (len(n), n))
        if names != [str(i) for i in range(len(names))]:
            problems.append(f"{label}: unexpected entries {names[:5]} in {group.name}")
            continue
        if len(names) != len(weights):
            problems.append(f"{label}: the file has {len(names)} variables, the model {len(weights)}")
            continue
        pairs = []
        for index, weight in enumerate(weights):
            dataset = h5.dataset(group, str(index))
            shape, dtype = h5.check(dataset)
            if shape != tuple(weight.shape):
                problems.append(f"{label}: variable {index} ({getattr(weight, 'path', '')}) has shape {shape} in the "
                                f"file but {tuple(weight.shape)} in the model")
                pairs = None
                break
            pairs.append((weight, dataset))
        if pairs:
            plan.extend(pairs)
    if problems and not skip_mismatch:
        raise LoadError(f"{h5.label}: the weights do not match the model: " + "; ".join(problems[:8]))
    if stats is not None:
        stats.extend(problems)
    return plan
