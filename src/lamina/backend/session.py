"""Session-wide state of the Keras 2 backend: configuration, the learning phase, ``clear_session``.

The *learning phase* is the ``training`` flag of layer calls that do not pass one.
:func:`learning_phase` returns a symbolic placeholder for it, which
``K.function`` accepts among its inputs (feed ``1`` for training behaviour,
``0`` for inference); :func:`set_learning_phase` fixes the default for every
later layer call.

Example:
    >>> from lamina import backend as K
    >>> K.floatx(), K.epsilon(), K.image_data_format()
    ('float32', 1e-07, 'channels_last')
    >>> K.learning_phase().shape
    ()
"""
import contextlib
import gc

from lamina.core import config
from lamina.core.naming import reset_names

__all__ = [
    "backend", "floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format", "set_image_data_format",
    "clear_session", "learning_phase", "set_learning_phase", "get_uid", "name_scope", "is_learning_phase",
    "training_scope",
]

floatx = config.floatx
set_floatx = config.set_floatx
epsilon = config.epsilon
set_epsilon = config.set_epsilon
image_data_format = config.image_data_format
set_image_data_format = config.set_image_data_format

_learning_phase_tensor = None
_uids = {}


def backend():
    """The name of the engine under the backend: ``'torch'``.

    Example:
        >>> backend()
        'torch'
    """
    return "torch"


def _call_context():
    from lamina.layers.layer import _CONTEXT  # the training flag every layer call reads

    return _CONTEXT


def learning_phase():
    """The learning-phase placeholder: a scalar boolean symbolic tensor to list among ``K.function``'s inputs.

    Example:
        >>> phase = learning_phase()
        >>> phase.dtype, phase is learning_phase()
        ('bool', True)
    """
    global _learning_phase_tensor
    if _learning_phase_tensor is None:
        from lamina.layers.core.input_layer import Input

        _learning_phase_tensor = Input(batch_shape=(), dtype="bool", name="keras_learning_phase")
    return _learning_phase_tensor


def is_learning_phase(x):
    """True if ``x`` is the placeholder returned by :func:`learning_phase`.

    Example:
        >>> is_learning_phase(learning_phase()), is_learning_phase(1)
        (True, False)
    """
    return _learning_phase_tensor is not None and x is _learning_phase_tensor


def set_learning_phase(value):
    """Make layers called without ``training=`` behave as in training (1) or inference (0).

    ``fit`` and ``predict`` still pass their own flag. ``clear_session`` forgets the value.

    Example:
        >>> set_learning_phase(1); set_learning_phase(0)
    """
    if isinstance(value, str) or not isinstance(value, (int, float)) or value not in (0, 1):
        raise ValueError(f"K.set_learning_phase: expected 0 or 1 (or a bool); received {value!r}")
    _call_context().training = bool(value)


def current_learning_phase():
    """The training flag that applies now: the enclosing layer call's, else the one set, else ``False``.

    Example:
        >>> current_learning_phase()
        False
    """
    return bool(_call_context().training)


@contextlib.contextmanager
def training_scope(training):
    """Run layers called inside as in training (``True``) or inference (``False``) unless they are told otherwise.

    Example:
        >>> with training_scope(True):
        ...     current_learning_phase()
        True
    """
    context = _call_context()
    saved = context.training
    context.training = training
    try:
        yield
    finally:
        context.training = saved


def get_uid(prefix=""):
    """A counter per ``prefix``: 1, 2, 3, ... (restarted by :func:`clear_session`).

    Example:
        >>> clear_session(); get_uid("dense"), get_uid("dense")
        (1, 2)
    """
    _uids[prefix] = _uids.get(prefix, 0) + 1
    return _uids[prefix]


def clear_session(free_memory=False):
    """Start afresh: automatic layer names restart (``dense``, ``dense_1``, ...), the learning phase is unset.

    Models already built keep working. ``free_memory=True`` also runs the garbage
    collector and empties the CUDA cache (slower; Keras 2 did neither).

    Example:
        >>> from lamina.layers import Dense
        >>> clear_session(); Dense(1).name
        'dense'
    """
    global _learning_phase_tensor
    reset_names()
    _uids.clear()
    _learning_phase_tensor = None
    _call_context().training = None
    if free_memory:
        import torch

        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


@contextlib.contextmanager
def name_scope(name):
    """A no-op context kept for Keras 2 code (``with K.name_scope('block1'): ...``); names are not prefixed.

    Example:
        >>> with name_scope("block"):
        ...     pass
    """
    if not isinstance(name, str):
        raise TypeError(f"K.name_scope: name must be a string; received {name!r}")
    yield
