"""Feeding ``fit``/``evaluate``/``predict``: every accepted data format becomes batches of tensors.

:func:`make_adapter` picks an adapter for what the user passed:

* NumPy arrays, torch tensors, and lists/dicts of them (several inputs or outputs):
  :class:`ArrayAdapter` converts them once to tensors on the model's device; a batch is
  then a slice (in order) or an ``index_select`` by a per-epoch ``torch.randperm``, so no
  per-batch NumPy-to-torch conversion happens;
* ``lamina.utils.PyDataset`` / ``Sequence`` / ``BatchDataset``: :class:`PyDatasetAdapter`;
* Python generators and iterators, torch ``DataLoader``s and other iterables of
  batches: :class:`IterableAdapter`;
* torch map-style or iterable ``Dataset``s: batched by a ``DataLoader``.

Every adapter yields ``(x, y, sample_weight)`` triples (``y``/``sample_weight`` may be
``None``) and knows its number of batches (``None`` when unknown).

Example:
    >>> adapter = make_adapter(np.zeros((10, 3)), np.ones(10), batch_size=4, shuffle=False)
    >>> adapter.num_batches, [tuple(x.shape) for x, y, sw in adapter]
    (3, [(4, 3), (4, 3), (2, 3)])
"""
import math
import numbers

import numpy as np
import torch

from lamina.core import config, tree
from lamina.core.tensors import convert_to_tensor
from lamina.utils.py_dataset import PyDataset

DEFAULT_BATCH_SIZE = 32


def unpack_x_y_sample_weight(data):
    """Split a batch into ``(x, y, sample_weight)``, as Keras does.

    A tuple (or list) of 1, 2 or 3 elements is ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)``; anything else is ``x`` alone.

    Example:
        >>> unpack_x_y_sample_weight((1, 2)), unpack_x_y_sample_weight(5)
        ((1, 2, None), (5, None, None))
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        f"A batch must be x, (x,), (x, y) or (x, y, sample_weight); received a tuple of {len(data)} elements "
        f"({', '.join(type(d).__name__ for d in data)})"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of :func:`unpack_x_y_sample_weight`: what ``train_step(data)`` receives.

    Example:
        >>> pack_x_y_sample_weight(1), pack_x_y_sample_weight(1, 2), pack_x_y_sample_weight([1, 2])
        (1, (1, 2), ([1, 2],))
    """
    if y is None and sample_weight is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight


def _describe(value):
    shape = getattr(value, "shape", None)
    return f"{type(value).__name__} of shape {tuple(shape)}" if shape is not None else type(value).__name__


def _is_array_leaf(value):
    return isinstance(value, (np.ndarray, torch.Tensor)) or hasattr(value, "__array__") and not isinstance(
        value, (str, bytes, dict, list, tuple))


def _is_number_list(value):
    return isinstance(value, (list, tuple)) and value and all(
        isinstance(v, (numbers.Number, np.generic)) and not isinstance(v, bool) for v in value)


def is_array_data(data):
    """True for arrays/tensors and (nested) lists/dicts of them (what :class:`ArrayAdapter` takes).

    Example:
        >>> is_array_data([np.zeros(2), {"a": np.ones(2)}]), is_array_data(iter([]))
        (True, False)
    """
    if data is None:
        return True
    if _is_array_leaf(data) or _is_number_list(data):
        return True
    if isinstance(data, dict):
        return all(is_array_data(v) for v in data.values())
    if isinstance(data, (list, tuple)):
        return all(is_array_data(v) for v in data)
    return False


def _to_tensor(value, device, what):
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        return value.to(device) if value.device != device else value
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):  # pandas
        value = value.to_numpy()
    array = np.asarray(value)
    if array.dtype.kind in "US" or (array.dtype == object and array.size and isinstance(array.flat[0], (str, bytes))):
        return array  # text stays NumPy until a preprocessing layer (StringLookup, TextVectorization) encodes it
    if array.dtype == object:
        raise TypeError(f"{what}: cannot convert an array of Python objects ({_describe(array)}) to a tensor; "
                        "pass numbers (pad sequences to a common length first)")
    return convert_to_tensor(array, device=device)


