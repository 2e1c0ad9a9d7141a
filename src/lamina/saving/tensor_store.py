"""A model's tensors by structural name, and the safetensors bytes that hold them.

lamina's own files key every tensor by its **structural** ``state_dict`` name
(``'0.kernel'``, ``'3.cell.recurrent_kernel'``, ``'hidden.bias'``): the name comes
from where the tensor sits in the model, not from layer names, so two models built
from the same code or config always agree on it. A tensor reachable under several
names (shared layers, tied weights) is stored once, under its first name.

Reading checks the safetensors header first (size, dtypes, shapes, offsets) and
compares it with the model before any tensor is materialised; assigning checks
every tensor before changing any, so a failed load leaves the model untouched.

Example:
    >>> from lamina.layers import Dense
    >>> from lamina.models import Sequential
    >>> model = Sequential([Dense(2, input_shape=(3,))])
    >>> data = encode_tensors(model_state(model))
    >>> sorted(read_header(data, "w.safetensors")[0])
    ['0.bias', '0.kernel']
"""
import math
import struct

import torch
from safetensors.torch import load as _st_load
from safetensors.torch import save as _st_save

from lamina.saving import limits
from lamina.saving.errors import LoadError
from lamina.saving.json_io import parse_json

SAFETENSORS_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}


def model_state(model):
    """``{structural name: tensor}`` for every parameter and persistent buffer, each tensor once.

    Example:
        >>> from lamina.layers import Dense, Input
        >>> from lamina.models import Model
        >>> x = Input((2,)); shared = Dense(2)
        >>> list(model_state(Model(x, shared(shared(x)))))
        ['1.kernel', '1.bias']
    """
    seen, state = set(), {}
    for key, tensor in model.state_dict(keep_vars=True).items():
        if not isinstance(tensor, torch.Tensor) or id(tensor) in seen:
            continue
        seen.add(id(tensor))
        state[key] = tensor
    return state


def encode_tensors(tensors, metadata=None):
    """The safetensors bytes of ``{name: tensor}`` (copied to contiguous CPU memory).

    Example:
        >>> len(encode_tensors({"a": torch.zeros(2)})) > 8
        True
    """
    plain = {name: tensor.detach().to("cpu").contiguous().clone() for name, tensor in tensors.items()}
    # (an empty metadata dict with no tensors makes safetensors 0.8 write an invalid header: pass None)
    return _st_save(plain, metadata={str(k): str(v) for k, v in metadata.items()} if metadata else None)


def read_header(data, label):
    """Parse and check a safetensors header: ``({name: (dtype, shape)}, metadata)``; nothing is materialised.

    Example:
        >>> read_header(b"\\x00" * 4, "w.safetensors")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: w.safetensors: truncated safetensors data (4 bytes)
    """
    if len(data) < 8:
        raise LoadError(f"{label}: truncated safetensors data ({len(data)} bytes)")
    (length,) = struct.unpack("<Q", data[:8])
    if length > min(len(data) - 8, limits.MAX_JSON_BYTES):
        raise LoadError(f"{label}: the safetensors header claims {length} bytes; the data has {len(data) - 8}")
    header = parse_json(bytes(data[8:8 + length]), f"{label}: safetensors header")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise LoadError(f"{label}: the safetensors metadata is not a dict")
    body = len(data) - 8 - length
    entries, spans = {}, []
    for name, entry in header.items():
        if not isinstance(entry, dict):
            raise LoadError(f"{label}: tensor {name!r} has a malformed header entry")
        dtype = SAFETENSORS_DTYPES.get(entry.get("dtype"))
        if dtype is None:
            raise LoadError(f"{label}: tensor {name!r} has unsupported dtype {entry.get('dtype')!r} (expected one of "
                            f"{', '.join(SAFETENSORS_DTYPES)})")
        shape, offsets = entry.get("shape"), entry.get("data_offsets")
        if (not isinstance(shape, list) or len(shape) > 32
                or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)):
            raise LoadError(f"{label}: tensor {name!r} has an invalid shape {shape!r:.80}")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
            raise LoadError(f"{label}: tensor {name!r} has invalid data offsets {offsets!r:.80}")
        begin, end = offsets
        nbytes = math.prod(shape) * torch.empty((), dtype=dtype).element_size()
        if not 0 <= begin <= end <= body or end - begin != nbytes:
            raise LoadError(f"{label}: tensor {name!r} of shape {tuple(shape)} needs {nbytes} bytes but its offsets "
                            f"{offsets} do not fit the {body} bytes of data: the file is truncated or damaged")
        spans.append((begin, end, name))
        entries[name] = (dtype, tuple(shape))
    spans.sort()
    for (b1, e1, n1), (b2, e2, n2) in zip(spans, spans[1:]):
        if b2 < e1:
            raise LoadError(f"{label}: tensors {n1!r} and {n2!r} overlap in the file")
    return entries, {str(k): str(v) for k, v in metadata.items()}


def decode_tensors(data, label):
    """``{name: tensor}`` from safetensors bytes whose header :func:`read_header` accepted.

    Example:
        >>> decode_tensors(encode_tensors({"a": torch.ones(2)}), "w")["a"].tolist()
        [1.0, 1.0]
    """
    read_header(data, label)
    try:
        return _st_load(bytes(data))
    except Exception as error:  # the library's own checks (SafetensorError) as a load error
        raise LoadError(f"{label}: damaged safetensors data ({error})") from None


def header_bytes(entries, prefix=""):
    """Total bytes of the tensors in a header whose names start with ``prefix``."""
    return sum(math.prod(shape) * torch.empty((), dtype=dtype).element_size()
               for name, (dtype, shape) in entries.items() if name.startswith(prefix))


def check_against(state, entries, label, prefix="", skip_mismatch=False, exact_dtype=True):
    """Compare a model's ``state`` with header ``entries``; return the names to load.

    Raises :class:`LoadError` (unless ``skip_mismatch``) for missing, unexpected,
    wrongly shaped or wrongly typed tensors, listing them.

    Example:
        >>> check_against({"k": torch.zeros(2)}, {"k": (torch.float32, (3,))}, "w")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: w: the file does not match the model: 'k' has shape (3,) in the file but (2,) in the model
    """
    problems, names = [], []
    stored = {name[len(prefix):]: value for name, value in entries.items() if name.startswith(prefix)}
    for key, tensor in state.items():
        entry = stored.get(key)
        if entry is None:
            problems.append(f"{key!r} is missing from the file")
            continue
        dtype, shape = entry
        if shape != tuple(tensor.shape):
            problems.append(f"{key!r} has shape {shape} in the file but {tuple(tensor.shape)} in the model")
        elif dtype != tensor.dtype and (exact_dtype or tensor.is_floating_point() != dtype.is_floating_point):
            problems.append(f"{key!r} is stored as {str(dtype).replace('torch.', '')} but the model's is "
                            f"{str(tensor.dtype).replace('torch.', '')}")
        else:
            names.append(key)
    unexpected = sorted(set(stored) - set(state))
    if unexpected:
        problems.append(f"the file has tensors the model lacks: {unexpected[:10]}"
                        + (f" and {len(unexpected) - 10} more" if len(unexpected) > 10 else ""))
    if problems and not skip_mismatch:
        raise LoadError(f"{label}: the file does not match the model: " + "; ".join(problems[:10]))
    return names


def assign(state, values, names):
    """Copy ``values[name]`` into ``state[name]`` for every name (no autograd, dtype cast as needed)."""
    with torch.no_grad():
        for name in names:
            target = state[name]
            target.copy_(values[name].to(device=target.device, dtype=target.dtype))
