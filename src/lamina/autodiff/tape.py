"""``GradientTape``: TensorFlow's tape API on torch autograd.

Torch records every operation on tensors that require gradients, so the tape
does not record anything itself. It decides *what is watched* and turns
``tape.gradient(target, sources)`` into one ``torch.autograd.grad`` call:

* trainable ``lamina.Variable``s (torch Parameters) are watched automatically
  (unless ``watch_accessed_variables=False``);
* ``tape.watch(t)`` makes a constant tensor require gradients while the tape is
  open (and restores it afterwards, so the constant stays a constant);
* a source the tape never watched gets ``None`` (or zeros with
  ``unconnected_gradients='zero'``) and a warning, once per kind of tensor;
* a non-scalar target is summed (``output_gradients`` weights it instead);
* calling ``gradient`` while another tape is recording builds a differentiable
  result, so nested tapes give second derivatives.

Differences from TensorFlow: operations on trainable variables are recorded by
torch even outside any tape, so a gradient can flow through values computed
before the tape opened; ``reset()`` forgets what was watched but cannot forget
recorded operations; ``stop_recording()`` pauses recording for every tape.

Example:
    >>> from lamina.core.variable import Variable
    >>> x, y = Variable(1.0), Variable(2.0)
    >>> with GradientTape() as tape:
    ...     z = x ** 2 + y ** 2
    >>> [g.item() for g in tape.gradient(z, [x, y])]
    [2.0, 4.0]
"""
import contextlib
import warnings

import torch

from lamina.core import tree
from lamina.core.variable import Variable

__all__ = ["GradientTape"]

_recording_tapes = []  # tapes inside their `with` block and not paused by stop_recording()
_watch_counts = {}  # id(tensor) -> [tensor, number of open tapes that made it require grad]
_warned = set()  # descriptions of unwatched sources already warned about
_UNCONNECTED = ("none", "zero")


def _describe(x):
    if isinstance(x, Variable):
        return f"variable '{x.path}' (shape {tuple(x.shape)})"
    return f"a tensor of shape {tuple(x.shape)} and dtype {str(x.dtype).replace('torch.', '')}"


def _standardize_unconnected(value):
    value = getattr(value, "value", value)  # TensorFlow's UnconnectedGradients enum
    lowered = value.lower() if isinstance(value, str) else value
    if lowered not in _UNCONNECTED:
        raise ValueError(f"GradientTape: unknown unconnected_gradients={value!r}; expected one of {_UNCONNECTED}")
    return lowered


