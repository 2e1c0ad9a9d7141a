"""``InputSpec``: what a layer accepts (rank, fixed axes), checked on every call.

Example:
    >>> spec = InputSpec(min_ndim=2, axes={-1: 784})
    >>> check_input_spec("Dense 'dense'", spec, (32, 784))
    >>> check_input_spec("Dense 'dense'", spec, (32, 100))
    Traceback (most recent call last):
    ...
    ValueError: Dense 'dense' expects inputs whose axis -1 has size 784, but received an input of shape (32, 100).
"""


class InputSpec:
    """Constraints on a layer's input: ``ndim``, ``min_ndim``, ``max_ndim``, ``axes`` ({axis: size}), ``shape``.

    Example:
        >>> InputSpec(ndim=3).ndim
        3
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v]
        return f"InputSpec({', '.join(parts)})"


def _describe_rank(spec):
    if spec.ndim is not None:
        return f"exactly {spec.ndim} dimensions"
    if spec.min_ndim is not None and spec.max_ndim is not None:
        return f"between {spec.min_ndim} and {spec.max_ndim} dimensions"
    if spec.min_ndim is not None:
        return f"at least {spec.min_ndim} dimensions"
    return f"at most {spec.max_ndim} dimensions"


def check_input_spec(layer_name, spec, shape, expected_layout=None):
    """Raise a ValueError naming the layer (``layer_name`` is e.g. ``"Dense 'dense'"``), the expectation and the received shape if ``shape`` violates ``spec``.

    ``expected_layout`` (e.g. ``'(batch, height, width, channels)'``) is added to rank errors.

    Example:
        >>> check_input_spec("LSTM 'lstm'", InputSpec(ndim=3), (8, 5), "(batch, timesteps, features)")
        Traceback (most recent call last):
        ...
        ValueError: LSTM 'lstm' expects inputs with exactly 3 dimensions (batch, timesteps, features), but received an input of shape (8, 5) (2 dimensions).
    """
    if spec is None:
        return
    shape = tuple(shape)
    ndim = len(shape)
    rank_ok = (
        (spec.ndim is None or ndim == spec.ndim or (spec.allow_last_axis_squeeze and ndim == spec.ndim - 1))
        and (spec.min_ndim is None or ndim >= spec.min_ndim)
        and (spec.max_ndim is None or ndim <= spec.max_ndim)
    )
    if not rank_ok:
        layout = f" {expected_layout}" if expected_layout else ""
        raise ValueError(
            f"{layer_name} expects inputs with {_describe_rank(spec)}{layout}, "
            f"but received an input of shape {shape} ({ndim} dimensions)."
        )
    for axis, size in spec.axes.items():
        if size is None:
            continue
        index = axis if axis >= 0 else ndim + axis
        if 0 <= index < ndim and shape[index] is not None and shape[index] != size:
            raise ValueError(
                f"{layer_name} expects inputs whose axis {axis} has size {size}, "
                f"but received an input of shape {shape}."
            )
    if spec.shape is not None:
        for expected, received in zip(spec.shape, shape):
            if expected is not None and received is not None and expected != received:
                raise ValueError(
                    f"{layer_name} expects inputs of shape {spec.shape}, but received an input of shape {shape}."
                )
