"""The ``Layer`` base class: Keras's layer contract on a ``torch.nn.Module``.

A layer takes its hyper-parameters in ``__init__``, creates weights in
``build(input_shape)`` through :meth:`Layer.add_weight`, and computes in
``call(inputs, training=None, mask=None)``. It builds itself on its first call
(eager tensors or symbolic ``KerasTensor``s). Because it *is* an ``nn.Module``,
``state_dict``, ``.to(device)``, hooks, ``torch.compile`` and DDP work on it, and its
weights are :class:`~lamina.core.variable.Variable`s (``nn.Parameter``s) named by
attribute, as in torch (``kernel``, ``bias``), while ``get_weights``/``set_weights``
exchange NumPy arrays in Keras's shapes and order.

Example:
    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
    ...     def call(self, inputs):
    ...         return inputs * self.w
    >>> layer = Scale()
    >>> layer(torch.ones(2, 3)).shape
    torch.Size([2, 3])
    >>> [w.shape for w in layer.get_weights()], list(layer.state_dict())
    ([(3,)], ['w'])
"""
import inspect

import numpy as np
import torch
from torch import nn

from lamina import constraints as constraints_module
from lamina import initializers as initializers_module
from lamina import regularizers as regularizers_module
from lamina.core import config, registry, tree
from lamina.core.dtypes import dtype_name, to_torch_dtype
from lamina.core.naming import to_snake_case, unique_name
from lamina.core.symbolic import KerasTensor, Node, any_symbolic, in_symbolic_scope, infer_output_spec
from lamina.core.tensors import convert_to_tensor
from lamina.core.variable import Variable
from lamina.layers.input_spec import InputSpec, check_input_spec
from lamina.layers.masks import get_mask, set_mask


class _CallContext:
    """State shared by nested layer calls: the ``training`` flag and the call depth."""

    __slots__ = ("training", "depth")

    def __init__(self):
        self.training = None
        self.depth = 0


_CONTEXT = _CallContext()
_layers_holding_losses = 0  # how many layers currently hold add_loss values (0 = nothing to clear)


class _CallInfo:
    """What a layer class's ``call`` and ``build`` accept, computed once per class."""

    __slots__ = ("has_training", "has_mask", "arg_names", "build_args", "masking_override")

    def __init__(self, layer):
        params = inspect.signature(layer.call).parameters
        self.has_training = "training" in params
        self.has_mask = "mask" in params
        self.arg_names = [
            name for name, p in params.items()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and name not in ("training", "mask")
        ]
        build_params = [
            name for name, p in inspect.signature(layer.build).parameters.items()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        self.build_args = build_params
        self.masking_override = type(layer).compute_mask is not Layer.compute_mask


_CALL_INFO = {}


def _shape_of(x):
    if isinstance(x, (torch.Tensor, KerasTensor)):
        return tuple(x.shape)
    if isinstance(x, np.ndarray):
        return x.shape
    if isinstance(x, (list, tuple)):
        return type(x)(_shape_of(v) for v in x) if x and not isinstance(x[0], (int, float)) else None
    if isinstance(x, dict):
        return {k: _shape_of(v) for k, v in x.items()}
    return None


def _is_container(module):
    return isinstance(module, (nn.ModuleList, nn.ModuleDict)) and not isinstance(module, Layer)


def _created_trainable(param):
    return getattr(param, "_created_trainable", param.requires_grad)


_BASE_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size", "batch_shape", "weights", "dynamic",
                "input_dtype")


