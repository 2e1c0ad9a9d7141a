"""``Optimizer``: the base of lamina's optimizers, with Keras 3's API and a torch fast path.

An optimizer owns its state as tensors: the iteration count, the learning rate (a
0-d variable, or a schedule evaluated on the iteration count) and one slot per
trained weight for each moment it keeps (momenta, velocities...). Slots are created
by :meth:`Optimizer.build`; each update is a handful of ``torch._foreach_*`` calls
over all weights at once, so its cost does not grow with the number of weight
tensors, and it never reads a tensor back to Python (no host sync), so it can be
captured whole by ``torch.compile``.

Two ways to apply an update:

* Keras's ``apply_gradients(zip(grads, variables))`` / ``apply(grads, variables)``;
* torch's ``step()``: after ``loss.backward()``, read each weight's ``.grad`` (the
  training loop's fast path; ``zero_grad()`` clears them).

Example:
    >>> import torch
    >>> from lamina.optimizers import SGD
    >>> w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    >>> opt = SGD(learning_rate=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step([w])
    >>> w.detach().tolist(), int(opt.iterations)
    ([0.800000011920929, 1.600000023841858], 1)
"""
import numbers
import re
import warnings

import numpy as np
import torch

from lamina.core import config, registry
from lamina.core.naming import to_snake_case, unique_name
from lamina.core.variable import Variable
from lamina.optimizers import clipping
from lamina.optimizers.state import OptimizerState
from lamina.optimizers.schedules import LearningRateSchedule
from lamina.optimizers.schedules import deserialize as deserialize_schedule
from lamina.optimizers.schedules import serialize as serialize_schedule

# Config keys written by Keras 2 / tf.keras that carry no meaning here.
_LEGACY_CONFIG_KEYS = ("jit_compile", "is_legacy_optimizer")


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_optional(owner, arg, value, low=0.0, low_inclusive=False):
    """None, or a number above ``low``; else a ValueError naming ``owner`` and ``arg``."""
    if value is None:
        return None
    ok = _is_number(value) and (value >= low if low_inclusive else value > low)
    if not ok:
        bound = ">=" if low_inclusive else ">"
        raise ValueError(f"{owner}: {arg} must be None or a number {bound} {low}; received {arg}={value!r}")
    return value


def _scalar_learning_rate(owner, value):
    """A Python float from a float/int/NumPy scalar/0-d tensor, else a ValueError."""
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 0:
        value = value.item() if isinstance(value, np.ndarray) else float(value.detach().cpu())
    if not _is_number(value):
        raise ValueError(
            f"{owner}: learning_rate must be a float, a LearningRateSchedule or a callable returning "
            f"the rate; received learning_rate={value!r} (type {type(value).__name__})"
        )
    return float(value)