class GradientTape:
    """Record operations to differentiate them (``tf.GradientTape``).

    Args:
        persistent: allow several ``gradient``/``jacobian`` calls (a
            non-persistent tape raises on the second one, as TensorFlow).
        watch_accessed_variables: watch trainable variables automatically; if
            False, only what ``watch`` is given.

    Example:
        >>> c = torch.tensor(3.0)
        >>> with GradientTape() as tape:
        ...     tape.watch(c)
        ...     f = c * c * c
        >>> tape.gradient(f, c).item()
        27.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._watched = {}  # id -> tensor explicitly watched
        self._flipped = []  # tensors this tape made require grad (released on exit)
        self._inside = False
        self._recording = False
        self._used = False
        self._shared = False  # another tape was open at the same time: never free the graph
        self._grad_mode = None

    # -- context -------------------------------------------------------------------
    def __enter__(self):
        if self._inside:
            raise ValueError("GradientTape: the tape is already open; a tape cannot be entered twice at once")
        if _recording_tapes:
            self._shared = True
            for other in _recording_tapes:
                other._shared = True
        self._inside = True
        self._start_recording()
        return self

    def __exit__(self, *exc_info):
        if self._recording:
            self._stop_recording()
        self._inside = False
        self._release()

    def _start_recording(self):
        self._recording = True
        _recording_tapes.append(self)
        self._grad_mode = torch.is_grad_enabled()
        torch.set_grad_enabled(True)

    def _stop_recording(self):
        torch.set_grad_enabled(self._grad_mode)
        _recording_tapes.remove(self)
        self._recording = False

    @contextlib.contextmanager
    def stop_recording(self):
        """Context in which operations are not recorded (torch's ``no_grad``; it pauses every tape).

        Example:
            >>> x = Variable(2.0)
            >>> with GradientTape() as tape:
            ...     with tape.stop_recording():
            ...         y = x * x
            >>> y.requires_grad
            False
        """
        if not self._recording:
            raise RuntimeError("GradientTape.stop_recording: the tape is not recording (use it inside `with tape:`)")
        self._stop_recording()
        try:
            with torch.no_grad():
                yield
        finally:
            self._start_recording()

    # -- watching ---------------------------------------------------------------------
    def watch(self, tensor):
        """Watch ``tensor`` (or a nested structure of tensors) so gradients with respect to it can be computed.

        Example:
            >>> t = torch.ones(2)
            >>> with GradientTape() as tape:
            ...     tape.watch(t)
            ...     s = (t * 3).sum()
            >>> tape.gradient(s, t).tolist()
            [3.0, 3.0]
        """
        for t in tree.flatten(tensor):
            if not isinstance(t, torch.Tensor):
                raise TypeError(f"GradientTape.watch: expected tensors or Variables; received {type(t).__name__}")
            if not (t.is_floating_point() or t.is_complex()):
                warnings.warn(
                    f"GradientTape.watch: {_describe(t)} is not a float tensor, so it cannot have gradients; "
                    "it is not watched", stacklevel=2,
                )
                continue
            if id(t) in self._watched:
                continue
            self._watched[id(t)] = t
            entry = _watch_counts.get(id(t))
            if entry is not None:  # another open tape made it require grad: keep it so until both close
                entry[1] += 1
                self._flipped.append(t)
            elif not t.requires_grad:  # a constant (a leaf): make it require grad while the tape is open
                _watch_counts[id(t)] = [t, 1]
                self._flipped.append(t)
                t.requires_grad_(True)

    def _release(self):
        """Give back the ``requires_grad`` flags this tape switched on (when no other open tape needs them)."""
        for t in self._flipped:
            entry = _watch_counts.get(id(t))
            if entry is None:
                continue
            entry[1] -= 1
            if entry[1] <= 0:
                del _watch_counts[id(t)]
                if t.is_leaf:
                    t.requires_grad_(False)
        self._flipped = []

    def watched_variables(self):
        """The tensors and variables explicitly given to :meth:`watch`, in order.

        Example:
            >>> t = torch.ones(1)
            >>> with GradientTape() as tape:
            ...     tape.watch(t)
            >>> len(tape.watched_variables())
            1
        """
        return tuple(self._watched.values())

    def reset(self):
        """Forget the watched tensors and allow a non-persistent tape to compute gradients again.

        Example:
            >>> tape = GradientTape()
            >>> tape.reset()
        """
        self._release()
        self._watched = {}
        self._used = False

    # -- gradients ----------------------------------------------------------------------
    def _check_usable(self, what):
        if self._used and not self._persistent:
            raise RuntimeError(
                f"GradientTape.{what}: a non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians); create it with GradientTape(persistent=True) to call it several times"
            )

    def _is_watched(self, source):
        if id(source) in self._watched:
            return True
        if isinstance(source, Variable):
            return self._watch_accessed_variables and source.requires_grad
        return source.requires_grad

    def _create_graph(self):
        return any(t is not self for t in _recording_tapes) or (self._recording and self._persistent)

    def _grad(self, targets, inputs, grad_outputs, retain_graph, create_graph, batched=False):
        """``torch.autograd.grad``, with watched constants made to require grad again if the tape was closed."""
        restored = [t for t in inputs if not t.requires_grad and t.is_leaf]
        for t in restored:
            t.requires_grad_(True)
        try:
            return torch.autograd.grad(
                targets, inputs, grad_outputs, retain_graph=retain_graph, create_graph=create_graph,
                allow_unused=True, is_grads_batched=batched,
            )
        except RuntimeError as error:
            if "backward through the graph a second time" in str(error):
                raise RuntimeError(
                    "GradientTape.gradient: the operations recorded for this target were already consumed by an "
                    "earlier non-persistent gradient computation. Use GradientTape(persistent=True) to differentiate "
                    "the same computation several times."
                ) from error
            raise
        finally:
            for t in restored:
                t.requires_grad_(False)

    def _sources(self, sources, what):
        flat = tree.flatten(sources)
        for index, source in enumerate(flat):
            if not isinstance(source, torch.Tensor):
                raise TypeError(
                    f"GradientTape.{what}: sources must be tensors or Variables; source {index} is "
                    f"{type(source).__name__} ({source!r:.60})"
                )
        return flat

    def _warn_unwatched(self, source):
        description = _describe(source)
        if description not in _warned:
            _warned.add(description)
            warnings.warn(
                f"GradientTape.gradient: {description} was never watched by the tape, so its gradient is None. "
                "Call tape.watch(x) inside the `with GradientTape()` block, or use a lamina.Variable.",
                stacklevel=3,
            )

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """Gradients of ``target`` (summed if not scalar; nested targets add up) with respect to ``sources``.

        Args:
            target: a tensor or a nested structure of tensors.
            sources: a tensor/Variable or a nested structure of them (list, tuple, dict).
            output_gradients: weights for each target (same structure), instead of ones.
            unconnected_gradients: ``'none'`` (TensorFlow's default: ``None`` for a
                source the target does not depend on) or ``'zero'``.

        Returns:
            Gradients in the structure of ``sources``.

        Example:
            >>> w = Variable([1.0, -2.0, 3.0])
            >>> with GradientTape() as tape:
            ...     s = (w * w).sum()
            >>> tape.gradient(s, {"w": w})["w"].tolist()
            [2.0, -4.0, 6.0]
        """
        self._check_usable("gradient")
        unconnected = _standardize_unconnected(unconnected_gradients)
        flat_sources = self._sources(sources, "gradient")
        flat_targets = tree.flatten(target)
        flat_weights = None if output_gradients is None else tree.flatten(output_gradients)
        if flat_weights is not None and len(flat_weights) != len(flat_targets):
            raise ValueError(
                f"GradientTape.gradient: output_gradients has {len(flat_weights)} tensors for {len(flat_targets)} "
                "targets; give one per target (or None)"
            )
        targets, weights = [], []
        for index, t in enumerate(flat_targets):
            if isinstance(t, torch.Tensor) and t.requires_grad:
                targets.append(t)
                weight = None if flat_weights is None else flat_weights[index]
                if weight is None:
                    weight = torch.ones_like(t)
                weights.append(weight if isinstance(weight, torch.Tensor) else torch.as_tensor(
                    weight, dtype=t.dtype, device=t.device))
        watched = []
        for source in flat_sources:
            if self._is_watched(source):
                watched.append(source)
            elif not isinstance(source, Variable):
                self._warn_unwatched(source)
        create_graph = self._create_graph()
        results = {}
        if targets and watched:
            retain = self._persistent or self._shared or create_graph
            grads = self._grad(targets, watched, weights, retain, create_graph)
            results = {id(s): g for s, g in zip(watched, grads)}
        if not self._persistent:
            self._used = True
        out = []
        for source in flat_sources:
            grad = results.get(id(source))
            if grad is None and unconnected == "zero":
                grad = torch.zeros_like(source, requires_grad=False)
            out.append(grad)
        return tree.pack_sequence_as(sources, out)

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        """Full Jacobian: for each source, a tensor of shape ``target.shape + source.shape``.

        Example:
            >>> x = Variable([1.0, 2.0])
            >>> with GradientTape() as tape:
            ...     y = x * x
            >>> tape.jacobian(y, x).tolist()
            [[2.0, 0.0], [0.0, 4.0]]
        """
        self._check_usable("jacobian")
        unconnected = _standardize_unconnected(unconnected_gradients)
        flat_sources = self._sources(sources, "jacobian")
        target = torch.as_tensor(target)
        rows = target.reshape(-1)
        watched = [s for s in flat_sources if self._is_watched(s)]
        results = {}
        if watched and target.requires_grad and rows.numel():
            basis = torch.eye(rows.numel(), dtype=target.dtype, device=target.device)
            grads = self._batched_grads(rows, watched, basis)
            results = {id(s): g for s, g in zip(watched, grads)}
        if not self._persistent:
            self._used = True
        out = []
        for source in flat_sources:
            grad = results.get(id(source))
            if grad is not None:
                grad = grad.reshape(tuple(target.shape) + tuple(source.shape))
            elif unconnected == "zero":
                grad = torch.zeros(tuple(target.shape) + tuple(source.shape), dtype=source.dtype, device=source.device)
            out.append(grad)
        return tree.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients="none", parallel_iterations=None,
                       experimental_use_pfor=True):
        """Per-example Jacobians: ``target[i]`` with respect to ``source[i]``, shape ``(batch, *t[1:], *s[1:])``.

        Assumes example ``i`` of the target depends only on example ``i`` of the source.

        Example:
            >>> x = Variable([[1.0, 2.0], [3.0, 4.0]])
            >>> with GradientTape() as tape:
            ...     y = x * x
            >>> tape.batch_jacobian(y, x)[1].tolist()
            [[6.0, 0.0], [0.0, 8.0]]
        """
        self._check_usable("batch_jacobian")
        unconnected = _standardize_unconnected(unconnected_gradients)
        (source,) = self._sources([source], "batch_jacobian")
        if target.dim() < 1 or source.dim() < 1 or target.shape[0] != source.shape[0]:
            raise ValueError(
                f"GradientTape.batch_jacobian: target (shape {tuple(target.shape)}) and source (shape "
                f"{tuple(source.shape)}) must share their first (batch) dimension"
            )
        batch = target.shape[0]
        columns = target.reshape(batch, -1)
        width = columns.shape[1]
        shape = (batch,) + tuple(target.shape[1:]) + tuple(source.shape[1:])
        grad = None
        if self._is_watched(source) and target.requires_grad and width:
            basis = torch.eye(width, dtype=target.dtype, device=target.device).unsqueeze(1).expand(width, batch, width)
            (grad,) = self._batched_grads(columns, [source], basis)
            if grad is not None:
                grad = grad.movedim(0, 1).reshape(shape)
        if not self._persistent:
            self._used = True
        if grad is None and unconnected == "zero":
            grad = torch.zeros(shape, dtype=source.dtype, device=source.device)
        return grad

    def _batched_grads(self, outputs, inputs, basis):
        """Vector-Jacobian products of ``outputs`` for every row of ``basis`` (vmapped; looped if vmap fails)."""
        create_graph = self._create_graph()
        try:
            return self._grad([outputs], inputs, [basis], True, create_graph, batched=True)
        except RuntimeError:  # an operation without a batching rule: one product per row
            per_row = [self._grad([outputs], inputs, [row], True, create_graph) for row in basis]
            return [None if per_row[0][i] is None else torch.stack([g[i] for g in per_row]) for i in range(len(inputs))]