@registry.register()
class Layer(nn.Module):
    """Base class of all lamina layers; subclass it for your own.

    Args:
        trainable: whether the layer's weights are updated by training.
        name: unique name (auto-generated as ``dense``, ``dense_1``, ... if omitted).
        dtype: dtype of weights and computations (``floatx()`` by default).
        activity_regularizer: penalty on the layer's outputs, added to ``losses``.
        input_shape / input_dim / batch_input_shape / batch_size: Keras 2 and 3
            spellings of the expected input; a ``Sequential`` model builds itself from
            its first layer's.
        weights: initial weights (NumPy arrays), set when the layer is built.

    Example:
        >>> class Double(Layer):
        ...     def call(self, inputs):
        ...         return 2 * inputs
        >>> Double(name="double")(torch.ones(1)).tolist()
        [2.0]
    """

    _is_input_layer = False

    def __init__(self, *, trainable=True, name=None, dtype=None, autocast=True, activity_regularizer=None, **kwargs):
        nn.Module.__init__(self)
        unknown = set(kwargs) - set(_BASE_KWARGS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(unknown)}; "
                f"check the spelling against the layer's documented arguments"
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string; received name={name!r}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._dtype_name = dtype_name(self._standardize_dtype(dtype))
        self.autocast = autocast
        self._trainable = bool(trainable)
        self.built = False
        self.supports_masking = getattr(self, "supports_masking", False)
        self.input_spec = None
        self.activity_regularizer = regularizers_module.get(activity_regularizer)
        self._inbound_nodes = []
        self._outbound_nodes = []
        self._losses = []
        self._symbolic_losses = []
        self._initial_weights = kwargs.get("weights")
        self._input_dtype = kwargs.get("input_dtype")
        self._input_shape_arg = None
        self._batch_size_arg = kwargs.get("batch_size")
        if kwargs.get("input_dim") is not None:
            self._input_shape_arg = (kwargs["input_dim"],)
        elif kwargs.get("input_shape") is not None:
            self._input_shape_arg = tuple(kwargs["input_shape"])
        batch_shape = kwargs.get("batch_input_shape", kwargs.get("batch_shape"))
        if batch_shape is not None:
            self._input_shape_arg = tuple(batch_shape[1:])
            self._batch_size_arg = batch_shape[0]

    def _standardize_dtype(self, dtype):
        if isinstance(dtype, dict):  # a Keras 3 DTypePolicy config
            dtype = dtype.get("config", {}).get("name", None)
        if isinstance(dtype, str) and dtype.startswith("mixed_"):
            raise ValueError(
                f"{type(self).__name__}: mixed-precision policy {dtype!r} is not supported; use torch.autocast "
                "around fit/predict, or dtype='float16'/'bfloat16'"
            )
        return to_torch_dtype(dtype)

    # -- dtypes -------------------------------------------------------------------
    @property
    def dtype(self):
        """Name of the weights' dtype (``'float32'``)."""
        return self._dtype_name

    @property
    def compute_dtype(self):
        return self._dtype_name

    @property
    def variable_dtype(self):
        return self._dtype_name

    @property
    def dtype_policy(self):
        return self._dtype_name

    def _apply(self, fn, *args, **kwargs):  # .to(dtype), .double(), .half() keep `dtype` in sync
        result = super()._apply(fn, *args, **kwargs)
        for param in self._parameters.values():
            if param is not None and param.is_floating_point():
                self._dtype_name = dtype_name(param.dtype)
                break
        return result

    # -- attribute tracking -----------------------------------------------------------
    def __setattr__(self, name, value):
        if isinstance(value, Variable) and "_parameters" in self.__dict__:
            old_key = next((k for k, p in self._parameters.items() if p is value), None)
            if old_key is not None and old_key != name:
                self._rename_parameter(old_key, name)
                return
        elif isinstance(value, (list, tuple)) and not isinstance(value, nn.Module) and value:
            if all(isinstance(v, nn.Module) for v in value):
                value = nn.ModuleList(value)
            elif any(isinstance(v, nn.Module) for v in value):
                self._track_hidden(name, {str(i): v for i, v in enumerate(value) if isinstance(v, nn.Module)})
        elif isinstance(value, dict) and value and not isinstance(value, nn.Module):
            modules = {str(k): v for k, v in value.items() if isinstance(v, nn.Module)}
            if modules and len(modules) == len(value) and all(isinstance(k, str) and "." not in k for k in value):
                value = nn.ModuleDict(value)
            elif modules:
                self._track_hidden(name, modules)
        super().__setattr__(name, value)

    def __getattr__(self, name):
        try:
            return nn.Module.__getattr__(self, name)
        except AttributeError:
            # A property that raised AttributeError lands here; re-run it so its own message is shown.
            prop = getattr(type(self), name, None)
            if isinstance(prop, property) and prop.fget is not None:
                prop.fget(self)
            raise

    def _rename_parameter(self, old_key, new_key):
        items = [(new_key if k == old_key else k, p) for k, p in self._parameters.items()]
        self._parameters.clear()
        self._parameters.update(items)

    def _track_hidden(self, name, modules):
        container = nn.ModuleDict({k.replace(".", "_"): v for k, v in modules.items()})
        nn.Module.__setattr__(self, f"_tracked_{name}", container)

    # -- weights ------------------------------------------------------------------
    _ADD_WEIGHT_KERAS3 = ("shape", "initializer", "dtype", "trainable", "autocast", "regularizer", "constraint",
                          "aggregation", "overwrite_with_gradient", "name")
    _ADD_WEIGHT_KERAS2 = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")

    def add_weight(self, *args, **kwargs):
        """Create a weight (a :class:`Variable`) owned by this layer and return it.

        Arguments (Keras 3 order, also accepted by keyword): ``shape``, ``initializer``,
        ``dtype``, ``trainable``, ``autocast``, ``regularizer``, ``constraint``,
        ``aggregation``, ``overwrite_with_gradient``, ``name``. Keras 2's positional order
        (``name`` first) is recognised too. The initializer defaults to
        ``'glorot_uniform'`` for floats and ``'zeros'`` otherwise.

        Example:
            >>> layer = Layer()
            >>> w = layer.add_weight(shape=(2, 3), initializer="zeros", name="kernel")
            >>> w.path, layer.weights[0] is w
            ('layer/kernel', True)
        """
        order = self._ADD_WEIGHT_KERAS2 if args and isinstance(args[0], str) else self._ADD_WEIGHT_KERAS3
        if len(args) > len(order):
            raise TypeError(f"{self._label}.add_weight: too many positional arguments ({len(args)})")
        for key, value in zip(order, args):
            if key in kwargs:
                raise TypeError(f"{self._label}.add_weight: got multiple values for argument {key!r}")
            kwargs[key] = value
        unknown = set(kwargs) - set(self._ADD_WEIGHT_KERAS3)
        if unknown:
            raise TypeError(f"{self._label}.add_weight: unexpected keyword argument(s) {sorted(unknown)}")
        return self._create_weight(**kwargs)

    def _create_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                       regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False,
                       name=None):
        if isinstance(shape, int):
            shape = (shape,)
        shape = () if shape is None else tuple(int(d) if d is not None else None for d in shape)
        if any(d is None for d in shape):
            raise ValueError(
                f"{self._label}: cannot create weight {name!r} with an unknown dimension; received shape={shape}"
            )
        torch_dtype = to_torch_dtype(dtype) if dtype is not None else to_torch_dtype(self._dtype_name)
        if initializer is None:
            initializer = "glorot_uniform" if torch_dtype.is_floating_point else "zeros"
        init = initializers_module.get(initializer)
        with torch.no_grad():
            value = init(shape, dtype=dtype_name(torch_dtype))
        value = convert_to_tensor(value, dtype=torch_dtype, device=config.device())
        variable = Variable(
            value, trainable=bool(trainable), name=name or "variable",
            regularizer=regularizers_module.get(regularizer), constraint=constraints_module.get(constraint),
        )
        variable._path = f"{self.name}/{variable.name}"
        if not self._trainable and variable.requires_grad:
            variable.requires_grad_(False)
        key = (name or "variable").replace(".", "_").replace("/", "_")
        if self.__dict__.get(key, 0) is None:
            del self.__dict__[key]  # Keras idiom: `self.gamma = None` in __init__, the weight in build
        base, index = key, 1
        while key in self._parameters or key in self._modules or key in self._buffers or key in self.__dict__:
            key, index = f"{base}_{index}", index + 1
        self.register_parameter(key, variable)
        return variable

    def _own_weights(self):
        own = [p for p in self._parameters.values() if p is not None]
        ordered = [p for p in own if _created_trainable(p)] + [p for p in own if not _created_trainable(p)]
        return ordered + [b for b in self._buffers.values() if b is not None and b.is_floating_point()]

    def _sublayers(self):
        """Direct sub-layers (and plain torch modules) in tracking order."""
        stack = list(self._modules.values())
        out = []
        while stack:
            module = stack.pop(0)
            if module is None:
                continue
            if _is_container(module):
                stack = list(module._modules.values()) + stack
            else:
                out.append(module)
        return out

    def _flatten_layers(self, include_self=True):
        """This layer and every nested layer, depth first, each once."""
        seen, out = set(), []
        stack = [self] if include_self else self._sublayers()
        while stack:
            layer = stack.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if isinstance(layer, Layer):
                stack = layer._sublayers() + stack
        return out

    @property
    def weights(self):
        """All weights: own trainable, own non-trainable, then each sub-layer's (Keras 3 order)."""
        seen, out = set(), []
        for w in self._own_weights():
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
        for layer in self._sublayers():
            sub = layer.weights if isinstance(layer, Layer) else _module_weights(layer)
            for w in sub:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for w in self.weights if w.requires_grad]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        return [w for w in self.weights if not w.requires_grad]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for p in self._parameters.values():
            if p is not None and _created_trainable(p) and (p.is_floating_point() or p.is_complex()):
                p.requires_grad_(value)
        for layer in self._sublayers():
            if isinstance(layer, Layer):
                layer.trainable = value
            else:
                for p in layer.parameters():
                    p.requires_grad_(value)

    def get_weights(self):
        """The weights as a list of NumPy arrays (copies), in ``weights`` order.

        Example:
            >>> layer = Layer(); _ = layer.add_weight(shape=(2,), initializer="ones")
            >>> layer.get_weights()[0].tolist()
            [1.0, 1.0]
        """
        return [w.detach().cpu().numpy().copy() for w in self.weights]

    def set_weights(self, weights):
        """Set the weights from NumPy arrays in ``weights`` order; count and shapes must match.

        Example:
            >>> layer = Layer(); _ = layer.add_weight(shape=(2,), initializer="ones")
            >>> layer.set_weights([np.array([3.0, 4.0])]); layer.get_weights()[0].tolist()
            [3.0, 4.0]
        """
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(
                f"{self._label}: set_weights expects a list of {len(params)} arrays "
                f"(shapes {[tuple(p.shape) for p in params]}), but received {len(weights)} arrays"
                f" (shapes {[tuple(np.shape(w)) for w in weights]})."
            )
        for index, (param, value) in enumerate(zip(params, weights)):
            value_shape = tuple(np.shape(value))
            if value_shape != tuple(param.shape):
                name = getattr(param, "path", f"weight {index}")
                raise ValueError(
                    f"{self._label}: weight {index} ({name}) has shape {tuple(param.shape)}, "
                    f"but set_weights received an array of shape {value_shape}."
                )
        with torch.no_grad():
            for param, value in zip(params, weights):
                param.copy_(convert_to_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value,
                                              dtype=param.dtype, device=param.device))

    def count_params(self):
        """Total number of scalars in the weights (the layer must be built).

        Example:
            >>> layer = Layer(); _ = layer.add_weight(shape=(2, 3)); layer.built = True
            >>> layer.count_params()
            6
        """
        if not self.built:
            raise ValueError(
                f"{self._label} is not built yet, so it has no weights to count. "
                "Call it on data or build it with an input shape first."
            )
        return int(sum(w.numel() for w in self.weights))

    # -- losses ---------------------------------------------------------------------
    def add_loss(self, loss, inputs=None):
        """Add a scalar loss (e.g. a regularisation term) computed in ``call``; training adds it to the total.

        Example:
            >>> layer = Layer(); layer.add_loss(torch.tensor(0.5))
            >>> [float(l) for l in layer.losses]
            [0.5]
        """
        global _layers_holding_losses
        if in_symbolic_scope():
            return
        for value in tree.flatten(loss):
            if value is None:
                continue
            if isinstance(value, KerasTensor):
                self._symbolic_losses.append(value)
                continue
            if callable(value) and not isinstance(value, torch.Tensor):
                value = value()
            if not self._losses:
                _layers_holding_losses += 1
            self._losses.append(convert_to_tensor(value))

    def _clear_losses(self):
        global _layers_holding_losses
        for layer in self._flatten_layers():
            if isinstance(layer, Layer) and layer._losses:
                layer._losses = []
                _layers_holding_losses -= 1

    def _detach_losses(self):
        """Keep the last call's ``add_loss`` values without their autograd graph (once the loss is built)."""
        if _layers_holding_losses:
            for layer in self._flatten_layers():
                if isinstance(layer, Layer) and layer._losses:
                    layer._losses = [value.detach() for value in layer._losses]

    @property
    def losses(self):
        """Losses added during the last call (own and nested), then weight-regularisation penalties."""
        out = []
        layers = [l for l in self._flatten_layers() if isinstance(l, Layer)]
        for layer in layers:
            out.extend(layer._losses)
        for weight in self.trainable_weights:
            regularizer = getattr(weight, "regularizer", None)
            if regularizer is not None:
                out.append(regularizer(weight))
        return out

    # -- the Keras contract ----------------------------------------------------------
    def build(self, input_shape):
        """Create the layer's weights for inputs of ``input_shape``; override in subclasses."""
        self.built = True

    def call(self, *args, **kwargs):
        """The computation; override in subclasses. The default returns its input."""
        return args[0] if args else next(iter(kwargs.values()))

    def forward(self, *args, **kwargs):
        return self.call(*args, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        """The output mask; by default the input mask passes through when ``supports_masking``."""
        return previous_mask if self.supports_masking else None

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape``; inferred by running the layer on stand-in tensors."""
        spec = self.compute_output_spec(KerasTensor(input_shape, dtype=self.compute_dtype))
        return tree.map_structure(lambda t: t.shape if isinstance(t, KerasTensor) else t, spec)

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensor(s) describing the outputs for symbolic inputs (shape and dtype).

        Uses ``compute_output_shape`` when a subclass defines it, else runs the layer on
        stand-in tensors (see :func:`lamina.core.symbolic.infer_output_spec`).
        """
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            first = args[0] if args else next(iter(kwargs.values()))
            shapes = self.compute_output_shape(_shape_of(first))
            if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
                return KerasTensor(shapes, dtype=self.compute_dtype)
            return tree.map_structure(lambda s: KerasTensor(s, dtype=self.compute_dtype), shapes)
        return infer_output_spec(self.__call__, args, kwargs, module=self)

    def get_build_config(self):
        """The input shape(s) the layer was built with (``None`` if not built by a call), as Keras 3.

        Example:
            >>> from lamina.layers import Dense
            >>> layer = Dense(2); _ = layer(torch.ones(1, 3)); layer.get_build_config()
            {'input_shape': (1, 3)}
        """
        shapes = getattr(self, "_build_shapes", None)
        if not shapes:
            return None
        if len(shapes) == 1:
            return {"input_shape": shapes[0]}
        return {"input_shapes": list(shapes)}

    def build_from_config(self, config):
        """Build from :meth:`get_build_config`'s output (creates the weights, e.g. before loading them).

        Example:
            >>> from lamina.layers import Dense
            >>> layer = Dense(2); layer.build_from_config({"input_shape": (None, 3)}); layer.count_params()
            8
        """
        if not config or self.built:
            return
        if "input_shape" in config:
            shapes = [config["input_shape"]]
        else:
            shapes = list(config.get("input_shapes", []))
        shapes = [tuple(s) if isinstance(s, list) and all(d is None or isinstance(d, int) for d in s) else s
                  for s in shapes]
        self.build(*shapes)
        self.built = True
        self._build_shapes = shapes

    def get_config(self):
        """The layer's hyper-parameters as a JSON-safe dict (subclasses extend it)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self._dtype_name}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers_module.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        """Build a layer from :meth:`get_config`'s output.

        Example:
            >>> Layer.from_config(Layer(name="x").get_config()).name
            'x'
        """
        return cls(**config)

    # -- calling -----------------------------------------------------------------------
    def _call_info(self):
        info = _CALL_INFO.get(type(self))
        if info is None:
            info = _CALL_INFO[type(self)] = _CallInfo(self)
        return info

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        info = self._call_info()
        first = args[0] if args else kwargs.get(info.arg_names[0] if info.arg_names else "inputs")
        if len(info.build_args) <= 1:
            shapes = [_shape_of(first)]
        else:
            bound = dict(zip(info.arg_names, args))
            bound.update(kwargs)
            shapes = []
            for name in info.build_args:
                base = name[:-6] if name.endswith("_shape") else name
                shapes.append(_shape_of(bound.get(base)) if base in bound else None)
            while shapes and shapes[-1] is None:
                shapes.pop()
        if info.build_args:
            shapes = shapes[: len(info.build_args)]
            self.build(*shapes)
        else:
            shapes = []
            self.build()
        self.built = True
        self._build_shapes = shapes
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    @property
    def _label(self):
        """How error messages name this layer: ``Dense 'dense_1'``."""
        return f"{type(self).__name__} '{self.name}'"

    def _check_inputs(self, first):
        if self.input_spec is not None and first is not None and not isinstance(first, (list, tuple, dict)):
            check_input_spec(self._label, self.input_spec, tuple(first.shape), getattr(self, "_expected_layout", None))

    def _convert_arrays(self, args):
        def convert(x):
            if isinstance(x, np.ndarray):
                return x if x.dtype.kind in "USO" else convert_to_tensor(x)  # text stays NumPy
            if isinstance(x, (float, int)) and not isinstance(x, bool):
                return convert_to_tensor(x)
            return x

        return tuple(tree.map_structure(convert, a) if isinstance(a, (list, tuple, np.ndarray)) else convert(a)
                     for a in args)

    def _autocast(self, x):
        if isinstance(x, torch.Tensor):
            if self.autocast and x.is_floating_point():
                target = to_torch_dtype(self._dtype_name)
                if x.dtype != target:
                    mask = getattr(x, "_keras_mask", None)
                    x = x.to(target)
                    if mask is not None:
                        set_mask(x, mask)
            return x
        if isinstance(x, (list, tuple)):
            return type(x)(self._autocast(v) for v in x)
        return x

    def __call__(self, *args, **kwargs):
        first = args[0] if args else kwargs.get("inputs")
        if isinstance(first, torch.Tensor):
            symbolic = False
        elif isinstance(first, KerasTensor):
            symbolic = True
        else:
            symbolic = any_symbolic(args, kwargs)
        if symbolic:
            return self._symbolic_call(args, kwargs)
        if args and not isinstance(first, torch.Tensor):
            args = self._convert_arrays(args)
            first = args[0]
        if args and self.autocast:
            cast = self._autocast(first)
            if cast is not first:
                args = (cast,) + args[1:]
                first = cast
        if not self.built:
            self._maybe_build(args, kwargs)
        if self.input_spec is not None:
            self._check_inputs(first)
        info = self._call_info()
        context = _CONTEXT
        training = kwargs.get("training")
        if training is None:
            training = context.training
        if info.has_training:
            if training is not None:
                kwargs["training"] = training
        elif "training" in kwargs:
            del kwargs["training"]
        previous_mask = None
        if info.has_mask or self.supports_masking or info.masking_override:
            previous_mask = kwargs.get("mask")
            if previous_mask is None:
                previous_mask = get_mask(first)
            if info.has_mask:
                if previous_mask is not None:
                    kwargs["mask"] = previous_mask
            else:
                kwargs.pop("mask", None)
        elif "mask" in kwargs:
            del kwargs["mask"]
        if context.depth == 0 and _layers_holding_losses:
            self._clear_losses()
        saved_training = context.training
        context.depth += 1
        context.training = training
        try:
            outputs = nn.Module.__call__(self, *args, **kwargs)
        finally:
            context.depth -= 1
            context.training = saved_training
        if self.activity_regularizer is not None and not in_symbolic_scope():
            for out in tree.flatten(outputs):
                if isinstance(out, torch.Tensor):
                    penalty = self.activity_regularizer(out)
                    if out.dim() > 0 and out.shape[0] > 0:
                        penalty = penalty / out.shape[0]
                    self.add_loss(penalty)
        if self.supports_masking or info.masking_override:
            out_mask = self.compute_mask(first, previous_mask)
            if out_mask is not None:
                set_mask(outputs, out_mask)
        return outputs

    def _symbolic_call(self, args, kwargs):
        if not self.built:
            self._maybe_build(args, kwargs)
        first = args[0] if args else kwargs.get("inputs")
        if isinstance(first, KerasTensor):
            self._check_inputs(first)
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    # -- graph attributes ------------------------------------------------------------------
    def _node_attribute(self, attribute, what):
        if not self._inbound_nodes:
            raise AttributeError(
                f"{self._label} has never been called on symbolic inputs and thus has no defined {what}."
            )
        value = getattr(self._inbound_nodes[0], attribute)
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        return value

    @property
    def input(self):
        """The symbolic input of the layer's first call."""
        return self._node_attribute("input_tensors", "input")

    @property
    def output(self):
        """The symbolic output of the layer's first call."""
        return self._node_attribute("outputs", "output")

    @property
    def input_shape(self):
        return tree.map_structure(lambda t: t.shape, self.input)

    @property
    def output_shape(self):
        return tree.map_structure(lambda t: t.shape if isinstance(t, KerasTensor) else t, self.output)

    @property
    def inbound_nodes(self):
        return self._inbound_nodes

    @property
    def outbound_nodes(self):
        return self._outbound_nodes

    @property
    def path(self):
        return self.name

    def extra_repr(self):
        return f"name={self.name!r}, built={self.built}"


def _module_weights(module):
    params = list(module.parameters())
    buffers = [b for b in module.buffers() if b.is_floating_point()]
    return params + buffers


def layer_from_module(module):
    """Wrap a plain ``torch.nn.Module`` so it behaves as a lamina layer (see :class:`TorchModuleWrapper`)."""
    from lamina.layers.core.torch_module_wrapper import TorchModuleWrapper

    return module if isinstance(module, Layer) else TorchModuleWrapper(module)


__all__ = ["Layer", "InputSpec", "layer_from_module"]