def to_tensors(structure, device, what):
    """Convert every leaf of ``structure`` (arrays, tensors, lists of numbers) to a tensor on ``device``.

    Example:
        >>> to_tensors({"a": [1.0, 2.0]}, torch.device("cpu"), "x")["a"].dtype
        torch.float32
    """
    if structure is None:
        return None
    if _is_number_list(structure):
        return _to_tensor(structure, device, what)
    if isinstance(structure, dict):
        return {k: to_tensors(v, device, f"{what}[{k!r}]") for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(to_tensors(v, device, f"{what}[{i}]") for i, v in enumerate(structure))
    return _to_tensor(structure, device, what)


def to_tensor_triple(x, y, sample_weight, device, what, class_weight=None):
    """``(x, y, sample_weight)`` as tensors on ``device``, same number of samples, class weights folded in.

    Example:
        >>> x, y, w = to_tensor_triple(np.ones((3, 2)), [0, 1, 1], None, torch.device("cpu"), "fit", {1: 2.0})
        >>> w.tolist()
        [1.0, 2.0, 2.0]
    """
    x = to_tensors(x, device, "x")
    y = to_tensors(y, device, "y")
    sample_weight = to_tensors(sample_weight, device, "sample_weight")
    if class_weight is not None:
        if sample_weight is not None:
            raise ValueError(f"{what}: class_weight and sample_weight cannot both be given; fold the class weights "
                             "into sample_weight")
        sample_weight = class_weight_to_sample_weight(y, class_weight)
    check_lengths(x, y, sample_weight, what)
    return x, y, sample_weight


def class_weight_to_sample_weight(y, class_weight, dtype=torch.float32):
    """Per-sample weights from ``class_weight`` ({class index: weight}) and the targets ``y``.

    Integer labels ``(n,)``/``(n, 1)`` or one-hot ``(n, k)`` (argmax); classes missing from
    the dict weigh 1.

    Example:
        >>> class_weight_to_sample_weight(torch.tensor([0, 1, 1, 2]), {1: 5.0}).tolist()
        [1.0, 5.0, 5.0, 1.0]
    """
    if not isinstance(class_weight, dict):
        raise TypeError(f"class_weight must be a dict {{class index: weight}}; received {class_weight!r}")
    if y is None:
        raise ValueError("class_weight needs targets y to weigh; received y=None")
    if isinstance(y, (list, tuple, dict)):
        raise ValueError("class_weight is only supported for models with a single output; pass sample_weight "
                         "per output instead")
    if y.dim() > 1:
        y = y.argmax(dim=-1) if y.shape[-1] > 1 else y.squeeze(-1)
    labels = torch.round(y.to(torch.float64)).to(torch.int64) if y.is_floating_point() else y.to(torch.int64)
    if labels.dim() != 1:
        raise ValueError(f"class_weight needs one class per sample; the targets have shape {tuple(y.shape)}")
    size = max([int(k) for k in class_weight] + [int(labels.max()) if labels.numel() else 0]) + 1
    table = torch.ones(size, dtype=dtype, device=y.device)
    for key, weight in class_weight.items():
        if int(key) >= 0:
            table[int(key)] = float(weight)
    return table[labels]


def check_lengths(x, y, sample_weight, what):
    """The number of samples, after checking that every array has it as its first dimension.

    Example:
        >>> check_lengths(torch.zeros(3, 2), torch.zeros(3), None, "fit")
        3
    """
    named = []
    for label, structure in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        for index, leaf in enumerate(tree.flatten(structure)):
            if leaf is not None:
                part = label if not tree.is_nested(structure) else f"{label}[{index}]"
                named.append((part, leaf))
    if not named:
        return 0
    sizes = {part: (int(leaf.shape[0]) if leaf.ndim else None) for part, leaf in named}
    scalar = [part for part, size in sizes.items() if size is None]
    if scalar:
        raise ValueError(f"{what}: {scalar[0]} is a scalar; expected an array with one row per sample")
    if len(set(sizes.values())) > 1:
        described = ", ".join(f"{part} has {size} (shape {tuple(leaf.shape)})"
                              for (part, leaf), size in zip(named, sizes.values()))
        raise ValueError(
            f"{what}: x and y must have the same number of samples (first dimension), but {described}. "
            "Every input, target and sample-weight array needs exactly one row per sample."
        )
    return next(iter(sizes.values()))


def split_for_validation(x, y, sample_weight, validation_split):
    """``(train, validation)`` triples: the last ``validation_split`` of the samples, before shuffling.

    Works on tensors and arrays alike (slices are views: nothing is copied).

    Example:
        >>> (tx, ty, _), (vx, vy, _) = split_for_validation(torch.arange(10), torch.arange(10), None, 0.2)
        >>> tx.tolist()[-1], vx.tolist()
        (7, [8, 9])
    """
    leaves = [leaf for leaf in tree.flatten((x, y, sample_weight)) if leaf is not None]
    n = int(leaves[0].shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"fit: validation_split={validation_split} of {n} samples leaves "
            f"{'no training' if split_at == 0 else 'no validation'} samples; use a split that keeps both sides "
            "non-empty"
        )

    def cut(part):
        return tree.map_structure(lambda t: None if t is None else part(t), (x, y, sample_weight))

    return cut(lambda t: t[:split_at]), cut(lambda t: t[split_at:])


def take_rows(leaf, index):
    """The rows ``index`` (a 1-D index tensor) of a batch leaf: a tensor, or a NumPy array of text.

    Example:
        >>> take_rows(torch.arange(6).reshape(3, 2), torch.tensor([2, 0])).tolist()
        [[4, 5], [0, 1]]
    """
    if isinstance(leaf, torch.Tensor):
        return leaf.index_select(0, index)
    return leaf[index.cpu().numpy()]  # NumPy text


class ArrayAdapter:
    """Batches from in-memory tensors: a slice per batch, or an ``index_select`` by a per-epoch permutation.

    Args:
        x, y, sample_weight: tensors (already on the device) or lists/dicts of them.
        batch_size: samples per batch (the last batch may be smaller).
        shuffle: ``True`` (a new permutation every epoch), ``False``, or ``'batch'``
            (shuffle the order of the batches only).
        steps: batches per epoch; when given, epochs continue through the data
            where the previous one stopped, wrapping around.

    Example:
        >>> adapter = ArrayAdapter(torch.arange(5.0), None, None, batch_size=2, shuffle=False)
        >>> [x.tolist() for x, _, _ in adapter]
        [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """

    def __init__(self, x, y, sample_weight, batch_size, shuffle, steps=None, what="fit"):
        self.num_samples = check_lengths(x, y, sample_weight, what)
        if self.num_samples == 0:
            raise ValueError(f"{what}: the data has no samples (x has length 0)")
        self.batch_size = batch_size
        self.shuffle = "batch" if shuffle == "batch" else bool(shuffle)
        self._structure = (x, y, sample_weight)
        flat = tree.flatten(self._structure)
        self._present = [i for i, leaf in enumerate(flat) if leaf is not None]
        self._leaves = [flat[i] for i in self._present]
        self._flat_size = len(flat)
        self._simple = not tree.is_nested(x) and not tree.is_nested(y) and not tree.is_nested(sample_weight)
        self.batches_in_data = math.ceil(self.num_samples / batch_size)
        self.num_batches = steps if steps is not None else self.batches_in_data
        self._steps = steps
        self._stream = None
        tensors = [leaf for leaf in self._leaves if isinstance(leaf, torch.Tensor)]
        self.device = tensors[0].device if tensors else config.device()

    def _pack(self, leaves):
        flat = [None] * self._flat_size
        for position, leaf in zip(self._present, leaves):
            flat[position] = leaf
        return tuple(flat) if self._simple else tree.pack_sequence_as(self._structure, flat)

    def _one_pass(self):
        n, size, leaves = self.num_samples, self.batch_size, self._leaves
        if self.shuffle is True:
            order = torch.randperm(n, device=self.device)
            for start in range(0, n, size):
                index = order[start:start + size]
                yield self._pack([take_rows(t, index) for t in leaves])
            return
        starts = list(range(0, n, size))
        if self.shuffle == "batch":
            starts = [starts[i] for i in torch.randperm(len(starts)).tolist()]
        for start in starts:
            yield self._pack([t[start:start + size] for t in leaves])

    def __iter__(self):
        if self._steps is None:
            return self._one_pass()
        return self._take(self._steps)

    def _take(self, steps):
        for _ in range(steps):
            batch = next(self._stream, None) if self._stream is not None else None
            if batch is None:
                self._stream = self._one_pass()
                batch = next(self._stream)
            yield batch

    def on_epoch_end(self):
        """Nothing to do: each epoch draws a new permutation."""


class PyDatasetAdapter:
    """Batches from a ``PyDataset``/``Sequence``: ``dataset[i]`` for each batch index, then ``on_epoch_end()``.

    Example:
        >>> class Two(PyDataset):
        ...     def __len__(self): return 2
        ...     def __getitem__(self, i): return np.full((3, 1), i), np.zeros(3)
        >>> adapter = PyDatasetAdapter(Two(), shuffle=False, device=torch.device("cpu"))
        >>> [x[0, 0].item() for x, y, sw in adapter]
        [0, 1]
    """

    def __init__(self, dataset, shuffle, device, steps=None, class_weight=None):
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        self.device = device
        self.class_weight = class_weight
        length = len(dataset)
        self.num_batches = min(steps, length) if steps is not None else length

    def __iter__(self):
        indices = range(len(self.dataset))
        if self.shuffle:
            indices = torch.randperm(len(self.dataset)).tolist()
        for index in list(indices)[: self.num_batches]:
            yield convert_batch(self.dataset[index], self.device, self.class_weight, f"dataset[{index}]")

    def on_epoch_end(self):
        """Let the dataset reshuffle (``PyDataset.on_epoch_end``)."""
        hook = getattr(self.dataset, "on_epoch_end", None)
        if hook is not None:
            hook()


def convert_batch(batch, device, class_weight, what):
    """``(x, y, sample_weight)`` tensors on ``device`` from a batch a dataset yielded (``class_weight`` applied).

    Example:
        >>> x, y, w = convert_batch((np.ones((2, 3)), np.array([0, 1])), "cpu", {0: 1.0, 1: 2.0}, "fit")
        >>> w.tolist()
        [1.0, 2.0]
    """
    x, y, sample_weight = unpack_x_y_sample_weight(batch)
    x = to_tensors(x, device, f"{what} inputs")
    y = to_tensors(y, device, f"{what} targets")
    sample_weight = to_tensors(sample_weight, device, f"{what} sample weights")
    if class_weight is not None:
        if sample_weight is not None:
            raise ValueError("class_weight and sample_weight cannot both be given; fold the class weights into the "
                             "sample weights")
        sample_weight = class_weight_to_sample_weight(y, class_weight)
    return x, y, sample_weight


def _is_single_pass(data):
    return hasattr(data, "__next__") or (hasattr(data, "__iter__") and iter(data) is data)


class IterableAdapter:
    """Batches from a Python generator or iterator, a torch ``DataLoader``, or any iterable of batches.

    A generator can be consumed only once: with ``steps`` each epoch draws that many
    batches from it; without, the first epoch runs until it is exhausted. Re-iterable
    sources (``DataLoader``, lists of batches) start again every epoch.

    Example:
        >>> batches = [(np.ones((2, 1)), np.zeros(2))] * 3
        >>> adapter = IterableAdapter(batches, steps=None, device=torch.device("cpu"))
        >>> adapter.num_batches, len(list(adapter))
        (3, 3)
    """

    def __init__(self, data, steps, device, class_weight=None):
        self.data = data
        self.device = device
        self.class_weight = class_weight
        self.single_pass = _is_single_pass(data)
        self._steps = steps
        self._iterator = data if self.single_pass else None
        length = None
        if not self.single_pass:
            try:
                length = len(data)
            except TypeError:
                length = None
        self.num_batches = steps if steps is not None else length
        self.exhausted = False

    def __iter__(self):
        iterator = self._iterator if self.single_pass else iter(self.data)
        count = 0
        while self._steps is None or count < self._steps:
            try:
                batch = next(iterator)
            except StopIteration:
                self.exhausted = True
                if self._steps is not None and count < self._steps and not self.single_pass:
                    iterator = iter(self.data)  # re-iterable sources wrap around to fill `steps`
                    continue
                return
            count += 1
            yield convert_batch(batch, self.device, self.class_weight, "batch")

    def on_epoch_end(self):
        """Nothing to do."""


def _is_torch_dataset(data):
    return isinstance(data, (torch.utils.data.Dataset, torch.utils.data.IterableDataset)) and not isinstance(
        data, PyDataset)


def no_data_error(what):
    """The error for ``fit()``/``evaluate()``/``predict()`` called without ``x``.

    Example:
        >>> print(no_data_error("evaluate"))
        evaluate: no data was given: x is None. Pass the inputs as x (and the targets as y), e.g. model.evaluate(x_test, y_test).
    """
    example = {"fit": "x_train, y_train, epochs=5", "evaluate": "x_test, y_test"}.get(what, "x")
    return ValueError(
        f"{what}: no data was given: x is None. Pass the inputs as x (and the targets as y), e.g. "
        f"model.{what}({example})."
    )


def make_adapter(x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None, class_weight=None,
                 device=None, what="fit"):
    """The adapter for ``x`` (and ``y``, ``sample_weight``) as ``fit``/``evaluate``/``predict`` received them.

    Raises ValueError with the argument's name for missing data, mismatched lengths,
    ``y`` given with a dataset, or a ``batch_size`` given with data that is already batched.

    Example:
        >>> make_adapter(np.zeros((3, 2)), np.zeros(4))
        Traceback (most recent call last):
        ...
        ValueError: fit: x and y must have the same number of samples (first dimension), but x has 3 (shape (3, 2)), y has 4 (shape (4,)). Every input, target and sample-weight array needs exactly one row per sample.
    """
    device = device if device is not None else torch.device("cpu")
    if x is None:
        raise no_data_error(what)
    if steps is not None and (not isinstance(steps, int) or steps <= 0):
        raise ValueError(f"{what}: steps must be a positive int or None; received {steps!r}")
    if is_array_data(x):
        if not is_array_data(y) or not is_array_data(sample_weight):
            bad = "y" if not is_array_data(y) else "sample_weight"
            raise ValueError(f"{what}: x is an array but {bad} is a {type(y if bad == 'y' else sample_weight).__name__}"
                             f"; pass arrays (or tensors) for both")
        batch_size = DEFAULT_BATCH_SIZE if batch_size is None else batch_size
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"{what}: batch_size must be a positive int; received batch_size={batch_size!r}")
        x, y, sample_weight = to_tensor_triple(x, y, sample_weight, device, what, class_weight)
        return ArrayAdapter(x, y, sample_weight, batch_size, shuffle, steps, what)
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(
                f"{what}: {name} must not be given when x is a {type(x).__name__} (a dataset or generator yields "
                f"(inputs, targets[, sample_weights]) batches itself); received {name} of type {type(value).__name__}"
            )
    if _is_torch_dataset(x) and not isinstance(x, torch.utils.data.DataLoader):
        loader_shuffle = bool(shuffle) and not isinstance(x, torch.utils.data.IterableDataset)
        x = torch.utils.data.DataLoader(x, batch_size=batch_size or DEFAULT_BATCH_SIZE, shuffle=loader_shuffle)
        batch_size = None
    if batch_size is not None:
        raise ValueError(
            f"{what}: batch_size={batch_size} cannot be used with a {type(x).__name__}, which yields batches "
            "already; leave batch_size unset"
        )
    if isinstance(x, PyDataset) or (hasattr(x, "__getitem__") and hasattr(x, "__len__") and not hasattr(x, "__iter__")):
        return PyDatasetAdapter(x, shuffle, device, steps, class_weight)
    if hasattr(x, "__iter__") or hasattr(x, "__next__"):
        return IterableAdapter(x, steps, device, class_weight)
    raise ValueError(
        f"{what}: unrecognised data type for x: {type(x).__name__}. Expected a NumPy array, a torch tensor, a list "
        "or dict of them, a PyDataset, a torch Dataset/DataLoader, or a generator of batches"
    )
