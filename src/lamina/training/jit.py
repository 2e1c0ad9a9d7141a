"""``compile(jit_compile=...)``: the steps of fit, evaluate and predict compiled by ``torch.compile``.

A :class:`CompiledStep` wraps one eager step function ``fn(batch)`` (the train step
is forward, loss, gradients, optimizer update and metric updates; the test step the
same without gradients; the predict step the forward pass) and hands it to
``torch.compile(fullgraph=True, dynamic=False)``, so the whole step becomes one graph
that inductor fuses. The rules:

* The first batch of each shape runs eagerly: it builds whatever is still unbuilt
  (layers, loss, metrics, optimizer slots), and a shape seen only once per pass (the
  last, smaller batch of an epoch, a one-batch validation set) is not worth a
  compilation. A shape seen a second time in the same pass is compiled, once: later
  epochs, ``fit`` calls and validation passes reuse the compiled step (at most
  :data:`MAX_SHAPES` shapes per step; others run eagerly).
* Each model gets its own compiled function (its own dynamo cache), made at the first
  step after ``compile()``; a new ``compile()`` forgets it.
* If the step cannot be compiled (a layer reads a tensor back to Python, an
  unsupported operation, no C++ compiler...), it runs eagerly from then on; with
  ``jit_compile=True`` a one-line warning names the reason.
* ``jit_compile='auto'`` compiles a step only when the pass it is in is planned to run
  at least :data:`AUTO_SECONDS` eagerly (the second eager step is timed and multiplied
  by the steps still planned), and never for models whose recurrent layers torch would
  unroll step by step (compilation time grows with the sequence length).
* The time spent compiling is logged on the ``lamina.jit`` logger, kept in
  :attr:`CompiledStep.compile_seconds`, and shown as a line by ``fit``'s progress
  display when ``verbose`` is not 0.

Example:
    >>> import torch
    >>> step = CompiledStep(lambda batch: batch[0] * 2, "Model 'm'", "predict step")
    >>> [step((torch.ones(2),)).tolist() for _ in range(3)][-1]
    [2.0, 2.0]
"""
import logging
import time
import types
import warnings
import weakref

import torch

logger = logging.getLogger("lamina.jit")

MAX_SHAPES = 4  # compiled batch shapes per step before the others run eagerly
AUTO_SECONDS = 120.0  # jit_compile="auto" compiles a step when the rest of its pass is planned to take this long eagerly
BACKEND = "inductor"  # torch.compile's backend (tests use "aot_eager": the same tracing, no code generation)

_STEPS = weakref.WeakKeyDictionary()  # model -> {kind: (step function, lazy)}; not copied with the model


def steps_of(model):
    """The model's step functions made since its last ``compile()`` (a dict to fill).

    Example:
        >>> from lamina.layers import Dense
        >>> steps_of(Dense(1))
        {}
    """
    steps = _STEPS.get(model)
    if steps is None:
        steps = _STEPS[model] = {}
    return steps


def forget(model):
    """Drop the model's step functions (and their compiled graphs): ``compile()`` calls it."""
    _STEPS.pop(model, None)


def auto_allowed(model):
    """Whether ``jit_compile='auto'`` may compile ``model``'s steps: not if a layer compiles step by step.

    A layer whose compiled graph grows with the length of its input sequence says so with
    a class attribute ``_compiles_per_timestep = True`` (the recurrent layers but the LSTM).

    Example:
        >>> from lamina.layers import Dense
        >>> auto_allowed(Dense(1))
        True
    """
    return not any(getattr(layer, "_compiles_per_timestep", False) for layer in model.modules())


def signature(value):
    """A hashable description of a batch's tensor shapes and dtypes (``None`` if it holds non-tensors).

    Example:
        >>> signature((torch.zeros(2, 3), None))
        ((torch.Size([2, 3]), torch.float32), ())
    """
    if isinstance(value, torch.Tensor):
        return value.shape, value.dtype
    if value is None:
        return ()
    if isinstance(value, (tuple, list)):
        parts = tuple(signature(v) for v in value)
        return None if None in parts else parts
    if isinstance(value, dict):
        parts = tuple((k, signature(v)) for k, v in value.items())
        return None if any(p is None for _, p in parts) else parts
    return None  # NumPy text, Python objects: the step runs eagerly


