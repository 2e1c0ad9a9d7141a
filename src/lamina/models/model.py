"""``Model``: a layer that can be trained, saved and summarised.

``Model(inputs, outputs)`` builds a functional model (see :mod:`lamina.models.functional`);
subclassing ``Model`` and defining ``call`` builds a subclassed model whose layers are
tracked from its attributes.

Example:
    >>> import lamina
    >>> class TwoLayers(Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = lamina.layers.Dense(8, activation="relu")
    ...         self.out = lamina.layers.Dense(1)
    ...     def call(self, inputs):
    ...         return self.out(self.hidden(inputs))
    >>> model = TwoLayers()
    >>> model(torch.ones(2, 3)).shape
    torch.Size([2, 1])
    >>> [layer.name for layer in model.layers]
    ['dense', 'dense_1']
"""
import torch

from lamina.core import registry
from lamina.core.naming import to_snake_case, unique_name
from lamina.core.symbolic import KerasTensor
from lamina.layers.layer import Layer
from lamina.training.trainer import Trainer


def _is_functional_call(args, kwargs):
    if "inputs" in kwargs and "outputs" in kwargs:
        return True
    return len(args) >= 2 or (len(args) == 1 and "outputs" in kwargs)


@registry.register()
class Model(Trainer, Layer):
    """A trainable group of layers (``keras.Model``).

    ``Model(inputs, outputs, name=None)`` makes a functional model; ``Model()`` in a
    subclass makes a subclassed one.

    Example:
        >>> from lamina.layers import Dense, Input
        >>> x = Input((4,))
        >>> model = Model(x, Dense(2)(x))
        >>> type(model).__name__, model.count_params()
        ('Functional', 10)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_call(args, kwargs):
            from lamina.models.functional import Functional

            return Layer.__new__(Functional)
        return Layer.__new__(cls)

    def __init__(self, *args, **kwargs):
        if _is_functional_call(args, kwargs):
            from lamina.models.functional import Functional

            if not isinstance(self, Functional):  # a subclass built the functional way
                self.__class__ = type(type(self).__name__, (type(self), Functional), {})
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(
                f"{type(self).__name__}: positional arguments {args!r} are not understood; "
                "use Model(inputs, outputs) for a functional model, or keyword arguments (name=...)"
            )
        name = kwargs.pop("name", None) or unique_name(to_snake_case(type(self).__name__))
        Layer.__init__(self, name=name, **kwargs)

    # -- layers ----------------------------------------------------------------------
    @property
    def layers(self):
        """The model's layers, in order (subclassed models: in attribute-assignment order)."""
        return [layer for layer in self._sublayers() if isinstance(layer, torch.nn.Module)]

    def get_layer(self, name=None, index=None):
        """A layer by ``name`` or by ``index`` into :attr:`layers` (negative indices count from the end).

        Example:
            >>> from lamina.layers import Dense, Input
            >>> x = Input((4,)); model = Model(x, Dense(2, name="head")(x))
            >>> model.get_layer("head").name, model.get_layer(index=-1).name
            ('head', 'head')
        """
        layers = self.layers
        if index is not None and name is not None:
            raise ValueError(f"Model '{self.name}'.get_layer: pass name or index, not both")
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Model '{self.name}'.get_layer: index {index} is out of range for a model with "
                    f"{len(layers)} layers"
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if getattr(layer, "name", None) == name:
                    return layer
            names = [getattr(layer, "name", type(layer).__name__) for layer in layers]
            raise ValueError(f"Model '{self.name}' has no layer named {name!r}. Its layers are: {names}")
        raise ValueError(f"Model '{self.name}'.get_layer: pass a name or an index")

    def _maybe_build(self, args, kwargs):
        if type(self).build is not Model.build:
            return super()._maybe_build(args, kwargs)
        # A subclassed model: build its layers by a symbolic call first (as Keras does), so hooks running
        # before the real call (e.g. restoring loaded weights) see every weight. A model whose call cannot run
        # on stand-in tensors builds its layers during the real call instead.
        try:
            super()._maybe_build(args, kwargs)
        except Exception:  # noqa: BLE001 - any failure only means "build during the real call"
            self.built = True

    def build(self, input_shape=None):
        """Build a subclassed model by calling it on a symbolic input of ``input_shape`` (batch axis included).

        ``input_shape`` may be one shape, a list of shapes or a dict of shapes (one per input).
        """
        if input_shape is None:
            self.built = True
            return

        def symbolic(shape):
            if isinstance(shape, dict):
                return {k: symbolic(v) for k, v in shape.items()}
            if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
                return [symbolic(s) for s in shape]
            return KerasTensor(tuple(shape))

        self.built = True
        self.compute_output_spec(symbolic(input_shape))
        self._build_shapes = [input_shape]

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Print a table of the layers (name, type, output shape, parameters) and the parameter totals.

        Example:
            >>> from lamina.layers import Dense, Input
            >>> x = Input((4,)); Model(x, Dense(2)(x), name="tiny").summary()  # doctest: +ELLIPSIS
            Model: "tiny"
            ...
        """
        from lamina.utils.summary_utils import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    # -- saving (implemented in lamina.saving) -------------------------------------------
    def save(self, filepath, overwrite=True, **kwargs):
        """Save the whole model (config, weights, optimizer state) to ``filepath`` (``.keras``, ``.h5``).

        See :func:`lamina.saving.save_model`.
        """
        from lamina.saving import save_model

        return save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Save only the weights (``.weights.h5`` or lamina's ``.weights.safetensors``).

        See :func:`lamina.saving.save_weights`.
        """
        from lamina.saving import save_weights

        return save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights saved by :meth:`save_weights` (or by Keras); ``by_name=True`` as in Keras 2.

        See :func:`lamina.saving.load_weights`.
        """
        from lamina.saving import load_weights

        return load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def export(self, filepath, format="torchscript", **kwargs):
        """Export for inference (``'torchscript'``, ``'torch.export'`` or ``'onnx'``).

        See :func:`lamina.saving.export_model`.
        """
        from lamina.saving import export_model

        return export_model(self, filepath, format=format, **kwargs)

    def to_json(self, **kwargs):
        """The model's architecture as a JSON string (no weights).

        See :func:`lamina.saving.model_to_json`.
        """
        from lamina.saving import model_to_json

        return model_to_json(self, **kwargs)

    def get_config(self):
        """Subclassed models: override to return the constructor arguments (needed to save and reload them)."""
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
