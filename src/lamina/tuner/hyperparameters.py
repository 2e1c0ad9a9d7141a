"""``HyperParameters``: the search space, declared while the model is built (Keras Tuner's ``hp``).

A model-building function asks ``hp`` for values (``hp.Int('units', 16, 64, step=16)``)
and gets one back. During a search, the value comes from the Optuna trial the tuner
runs (``trial.suggest_int`` and friends); outside a search, or for a name whose value
is already known (the best trial's ``HyperParameters``), it is that value or the
default. Hyper-parameters declared under a condition that does not hold are inactive:
they return ``None`` and are not tuned.

Example:
    >>> hp = HyperParameters()
    >>> hp.Int("units", 16, 64, step=16), hp.Float("lr", 1e-4, 1e-2, sampling="log"), hp.Boolean("dropout")
    (16, 0.0001, False)
    >>> hp.values
    {'units': 16, 'lr': 0.0001, 'dropout': False}
"""
import contextlib
import decimal
import math
import numbers

_SAMPLINGS = ("linear", "log")
_VALUE_TYPES = (bool, int, float, str)


def _number(value, owner, argument, integer):
    """``value`` as a Python int (``integer``) or float, or a ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral if integer else numbers.Real):
        expected = "an int" if integer else "a number"
        raise ValueError(f"{owner}: {argument} must be {expected}; received {argument}={value!r}")
    return int(value) if integer else float(value)


class HyperParameter:
    """One entry of the search space: its kind, name, range or values, default and conditions.

    Made by :class:`HyperParameters`'s methods; ``suggest(trial)`` draws a value from an
    Optuna trial.

    Example:
        >>> hp = HyperParameters(); _ = hp.Choice("act", ["relu", "tanh"])
        >>> hp.space[0]
        Choice(name='act', values=['relu', 'tanh'], default='relu')
    """

    def __init__(self, kind, name, default, conditions=(), **config):
        self.kind = kind
        self.name = name
        self.default = default
        self.conditions = tuple(conditions)
        self.config = config

    def _geometric(self):
        """``min, min*step, min*step**2, ... <= max``: log sampling with a step."""
        low, high, step = self.config["min_value"], self.config["max_value"], self.config["step"]
        count = int(math.floor(math.log(high / low) / math.log(step) + 1e-9)) + 1
        values = [low * step ** k for k in range(count)]
        return [int(round(v)) for v in values] if self.kind == "Int" else values

    def suggest(self, trial):
        """A value for this hyper-parameter from the Optuna ``trial``."""
        config = self.config
        if self.kind == "Fixed":
            return config["value"]
        if self.kind == "Boolean":
            return trial.suggest_categorical(self.name, [False, True])
        if self.kind == "Choice":
            return trial.suggest_categorical(self.name, list(config["values"]))
        log, step = config["sampling"] == "log", config["step"]
        if log and step is not None:  # multiplicative steps: one of the grid points, as Keras Tuner samples them
            return trial.suggest_categorical(self.name, self._geometric())
        if self.kind == "Int":
            return trial.suggest_int(self.name, config["min_value"], config["max_value"], step=step or 1, log=log)
        return trial.suggest_float(self.name, config["min_value"], config["max_value"], step=step, log=log)

    def _key(self):
        return self.kind, self.config, self.default, self.conditions

    def __eq__(self, other):
        return isinstance(other, HyperParameter) and self._key() == other._key()

    def __repr__(self):
        items = [f"name={self.name!r}"] + [f"{k}={v!r}" for k, v in self.config.items()]
        if self.kind != "Fixed":
            items.append(f"default={self.default!r}")
        items += [f"parent_name={p!r}, parent_values={list(v)!r}" for p, v in self.conditions]
        return f"{self.kind}({', '.join(items)})"


class HyperParameters:
    """The hyper-parameters of one model: declared by ``build_model(hp)``, valued by the tuner.

    Methods (each returns the value, or ``None`` when a condition makes it inactive):

    - ``Int(name, min_value, max_value, step=None, sampling='linear', default=None)``:
      an int in ``[min_value, max_value]`` (both included), on a grid of ``step``
      (``sampling='log'``: log-uniform, and ``step`` is then a multiplier).
    - ``Float(name, min_value, max_value, step=None, sampling='linear', default=None)``.
    - ``Choice(name, values, ordered=None, default=None)``: one of ``values`` (ints,
      floats, strings or booleans).
    - ``Boolean(name, default=False)`` and ``Fixed(name, value)``.

    Each also takes ``parent_name`` and ``parent_values``: the hyper-parameter is active
    only when the named one is active with a value among ``parent_values``;
    ``conditional_scope(parent_name, parent_values)`` applies that to a block.
    Defaults are the minimum, the first choice, ``False``.

    Attributes:
        values: ``{name: value}`` of the active hyper-parameters so far.
        space: the :class:`HyperParameter` declarations, in order.

    Example:
        >>> hp = HyperParameters()
        >>> kind = hp.Choice("model", ["mlp", "cnn"])
        >>> with hp.conditional_scope("model", "cnn"):
        ...     filters = hp.Int("filters", 8, 32)
        >>> kind, filters, hp.values
        ('mlp', None, {'model': 'mlp'})
    """

    def __init__(self):
        self.values = {}
        self.space = []
        self._trial = None
        self._overrides = {}
        self._tune_new_entries = True
        self._conditions = []

    @classmethod
    def _for_trial(cls, trial, overrides=None, tune_new_entries=True):
        hp = cls()
        hp._trial = trial
        hp._overrides = {entry.name: entry for entry in (overrides.space if overrides is not None else ())}
        if overrides is not None:  # values set without a declaration (HyperParameters.values[...] = ...)
            hp._overrides.update({name: HyperParameter("Fixed", name, value, value=value)
                                  for name, value in overrides.values.items() if name not in hp._overrides})
        hp._tune_new_entries = tune_new_entries
        return hp

    @classmethod
    def _from_values(cls, values):
        hp = cls()
        hp.values = dict(values)
        return hp

    # -- the space --------------------------------------------------------------------------------
    def _is_active(self, conditions):
        for parent, allowed in conditions:
            if not any(entry.name == parent for entry in self.space) and parent not in self.values:
                raise ValueError(f"HyperParameters: parent_name={parent!r} is not a declared hyper-parameter; "
                                 "declare the parent before the hyper-parameters that depend on it")
            if parent not in self.values or self.values[parent] not in allowed:
                return False
        return True

    def _declare(self, entry):
        entry = self._overrides.get(entry.name, entry)
        for known in self.space:
            if known.name == entry.name:
                if known != entry:
                    raise ValueError(f"HyperParameters: {entry.name!r} is declared twice, differently: {known!r} "
                                     f"and then {entry!r}")
                break
        else:
            self.space.append(entry)
        if not self._is_active(entry.conditions):
            return None
        if entry.name not in self.values:
            tuned = self._trial is not None and (self._tune_new_entries or entry.name in self._overrides)
            self.values[entry.name] = entry.suggest(self._trial) if tuned else (
                entry.config["value"] if entry.kind == "Fixed" else entry.default)
        return self.values[entry.name]

    def _conditions_for(self, parent_name, parent_values, owner):
        conditions = list(self._conditions)
        if parent_name is not None:
            if parent_values is None:
                raise ValueError(f"{owner}: parent_name={parent_name!r} needs parent_values (the parent's values "
                                 "that activate it)")
            conditions.append((parent_name, _as_tuple(parent_values)))
        elif parent_values is not None:
            raise ValueError(f"{owner}: parent_values={parent_values!r} needs parent_name")
        return conditions

    @contextlib.contextmanager
    def conditional_scope(self, parent_name, parent_values):
        """Hyper-parameters declared in this block are active only when ``parent_name``'s value is in ``parent_values``.

        Example:
            >>> hp = HyperParameters(); _ = hp.Boolean("dropout", default=True)
            >>> with hp.conditional_scope("dropout", [True]):
            ...     hp.Float("rate", 0.1, 0.5)
            0.1
        """
        self._conditions.append((parent_name, _as_tuple(parent_values)))
        try:
            yield
        finally:
            self._conditions.pop()

    # -- the kinds --------------------------------------------------------------------------------
    def _range(self, kind, name, min_value, max_value, step, sampling, default, parent_name, parent_values):
        owner = f"hp.{kind}({name!r})"
        integer = kind == "Int"
        min_value = _number(min_value, owner, "min_value", integer)
        max_value = _number(max_value, owner, "max_value", integer)
        if min_value > max_value:
            raise ValueError(f"{owner}: min_value={min_value!r} is greater than max_value={max_value!r}")
        sampling = "linear" if sampling is None else sampling
        if sampling not in _SAMPLINGS:
            raise ValueError(f"{owner}: unknown sampling={sampling!r}; expected one of {list(_SAMPLINGS)}")
        if sampling == "log" and min_value <= 0:
            raise ValueError(f"{owner}: sampling='log' needs min_value > 0; received min_value={min_value!r}")
        if step is not None:
            step = _number(step, owner, "step", integer)
            if step <= 0 or (sampling == "log" and step <= 1):
                raise ValueError(f"{owner}: step must be positive (a multiplier greater than 1 with "
                                 f"sampling='log'); received step={step!r}")
            if sampling == "linear":
                max_value = _last_grid_point(min_value, max_value, step)
        if default is None:
            default = min_value
        elif not min_value <= _number(default, owner, "default", integer) <= max_value:
            raise ValueError(f"{owner}: default={default!r} is outside [{min_value!r}, {max_value!r}]")
        conditions = self._conditions_for(parent_name, parent_values, owner)
        return self._declare(HyperParameter(kind, name, default, conditions, min_value=min_value,
                                            max_value=max_value, step=step, sampling=sampling))

    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None, parent_name=None,
            parent_values=None):
        """An integer in ``[min_value, max_value]``; see the class docstring.

        Example:
            >>> HyperParameters().Int("layers", 1, 3)
            1
        """
        return self._range("Int", name, min_value, max_value, step, sampling, default, parent_name, parent_values)

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None, parent_name=None,
              parent_values=None):
        """A float in ``[min_value, max_value]``; see the class docstring.

        Example:
            >>> HyperParameters().Float("rate", 0.0, 0.5, default=0.25)
            0.25
        """
        return self._range("Float", name, min_value, max_value, step, sampling, default, parent_name,
                           parent_values)

    def Choice(self, name, values, ordered=None, default=None, parent_name=None, parent_values=None):
        """One of ``values`` (all ints/floats, or all strings, or booleans); ``ordered`` is accepted for Keras Tuner.

        Example:
            >>> HyperParameters().Choice("optimizer", ["rmsprop", "adam"])
            'rmsprop'
        """
        owner = f"hp.Choice({name!r})"
        values = list(values) if isinstance(values, (list, tuple)) else values
        if not isinstance(values, list) or not values:
            raise ValueError(f"{owner}: values must be a non-empty list; received values={values!r}")
        for value in values:
            if not isinstance(value, _VALUE_TYPES):
                raise ValueError(f"{owner}: values must be ints, floats, strings or booleans (what Optuna "
                                 f"stores); received {value!r}")
        if len(set(values)) != len(values):
            raise ValueError(f"{owner}: values has duplicates: {values!r}")
        if default is None:
            default = values[0]
        elif default not in values:
            raise ValueError(f"{owner}: default={default!r} is not one of {values!r}")
        conditions = self._conditions_for(parent_name, parent_values, owner)
        return self._declare(HyperParameter("Choice", name, default, conditions, values=values))

    def Boolean(self, name, default=False, parent_name=None, parent_values=None):
        """``True`` or ``False``.

        Example:
            >>> HyperParameters().Boolean("batch_norm", default=True)
            True
        """
        owner = f"hp.Boolean({name!r})"
        if not isinstance(default, bool):
            raise ValueError(f"{owner}: default must be True or False; received default={default!r}")
        conditions = self._conditions_for(parent_name, parent_values, owner)
        return self._declare(HyperParameter("Boolean", name, default, conditions))

    def Fixed(self, name, value, parent_name=None, parent_values=None):
        """A value that is not tuned (recorded with the others).

        Example:
            >>> HyperParameters().Fixed("epochs", 10)
            10
        """
        owner = f"hp.Fixed({name!r})"
        if not isinstance(value, _VALUE_TYPES):
            raise ValueError(f"{owner}: value must be an int, float, string or boolean; received {value!r}")
        conditions = self._conditions_for(parent_name, parent_values, owner)
        return self._declare(HyperParameter("Fixed", name, value, conditions, value=value))

    # -- reading ----------------------------------------------------------------------------------
    def get(self, name):
        """The value of ``name`` (``hp[name]`` too).

        Example:
            >>> hp = HyperParameters(); _ = hp.Int("units", 8, 16); hp.get("units")
            8
        """
        if name not in self.values:
            raise KeyError(f"HyperParameters: no active hyper-parameter named {name!r}; the active ones are "
                           f"{sorted(self.values)}")
        return self.values[name]

    __getitem__ = get

    def __contains__(self, name):
        return name in self.values

    def __repr__(self):
        return f"HyperParameters({self.values!r})"


def _last_grid_point(low, high, step):
    """The largest ``low + k * step`` not above ``high``, in decimal arithmetic (as Optuna checks grids)."""
    if isinstance(step, int) and isinstance(low, int):
        return low + (high - low) // step * step
    low_d, step_d = decimal.Decimal(repr(low)), decimal.Decimal(repr(step))
    count = (decimal.Decimal(repr(high)) - low_d) // step_d
    return float(low_d + count * step_d)


def _as_tuple(values):
    return tuple(values) if isinstance(values, (list, tuple, set)) else (values,)
