"""Global configuration: default float type, fuzz factor, image layout and device.

Example:
    >>> from lamina.core import config
    >>> config.floatx()
    'float32'
    >>> config.set_floatx("float64"); config.floatx()
    'float64'
    >>> config.set_floatx("float32")
"""
import torch

_FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")
_IMAGE_DATA_FORMATS = ("channels_last", "channels_first")

_floatx = "float32"
_epsilon = 1e-7
_image_data_format = "channels_last"
_device = None


def floatx():
    """The default float type of new weights and inputs, as a string (``'float32'``)."""
    return _floatx


def set_floatx(value):
    """Set the default float type: one of ``'float16'``, ``'bfloat16'``, ``'float32'``, ``'float64'``.

    Example:
        >>> set_floatx("float64"); floatx()
        'float64'
        >>> set_floatx("float32")
    """
    global _floatx
    value = str(value)
    if value not in _FLOAT_TYPES:
        raise ValueError(f"set_floatx: unknown float type {value!r}; expected one of {_FLOAT_TYPES}")
    _floatx = value


def epsilon():
    """The fuzz factor used to keep divisions and logarithms finite (``1e-7``)."""
    return _epsilon


def set_epsilon(value):
    """Set the fuzz factor returned by :func:`epsilon`.

    Example:
        >>> set_epsilon(1e-7)
    """
    global _epsilon
    _epsilon = float(value)


def image_data_format():
    """``'channels_last'`` (the default, NHWC as in Keras) or ``'channels_first'``."""
    return _image_data_format


def set_image_data_format(value):
    """Set the default image layout for convolution and pooling layers.

    Example:
        >>> set_image_data_format("channels_last")
    """
    global _image_data_format
    if value not in _IMAGE_DATA_FORMATS:
        raise ValueError(
            f"set_image_data_format: unknown data_format {value!r}; expected one of {_IMAGE_DATA_FORMATS}"
        )
    _image_data_format = value


def standardize_data_format(data_format):
    """Return ``data_format`` or the global default, rejecting unknown values with a clear error.

    Example:
        >>> standardize_data_format(None)
        'channels_last'
    """
    if data_format is None:
        return _image_data_format
    data_format = str(data_format).lower()
    if data_format not in _IMAGE_DATA_FORMATS:
        raise ValueError(f"data_format must be one of {_IMAGE_DATA_FORMATS}; received data_format={data_format!r}")
    return data_format


def device():
    """The device new weights and converted inputs live on: CUDA when available, else CPU.

    Example:
        >>> device().type in ("cpu", "cuda")
        True
    """
    global _device
    if _device is None:
        _device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return _device


def set_device(value):
    """Pin lamina to a device (``'cpu'``, ``'cuda'``, ``'cuda:1'``, ``torch.device``).

    Example:
        >>> set_device(device())
    """
    global _device
    _device = torch.device(value)


def set_deterministic(enabled=True):
    """Switch torch's deterministic algorithms on (or off) for reproducible numbers.

    Example:
        >>> set_deterministic(True); set_deterministic(False)
    """
    torch.use_deterministic_algorithms(bool(enabled), warn_only=False)
    if torch.backends.cudnn.is_available():
        torch.backends.cudnn.deterministic = bool(enabled)
        torch.backends.cudnn.benchmark = not enabled
