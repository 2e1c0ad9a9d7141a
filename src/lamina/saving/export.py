"""``model.export(path, format=...)``: an inference-only artifact that runs without lamina.

========================  =====================  ==========================================================
format                    file                   load it with
========================  =====================  ==========================================================
``'torchscript'``         TorchScript zip        ``torch.jit.load(path)`` (no Python model code needed)
``'torch.export'``        ``.pt2`` program       ``torch.export.load(path).module()``
``'onnx'``                ONNX graph             ``onnxruntime.InferenceSession(path)`` (``pip install lamina[onnx]``)
========================  =====================  ==========================================================

:func:`load_exported` opens any of the three and returns a callable that takes
and returns NumPy arrays or tensors. The export runs the model in inference mode
(``training=False``); the batch dimension stays dynamic (``torch.export`` and ONNX
mark it so; TorchScript traces shape arithmetic). Example inputs are made from the
model's input shapes (unknown dimensions become 2) unless you pass
``example_inputs``. Exported files contain executable graphs: load only files you
trust (they are not covered by ``load_model``'s safe mode).

Example:
    >>> import os, tempfile
    >>> from lamina.layers import Dense
    >>> from lamina.models import Sequential
    >>> model = Sequential([Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.pt")
    >>> export_model(model, path, format="torchscript")
    >>> load_exported(path)(torch.ones(4, 3)).shape
    torch.Size([4, 2])
"""
import os
import warnings

import numpy as np
import torch

from lamina.core import tree
from lamina.core.dtypes import to_torch_dtype
from lamina.utils.io_utils import atomic_path

FORMATS = ("torchscript", "torch.export", "onnx")


class _Inference(torch.nn.Module):
    """``model(inputs, training=False)`` with positional tensors in and a flat tuple of tensors out."""

    def __init__(self, model, structure):
        super().__init__()
        self.model = model
        self.structure = structure

    def forward(self, *inputs):
        packed = tree.pack_sequence_as(self.structure, list(inputs)) if self.structure is not None else inputs[0]
        outputs = self.model(packed, training=False)
        flat = tree.flatten(outputs)
        return flat[0] if len(flat) == 1 else tuple(flat)


def _example_inputs(model, example_inputs):
    if example_inputs is not None:
        flat = [torch.as_tensor(np.asarray(x)) if not isinstance(x, torch.Tensor) else x
                for x in tree.flatten(example_inputs)]
        structure = example_inputs if tree.is_nested(example_inputs) else None
        return flat, structure
    try:
        inputs = model.inputs
        structure = model._input_structure if hasattr(model, "_input_structure") else None
    except (AttributeError, ValueError):
        raise ValueError(
            f"export: {model._label} has no known input shape; pass example_inputs=... (an array or a list of "
            "arrays shaped like the model's inputs)"
        ) from None
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    flat = []
    for spec in inputs:
        shape = [2 if d is None else d for d in spec.shape]
        dtype = to_torch_dtype(spec.dtype)
        flat.append(torch.ones(shape, dtype=dtype, device=device) if not dtype.is_floating_point else
                    torch.rand(shape, dtype=dtype, device=device))
    if structure is not None and not tree.is_nested(structure):
        structure = None
    return flat, structure


def export_model(model, filepath, format="torchscript", example_inputs=None, verbose=None, **kwargs):
    """Export ``model`` for inference to ``filepath`` (atomically); see the module docstring for the formats.

    Example:
        >>> from lamina.layers import Dense
        >>> from lamina.models import Sequential
        >>> export_model(Sequential([Dense(1, input_shape=(2,))]), "m.onnx", format="tf_saved_model")
        Traceback (most recent call last):
        ...
        ValueError: export: format='tf_saved_model' is not supported; use one of 'torchscript', 'torch.export', 'onnx'
    """
    if format not in FORMATS:
        raise ValueError(f"export: format={format!r} is not supported; use one of "
                         f"{', '.join(repr(f) for f in FORMATS)}")
    if kwargs:
        raise TypeError(f"export() got unexpected keyword argument(s) {sorted(kwargs)}")
    path = os.fspath(filepath)
    inputs, structure = _example_inputs(model, example_inputs)
    module = _Inference(model, structure)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            if format == "torchscript":
                with warnings.catch_warnings():  # torch 2.13 marks TorchScript deprecated; it still works
                    warnings.simplefilter("ignore", torch.jit.TracerWarning)
                    warnings.simplefilter("ignore", DeprecationWarning)
                    traced = torch.jit.trace(module, tuple(inputs), check_trace=False, strict=False)
                    with atomic_path(path) as tmp:
                        torch.jit.save(traced, tmp)
            elif format == "torch.export":
                program = _torch_export(module, inputs)
                with atomic_path(path) as tmp:
                    torch.export.save(program, tmp)
            else:
                _onnx_export(module, inputs, path)
    finally:
        model.train(was_training)


def _torch_export(module, inputs):
    batch = torch.export.Dim("batch", min=1)
    dynamic = (tuple({0: batch} if x.dim() > 0 else None for x in inputs),)  # forward(*inputs): one varargs tuple
    try:
        return torch.export.export(module, tuple(inputs), dynamic_shapes=dynamic, strict=False)
    except Exception as error:  # some graphs specialise the batch size; export them for the example's size
        warnings.warn(f"export: the batch dimension could not stay dynamic ({type(error).__name__}); the "
                      f"exported program accepts batches of {inputs[0].shape[0]} only.", stacklevel=4)
        return torch.export.export(module, tuple(inputs), strict=False)


def _onnx_export(module, inputs, path):
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise ImportError("export(format='onnx') needs the onnx package: pip install 'lamina[onnx]'") from None
    names = [f"input_{i}" for i in range(len(inputs))]
    with torch.no_grad():
        sample = module(*inputs)
    count = len(sample) if isinstance(sample, tuple) else 1
    outputs = [f"output_{i}" for i in range(count)]
    axes = {name: {0: "batch"} for name, x in zip(names, inputs) if x.dim() > 0}
    axes.update({name: {0: "batch"} for name in outputs})
    with atomic_path(path) as tmp:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(module, tuple(inputs), tmp, input_names=names, output_names=outputs,
                              dynamic_axes=axes, dynamo=False, opset_version=17)


class _OnnxModel:
    """An onnxruntime session called like a model: arrays or tensors in, arrays out."""

    def __init__(self, path):
        import onnxruntime

        self.session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        self.names = [i.name for i in self.session.get_inputs()]

    def __call__(self, *inputs):
        if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)) and len(self.names) > 1:
            inputs = tuple(inputs[0])
        feed = {name: (x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x))
                for name, x in zip(self.names, inputs)}
        outputs = self.session.run(None, feed)
        return outputs[0] if len(outputs) == 1 else outputs


def load_exported(filepath):
    """A callable running an exported model (TorchScript, ``.pt2`` or ONNX, recognised from the file).

    Example:
        >>> load_exported("/no/such/model.onnx")
        Traceback (most recent call last):
        ...
        FileNotFoundError: load_exported: '/no/such/model.onnx' does not exist
    """
    path = os.fspath(filepath)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_exported: {path!r} does not exist")
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head[:2] != b"PK":
        return _OnnxModel(path)
    import zipfile

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    if any(name.endswith("constants.pkl") or "/code/" in name for name in names):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            module = torch.jit.load(path, map_location="cpu")
        module.eval()
        return module
    return torch.export.load(path).module()