class Optimizer(OptimizerState):
    """Base class of all optimizers (``keras.optimizers.Optimizer``).

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` (called with the iteration
            count), or a callable without arguments returning the rate. Readable and
            assignable at any time: ``opt.learning_rate = 0.01``.
        weight_decay: decoupled weight decay; before each update every weight ``w``
            (except those excluded with :meth:`exclude_from_weight_decay`) becomes
            ``w * (1 - weight_decay * learning_rate)``.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: scale all gradients so that their joint L2 norm is at most this.
        use_ema: keep an exponential moving average of the weights
            (``average = ema_momentum * average + (1 - ema_momentum) * w``).
        ema_momentum: the EMA's momentum (0.99).
        ema_overwrite_frequency: copy the averages into the weights every this many
            steps; if None, call :meth:`finalize_variable_values` at the end.
        loss_scale_factor: gradients are divided by this (see :meth:`scale_loss`).
        gradient_accumulation_steps: not supported yet; must be None.
        name: the optimizer's name (default: snake-cased class name, made unique).
        lr: Keras 2 spelling of ``learning_rate``.
        decay: Keras 2 inverse-time decay: the rate in force at iteration ``t`` is
            ``learning_rate / (1 + decay * t)``.

    Subclasses create their slots in ``_build_slots(variables)`` and implement the
    vectorised update ``_update(params, grads, learning_rate, index)``. A custom
    optimizer written the Keras way (override ``build`` calling ``super().build``,
    create slots with :meth:`add_variable_from_reference`, implement
    ``update_step(gradient, variable, learning_rate)``) works too.

    Example:
        >>> import torch
        >>> from lamina.optimizers import Adam
        >>> w = torch.nn.Parameter(torch.ones(3))
        >>> opt = Adam(learning_rate=0.1)
        >>> _ = opt.apply_gradients([(torch.ones(3), w)])
        >>> [round(x, 4) for x in w.detach().tolist()]
        [0.9, 0.9, 0.9]
    """

    _default_learning_rate = 0.001
    _distribution = None  # a lamina.distribute.DataParallel while training on several processes

    def __init__(
        self,
        learning_rate=None,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        owner = type(self).__name__
        legacy_lr = kwargs.pop("lr", None)
        decay = kwargs.pop("decay", None)
        for key in _LEGACY_CONFIG_KEYS:
            kwargs.pop(key, None)
        if kwargs:
            raise TypeError(
                f"{owner}: unexpected keyword argument(s) {sorted(kwargs)}. Valid arguments are the "
                f"optimizer's hyper-parameters plus learning_rate, weight_decay, clipnorm, clipvalue, "
                f"global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency, loss_scale_factor, "
                f"name, and the Keras 2 spellings lr and decay"
            )
        if legacy_lr is not None:
            if learning_rate is not None and learning_rate != self._default_learning_rate:
                raise ValueError(
                    f"{owner}: pass learning_rate or its Keras 2 spelling lr, not both; received "
                    f"learning_rate={learning_rate!r} and lr={legacy_lr!r}"
                )
            learning_rate = legacy_lr
        if learning_rate is None:
            learning_rate = self._default_learning_rate
        if gradient_accumulation_steps is not None:
            raise NotImplementedError(
                f"{owner}: gradient_accumulation_steps is not supported by lamina yet; received "
                f"gradient_accumulation_steps={gradient_accumulation_steps!r}. Use a larger batch size instead."
            )
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        for arg, value in clips.items():
            _check_optional(owner, arg, value)
        given = {k: v for k, v in clips.items() if v is not None}
        if len(given) > 1:
            raise ValueError(f"{owner}: only one of clipnorm, clipvalue and global_clipnorm can be set; received {given}")
        if not (_is_number(ema_momentum) and 0 <= ema_momentum <= 1):
            raise ValueError(f"{owner}: ema_momentum must be a number in [0, 1]; received ema_momentum={ema_momentum!r}")
        if ema_overwrite_frequency is not None and not (
            isinstance(ema_overwrite_frequency, numbers.Integral) and ema_overwrite_frequency >= 1
        ):
            raise ValueError(
                f"{owner}: ema_overwrite_frequency must be None or an integer >= 1; "
                f"received ema_overwrite_frequency={ema_overwrite_frequency!r}"
            )
        if name is not None and not isinstance(name, str):
            raise ValueError(f"{owner}: name must be a string; received name={name!r}")

        self.name = name if name is not None else unique_name(to_snake_case(owner))
        self.weight_decay = _check_optional(owner, "weight_decay", weight_decay, low_inclusive=True)
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = _check_optional(owner, "loss_scale_factor", loss_scale_factor)
        self.gradient_accumulation_steps = None
        self.decay = _check_optional(owner, "decay", decay, low_inclusive=True) or 0.0

        self.built = False
        self._trainable_variables = []
        self._index = {}
        self._state_variables = []  # slots, in creation order (Keras's order)
        self._exclude_ids, self._exclude_names = set(), None
        self._last_step_list, self._last_step_index = None, None  # step()'s lookup cache
        self._iterations = self._new_variable(torch.zeros((), dtype=torch.int64, device=config.device()), "iteration")
        self._iterations_t = self._iterations.detach()  # plain-tensor alias: cheaper in torch ops
        self._learning_rate = None
        self._lr_t = None
        self.learning_rate = learning_rate

    # -- learning rate and iteration count ---------------------------------------
    @property
    def iterations(self):
        """The number of updates applied so far (an int64 0-d ``Variable``)."""
        return self._iterations

    @property
    def learning_rate(self):
        """The learning rate: a 0-d ``Variable`` (assignable), or the schedule's current value.

        Example:
            >>> from lamina.optimizers import SGD
            >>> opt = SGD(learning_rate=0.2)
            >>> opt.learning_rate = 0.05
            >>> round(float(opt.learning_rate), 6)
            0.05
        """
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self._iterations_t)
        return self._learning_rate()

    @learning_rate.setter
    def learning_rate(self, value):
        if callable(value):  # a LearningRateSchedule or a function returning the rate
            self._learning_rate, self._lr_t = value, None
            return
        if isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(
                f"{type(self).__name__} '{self.name}' was created with the learning-rate schedule "
                f"{type(self._learning_rate).__name__}, so its learning rate cannot be set to {value!r}. "
                "Assign another schedule, or create the optimizer with a float learning_rate."
            )
        value = _scalar_learning_rate(type(self).__name__, value)
        if isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(value)  # in place: every later step reads the new value
        else:
            self._learning_rate = self._new_variable(
                torch.tensor(value, dtype=torch.float32, device=self._iterations.device), "learning_rate"
            )
            self._lr_t = self._learning_rate.detach()

    lr = learning_rate  # Keras 2 spelling: ``K.set_value(model.optimizer.lr, 0.01)``

    def _current_learning_rate(self):
        """The rate for the coming update, as a 0-d tensor (no host sync)."""
        if self._lr_t is not None:
            lr = self._lr_t
        elif isinstance(self._learning_rate, LearningRateSchedule):
            lr = self._learning_rate(self._iterations_t)
        else:
            lr = self._learning_rate()
            if not isinstance(lr, torch.Tensor):
                lr = torch.tensor(_scalar_learning_rate(type(self).__name__, lr), device=self._iterations_t.device)
        if self.decay:
            lr = lr / (1.0 + self.decay * self._iterations_t)
        return lr

    # -- state ----------------------------------------------------------------------
    def _new_variable(self, value, name):
        variable = Variable(value, trainable=False, name=name)
        variable._path = f"{self.name}/{name}"
        return variable

    @property
    def variables(self):
        """The optimizer's state in a stable order (Keras's): iteration, learning rate, slots.

        Example:
            >>> import torch
            >>> from lamina.optimizers import SGD
            >>> opt = SGD(momentum=0.9, name="sgd")
            >>> opt.build([torch.nn.Parameter(torch.ones(2))])
            >>> [v.path for v in opt.variables]
            ['sgd/iteration', 'sgd/learning_rate', 'sgd/param_0_momentum']
        """
        head = [self._iterations]
        if isinstance(self._learning_rate, Variable):
            head.append(self._learning_rate)
        return head + self._state_variables

    def build(self, variables):
        """Create the optimizer's state for ``variables`` (the weights it will train).

        Called automatically by the first ``apply``/``step``; calling it again does nothing.

        Example:
            >>> import torch
            >>> from lamina.optimizers import Adam
            >>> opt = Adam()
            >>> opt.build([torch.nn.Parameter(torch.ones(2, 3))])
            >>> len(opt.variables)
            4
        """
        if self.built:
            return
        variables = list(variables)
        owner = f"{type(self).__name__}.build"
        for i, v in enumerate(variables):
            if not isinstance(v, torch.Tensor) or not (v.is_floating_point() or v.is_complex()):
                raise ValueError(f"{owner}: variables[{i}] must be a float tensor or Variable; received {v!r:.120}")
        index = {id(v): i for i, v in enumerate(variables)}
        if len(index) != len(variables):
            raise ValueError(f"{owner}: the same variable appears more than once in the {len(variables)} variables given")
        if variables and variables[0].device != self._iterations.device:
            self._move_counters(variables[0].device)
        self._trainable_variables = variables
        self._index = index
        self._decayed = [v for v in variables if self._use_weight_decay(v)]
        self._constrained = [(i, v) for i, v in enumerate(variables) if getattr(v, "constraint", None) is not None]
        if self.use_ema:
            self._averages = self.add_optimizer_variables(variables, "average")
            with torch.no_grad():
                torch._foreach_copy_(self._averages, variables)
        self.built = True
        self._build_slots(variables)

    def _move_counters(self, device):
        """Keep the iteration count and learning rate on the weights' device (no cross-device reads)."""
        self._iterations = self._new_variable(self._iterations.detach().to(device), "iteration")
        self._iterations_t = self._iterations.detach()
        if isinstance(self._learning_rate, Variable):
            self._learning_rate = self._new_variable(self._learning_rate.detach().to(device), "learning_rate")
            self._lr_t = self._learning_rate.detach()

    def _build_slots(self, variables):
        """Create the per-weight slots (subclasses); stored as plain-tensor aliases for speed."""

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None, device=None):
        """Add a state variable (not trained) to this optimizer; Keras's ``add_variable``.

        ``initializer`` is ``'zeros'``, ``'ones'``, a number, or any lamina initializer.

        Example:
            >>> from lamina.optimizers import SGD
            >>> SGD().add_variable((2,), initializer=0.5, name="halves").tolist()
            [0.5, 0.5]
        """
        dtype = torch.float32 if dtype is None else dtype
        device = self._iterations.device if device is None else device
        shape = tuple(shape)
        if _is_number(initializer):
            value = torch.full(shape, float(initializer), dtype=dtype, device=device)
        elif initializer in ("zeros", "ones"):
            value = (torch.zeros if initializer == "zeros" else torch.ones)(shape, dtype=dtype, device=device)
        else:
            from lamina import initializers  # noqa: PLC0415 (sibling package, only for rare initializers)

            value = torch.as_tensor(initializers.get(initializer)(shape, dtype=dtype), dtype=dtype, device=device)
        variable = self._new_variable(value, name or "variable")
        self._state_variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A state variable shaped like ``reference_variable`` (same dtype and device).

        Its name is ``<reference path with '/' as '_'>_<name>``, as in Keras.

        Example:
            >>> import torch
            >>> from lamina.optimizers import SGD
            >>> SGD().add_variable_from_reference(torch.ones(2, 2), "momentum").shape
            torch.Size([2, 2])
        """
        name = name or "var"
        reference_name = getattr(reference_variable, "path", None)
        if reference_name is None:
            reference_name = f"param_{self._index.get(id(reference_variable), len(self._state_variables))}"
        full_name = f"{reference_name.replace('/', '_').replace(':', '_')}_{name}"
        return self.add_variable(
            reference_variable.shape, initializer, reference_variable.dtype, full_name, device=reference_variable.device
        )

    def add_optimizer_variables(self, variables, names, initializer="zeros"):
        """One slot per variable for each name (interleaved per variable, as Keras orders them).

        Returns plain-tensor aliases of the slots (a list per name; a single list if
        ``names`` is a string); the ``Variable`` objects are in :attr:`variables`.

        Example:
            >>> import torch
            >>> from lamina.optimizers import SGD
            >>> m, v = SGD().add_optimizer_variables([torch.ones(2)], ["m", "v"])
            >>> len(m), len(v)
            (1, 1)
        """
        single = isinstance(names, str)
        names = [names] if single else list(names)
        initializers = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        lists = tuple([] for _ in names)
        for variable in variables:
            for out, slot_name, init in zip(lists, names, initializers):
                out.append(self.add_variable_from_reference(variable, slot_name, init).detach())
        return lists[0] if single else lists

    def _get_variable_index(self, variable):
        return self._index[id(variable)]

    # -- weight decay -----------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables from weight decay: by object, or by name (``re.search`` of any pattern).

        Must be called before the optimizer is built.

        Example:
            >>> from lamina.optimizers import AdamW
            >>> opt = AdamW()
            >>> opt.exclude_from_weight_decay(var_names=["bias", "gamma"])
        """
        if self.built:
            raise ValueError(
                f"{type(self).__name__}.exclude_from_weight_decay must be called before the optimizer is built "
                "(before its first update or build())"
            )
        self._exclude_ids = {id(v) for v in (var_list or [])}
        self._exclude_names = re.compile("|".join(var_names)) if var_names else None

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        pattern = self._exclude_names
        return pattern is None or pattern.search(getattr(variable, "name", None) or "") is None

    # -- applying updates ---------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Apply ``(gradient, variable)`` pairs; None gradients are skipped with a warning.

        Returns the iteration count (as ``tf.keras`` did).

        Example:
            >>> import torch
            >>> from lamina.optimizers import SGD
            >>> w = torch.nn.Parameter(torch.zeros(2))
            >>> _ = SGD(0.5).apply_gradients(zip([torch.ones(2)], [w]))
            >>> w.detach().tolist()
            [-0.5, -0.5]
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        grads, variables = zip(*pairs)
        self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Apply ``grads`` to ``trainable_variables`` (default: the variables it was built with).

        Example:
            >>> import torch
            >>> from lamina.optimizers import SGD
            >>> w = torch.nn.Parameter(torch.ones(2))
            >>> opt = SGD(0.5)
            >>> opt.build([w])
            >>> opt.apply([torch.ones(2)])
            >>> w.detach().tolist()
            [0.5, 0.5]
        """
        grads = list(grads)
        owner = f"{type(self).__name__}.apply"
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    f"{owner}: gradients were given without variables, but the optimizer is not built; "
                    "pass the variables, or call optimizer.build(variables) first"
                )
            params, index = self._trainable_variables, None
            if len(grads) != len(params):
                raise ValueError(
                    f"{owner}: received {len(grads)} gradients, but the optimizer was built "
                    f"with {len(params)} variables; they must match one to one"
                )
        else:
            params = list(trainable_variables)
            if len(grads) != len(params):
                raise ValueError(f"{owner}: received {len(grads)} gradients for {len(params)} variables")
            if not self.built:
                self.build(params)
            index = self._indices_of(params, owner)
        for i, (g, p) in enumerate(zip(grads, params)):
            if g is None:
                continue
            if not isinstance(g, torch.Tensor):
                g = grads[i] = torch.as_tensor(np.asarray(g), dtype=p.dtype, device=p.device)
            elif g.dtype != p.dtype or g.device != p.device:
                g = grads[i] = g.to(device=p.device, dtype=p.dtype)
            if g.shape != p.shape:
                raise ValueError(
                    f"{owner}: the gradient for variable {_describe(p, i)} has shape {tuple(g.shape)}, "
                    f"but the variable has shape {tuple(p.shape)}"
                )
        self._apply_filtered(params, grads, index)

    def step(self, variables=None, grads=None):
        """The torch-style fast path: update the weights from their ``.grad`` after ``backward()``.

        With no argument, updates the variables the optimizer was built with (build it
        once with ``optimizer.build(model.trainable_variables)``). Given a list, updates
        those variables (a subset of the built ones); passing the *same* list object
        again reuses its position lookup, so do not modify such a list in place between
        calls. Weights whose gradient is None are skipped. ``grads`` (one per variable,
        e.g. from ``torch.autograd.grad``) replaces the ``.grad`` attributes.

        Example:
            >>> import torch
            >>> from lamina.optimizers import SGD
            >>> w = torch.nn.Parameter(torch.tensor(3.0))
            >>> opt = SGD(0.1)
            >>> opt.build([w])
            >>> (w * w).backward()
            >>> opt.step()
            >>> round(w.item(), 4)
            2.4
            >>> opt.step([w], torch.autograd.grad(w * w, [w]))
            >>> round(w.item(), 4)
            1.92
        """
        if variables is None:
            if not self.built:
                raise ValueError(
                    f"{type(self).__name__}.step() without variables needs a built optimizer; call "
                    "optimizer.build(model.trainable_variables) once, or pass the variables"
                )
            params, index = self._trainable_variables, None
        elif variables is self._last_step_list:
            params, index = variables, self._last_step_index
        else:
            params = variables if isinstance(variables, list) else list(variables)
            if not params:
                return
            if not self.built:
                self.build(params)
            index = self._indices_of(params, f"{type(self).__name__}.step")
            if params is variables:
                self._last_step_list, self._last_step_index = params, index
        if grads is None:
            grads = [p.grad for p in params]
        elif len(grads) != len(params):
            raise ValueError(f"{type(self).__name__}.step: received {len(grads)} gradients for {len(params)} variables")
        self._apply_filtered(params, list(grads), index)

    def zero_grad(self, set_to_none=True):
        """Clear the ``.grad`` of the variables the optimizer was built with (as torch optimizers do).

        Example:
            >>> from lamina.optimizers import SGD
            >>> SGD().zero_grad()
        """
        for p in self._trainable_variables:
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def minimize(self, loss, var_list):
        """Compute the gradients of ``loss`` (a tensor or a function returning one) and apply them.

        Example:
            >>> import torch
            >>> from lamina.optimizers import SGD
            >>> w = torch.nn.Parameter(torch.tensor(1.0))
            >>> _ = SGD(0.5).minimize(lambda: w * w, [w])
            >>> w.item()
            0.0
        """
        var_list = list(var_list)
        with torch.enable_grad():
            value = loss() if callable(loss) else loss
            grads = torch.autograd.grad(self.scale_loss(value), var_list, allow_unused=True)
        return self.apply_gradients(zip(grads, var_list))

    def scale_loss(self, loss):
        """Multiply ``loss`` by ``loss_scale_factor`` (if set); gradients are divided back before updating.

        Example:
            >>> from lamina.optimizers import SGD
            >>> SGD(loss_scale_factor=4.0).scale_loss(2.0)
            8.0
        """
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def _indices_of(self, variables, owner):
        if variables is self._trainable_variables:
            return None
        index = self._index
        try:
            positions = [index[id(v)] for v in variables]
        except KeyError:
            unknown = next(_describe(v, i) for i, v in enumerate(variables) if id(v) not in index)
            raise ValueError(
                f"{owner}: unknown variable {unknown}. This optimizer was built for "
                f"{len(self._trainable_variables)} other variables and can only update those; "
                "create a new optimizer for new variables."
            ) from None
        return None if positions == list(range(len(index))) else positions

    def _apply_filtered(self, params, grads, index):
        """Drop None gradients (warning once per set of names), then update; nothing to update is a no-op."""
        if not grads:
            return
        if self._distribution is not None:  # data parallel: the mean of every process's gradients
            grads = self._distribution.reduce_gradients(grads)
        if any(g is None for g in grads):
            missing = [_describe(p, i) for i, (p, g) in enumerate(zip(params, grads)) if g is None]
            if len(missing) == len(grads):
                raise ValueError(
                    f"{type(self).__name__}: no gradients were provided for any of the {len(grads)} variables "
                    "(is the loss connected to them? did you call backward()?)"
                )
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss; they are not updated.",
                stacklevel=3,
            )
            keep = [i for i, g in enumerate(grads) if g is not None]
            positions = keep if index is None else [index[i] for i in keep]
            params, grads, index = [params[i] for i in keep], [grads[i] for i in keep], positions
        with torch.no_grad():
            self._apply_update(params, grads, index)

    def _apply_update(self, params, grads, index):
        """One update: unscale, clip, decay, the optimizer's rule, EMA, constraints, count."""
        if self.loss_scale_factor is not None:
            grads = torch._foreach_div(grads, self.loss_scale_factor)
        if self.clipnorm:
            grads = clipping.clip_by_norm(grads, self.clipnorm)
        elif self.global_clipnorm:
            grads = clipping.clip_by_global_norm(grads, self.global_clipnorm)
        elif self.clipvalue:
            grads = clipping.clip_by_value(grads, self.clipvalue)
        lr = self._current_learning_rate()
        if self.weight_decay:
            decayed = self._decayed if index is None else [p for p in params if self._use_weight_decay(p)]
            if decayed:
                torch._foreach_mul_(decayed, 1.0 - self.weight_decay * lr)
        self._update(params, grads, lr, index)
        if self.use_ema:
            self._update_moving_averages()
        if self._constrained:
            for i, variable in self._constrained:
                if index is None or i in index:
                    variable.copy_(variable.constraint(variable))
        self._iterations_t.add_(1)

    def _update(self, params, grads, lr, index):
        """The optimizer's rule for all ``params`` at once; the default calls Keras's per-variable ``update_step``."""
        for gradient, variable in zip(grads, params):
            self.update_step(gradient, variable, lr)

    def update_step(self, gradient, variable, learning_rate):
        """Keras's per-variable update hook, for custom optimizers written the Keras way."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement update_step(gradient, variable, learning_rate) "
            "or the vectorised _update(params, grads, learning_rate, index)"
        )

    @staticmethod
    def _select(slots, index):
        """``slots`` restricted to the updated variables (all of them when ``index`` is None)."""
        return slots if index is None else [slots[i] for i in index]

    def _step_count(self, dtype):
        """The 1-based number of the coming update, as a 0-d tensor of ``dtype``."""
        return self._iterations_t.to(dtype) + 1

    # Keras's helpers for custom ``update_step`` implementations.
    def assign(self, variable, value):
        """Set ``variable`` to ``value`` in place."""
        variable.copy_(value)

    def assign_add(self, variable, value):
        """Add ``value`` to ``variable`` in place."""
        variable.add_(value)

    def assign_sub(self, variable, value):
        """Subtract ``value`` from ``variable`` in place."""
        variable.sub_(value)

    # -- moving averages of the weights -------------------------------------------------
    def _update_moving_averages(self):
        variables, averages = self._trainable_variables, self._averages
        momentum = (self._iterations_t != 0).to(averages[0].dtype) * self.ema_momentum
        torch._foreach_mul_(averages, momentum)
        torch._foreach_add_(averages, torch._foreach_mul(variables, 1.0 - momentum))
        frequency = self.ema_overwrite_frequency
        if frequency:
            due = torch.remainder(self._iterations_t + 1, frequency) == 0
            for variable, average in zip(variables, averages):
                variable.copy_(torch.where(due, average, variable))

    def finalize_variable_values(self, var_list=None):
        """With ``use_ema``, copy the moving averages into the weights (``fit`` calls this at the end).

        Example:
            >>> from lamina.optimizers import SGD
            >>> SGD().finalize_variable_values([])
        """
        if not (self.use_ema and self.built):
            return
        var_list = self._trainable_variables if var_list is None else list(var_list)
        if len(var_list) != len(self._averages):
            raise ValueError(
                f"{type(self).__name__}.finalize_variable_values: received {len(var_list)} variables, "
                f"but the optimizer keeps averages for {len(self._averages)}"
            )
        with torch.no_grad():
            torch._foreach_copy_(var_list, self._averages)

    # -- configuration -----------------------------------------------------------------
    def get_config(self):
        """The hyper-parameters as a JSON-safe dict (Keras's keys); state is not included.

        Example:
            >>> from lamina.optimizers import SGD
            >>> SGD(learning_rate=0.5, momentum=0.9).get_config()["momentum"]
            0.9
        """
        if isinstance(self._learning_rate, Variable):
            learning_rate = float(self._learning_rate.detach().cpu())
        elif isinstance(self._learning_rate, LearningRateSchedule):
            learning_rate = serialize_schedule(self._learning_rate)
        else:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': a learning rate given as a plain callable "
                f"({self._learning_rate!r}) cannot be saved in a config; use a LearningRateSchedule subclass"
            )
        config = {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": None,
        }
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Create an optimizer from :meth:`get_config`'s output (also accepts Keras 2 configs).

        Example:
            >>> from lamina.optimizers import Adam
            >>> Adam.from_config({"learning_rate": 0.01, "beta_1": 0.8}).beta_1
            0.8
        """
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_schedule(config["learning_rate"], custom_objects)
        if isinstance(config.get("lr"), dict):
            config["lr"] = deserialize_schedule(config["lr"], custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


def _describe(variable, position):
    path = getattr(variable, "path", None)
    if path:
        return repr(path)
    return f"#{position} (shape {tuple(variable.shape)})"


registry.register()(Optimizer)