def _reason(error):
    """One line saying why compilation failed: the first line of the error and where it happened."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    stack = getattr(error, "real_stack", None)
    if stack:
        frame = stack[-1]
        text += f" (at {frame.filename}:{frame.lineno})"
    return f"{type(error).__name__}: {text}"


def _own_code(fn):
    """``fn`` with a code object of its own, so torch.compile keeps a separate cache for it."""
    return types.FunctionType(fn.__code__.replace(), fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)


class CompiledStep:
    """A step function that runs compiled by ``torch.compile`` where it can (see the module docstring).

    Args:
        fn: the eager step, ``fn(batch)``.
        label: how messages name the model (``"Model 'sequential'"``).
        what: how messages name the step (``"train step"``).
        auto: ``jit_compile='auto'``: compile only where it pays off, and say nothing
            but a log line when the step cannot be compiled (``jit_compile=True`` warns).

    Attributes:
        compile_seconds: wall-clock seconds spent compiling so far.
        failure: why the step could not be compiled (``None`` if it could).

    Example:
        >>> step = CompiledStep(lambda batch: batch, "Model 'm'", "test step", auto=True)
        >>> step.failure is None, step.compile_seconds
        (True, 0.0)
    """

    def __init__(self, fn, label, what, auto=False):
        self.fn = fn
        self.label = label
        self.what = what
        self.auto = auto
        self.compile_seconds = 0.0
        self.failure = None
        self.report = None
        self._compiled = None
        self._ready = set()
        self._seen = {}
        self._planned = None
        self._step_seconds = None

    def new_pass(self, report=None, planned_steps=None):
        """Start a pass over the data (an epoch, an evaluation).

        ``report(message)`` shows compilation lines to the user; ``planned_steps`` is how
        many more steps are planned (for ``'auto'``; ``None`` when unknown).
        """
        self._seen.clear()
        self.report = report
        self._planned = planned_steps

    def __call__(self, batch):
        key = signature(batch)
        if key in self._ready:
            return self._run(batch)
        if key is None or self.failure is not None or len(self._ready) >= MAX_SHAPES:
            return self.fn(batch)
        seen = self._seen.get(key, 0)
        self._seen[key] = seen + 1
        if self.auto:
            if seen == 1:  # the first step built things; time the second one
                start = time.perf_counter()
                result = self.fn(batch)
                self._step_seconds = time.perf_counter() - start
                return result
            if seen == 0 or not self._worth_compiling():
                return self.fn(batch)
        elif not seen:
            return self.fn(batch)
        return self._compile(key, batch)

    def _worth_compiling(self):
        return self._planned is not None and self._planned * self._step_seconds >= AUTO_SECONDS

    def _run(self, batch):
        config = torch._dynamo.config
        previous = config.trace_autograd_ops
        config.trace_autograd_ops = True  # trace torch.autograd.grad into the graph (the backward pass)
        try:
            return self._compiled(batch)
        except torch._dynamo.exc.TorchDynamoException as error:  # a recompilation that failed
            self._give_up(error)
            return self.fn(batch)
        finally:
            config.trace_autograd_ops = previous

    def _compile(self, key, batch):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            if self._compiled is None:
                import torch._dynamo  # noqa: F401,PLC0415 (heavy: only when something is compiled)

                self._compiled = torch.compile(_own_code(self.fn), fullgraph=True, dynamic=False, backend=BACKEND)
            config = torch._dynamo.config
            previous = config.trace_autograd_ops
            config.trace_autograd_ops = True
            try:
                result = self._compiled(batch)
            finally:
                config.trace_autograd_ops = previous
        except Exception as error:  # noqa: BLE001 (any failure means: run eagerly, and say why)
            self._give_up(error)
            return self.fn(batch)
        seconds = time.perf_counter() - wall
        self.compile_seconds += seconds
        self._ready.add(key)
        message = (f"{self.label}: compiled the {self.what} for batches of shape {_shapes(key)} in {seconds:.1f} s "
                   f"({time.process_time() - cpu:.1f} CPU-s in this process)")
        logger.info(message)
        if self.report is not None:
            self.report(message)
        return result

    def _give_up(self, error):
        self.failure = _reason(error)
        message = f"{self.label}: the {self.what} cannot be compiled by torch.compile, so it runs eagerly: {self.failure}"
        logger.info(message)
        if not self.auto:
            warnings.warn(message, RuntimeWarning, stacklevel=5)  # the caller of fit/evaluate/predict


def _shapes(key):
    """The tensor shapes in a :func:`signature`, as text: ``'(64, 20), (64,)'``."""
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], torch.Size):
        return str(tuple(key[0]))
    if isinstance(key, tuple):
        return ", ".join(filter(None, (_shapes(part[1] if _is_named(part) else part) for part in key)))
    return ""


def _is_named(part):
    return isinstance(part, tuple) and len(part) == 2 and isinstance(part[0], str)
