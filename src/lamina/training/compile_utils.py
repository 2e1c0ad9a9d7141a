"""What ``compile(loss=..., loss_weights=..., metrics=..., weighted_metrics=...)`` becomes.

:class:`CompileLoss` and :class:`CompileMetrics` hold the user's specification and
build themselves on the first batch, when the shapes of targets and predictions are
known (Keras 3 resolves ``'acc'`` and ``'crossentropy'`` from them). For several
outputs, a loss or metric may be given per output, as a list (in output order) or a
dict keyed by output name; :class:`Outputs` aligns targets, predictions and sample
weights with the outputs.

Keras 3's names: with several losses, each output's loss is tracked as
``'<output>_loss'``; metrics of a multi-output model are logged as
``'<output>_<metric>'``.

Example:
    >>> loss = CompileLoss("mse", None, ["out"], "Model 'm'")
    >>> round(float(loss(torch.zeros(2, 1), torch.ones(2, 1), None)), 4)
    1.0
"""
import torch

from lamina.core import tree
from lamina.losses import get as get_loss
from lamina.losses.resolve import CROSSENTROPY_NAMES, resolve_loss
from lamina.metrics import Mean, Metric
from lamina.metrics import get as get_metric
from lamina.metrics.resolve import ACCURACY_NAMES, resolve_metric


class LossTracker(Mean):
    """A ``Mean`` fed one scalar loss per batch, weighted by the batch size (Keras 3's ``loss`` bookkeeping).

    Its update is two in-place tensor ops, with no host sync.

    Example:
        >>> t = LossTracker(name="loss")
        >>> t.update_state(torch.tensor(1.0), sample_weight=3); t.update_state(torch.tensor(2.0), sample_weight=1)
        >>> t.result().item()
        1.25
    """

    def update_state(self, values, sample_weight=None):
        if isinstance(sample_weight, int) and isinstance(values, torch.Tensor) and values.dim() == 0:
            self.total.add_(values.detach(), alpha=sample_weight)
            self.count.add_(sample_weight)
        else:
            super().update_state(values, sample_weight)


def validate_loss_identifiers(loss):
    """Fail at ``compile`` time on unknown loss names (the message lists the valid ones).

    Example:
        >>> validate_loss_identifiers({"a": "mse", "b": ["ce"]})
    """
    for leaf in tree.flatten(loss):
        if isinstance(leaf, str) and leaf.lower() not in CROSSENTROPY_NAMES:
            get_loss(leaf)
        elif leaf is not None and not isinstance(leaf, (str, dict)) and not callable(leaf):
            raise ValueError(
                f"compile: could not interpret loss {leaf!r}: expected a loss name, a Loss object or a function "
                "fn(y_true, y_pred)"
            )


def validate_metric_identifiers(metrics, argument="metrics"):
    """Fail at ``compile`` time on unknown metric names (the message lists the valid ones).

    Example:
        >>> validate_metric_identifiers(["acc", "mae"])
    """
    for leaf in tree.flatten(metrics):
        if isinstance(leaf, str) and leaf.lower() not in ACCURACY_NAMES + CROSSENTROPY_NAMES:
            get_metric(leaf)
        elif leaf is not None and not isinstance(leaf, str) and not callable(leaf) and not isinstance(leaf, Metric):
            raise ValueError(
                f"compile: could not interpret {argument} entry {leaf!r}: expected a metric name, a Metric object "
                "or a function fn(y_true, y_pred)"
            )


class Outputs:
    """The model's outputs as the loss and metrics see them: a flat, named list.

    Built from the first predictions: ``names`` follow the model's ``output_names``
    (the sorted keys for dict outputs). :meth:`flatten` aligns targets or sample
    weights given as one array, a list (in output order) or a dict (by name).

    Example:
        >>> outputs = Outputs([torch.zeros(2, 1), torch.zeros(2, 3)], ["age", "income"], "Model 'm'")
        >>> outputs.names, outputs.flatten({"income": 1, "age": 0}, "y")
        (['age', 'income'], [0, 1])
    """

    def __init__(self, y_pred, output_names, label):
        self.label = label
        self.nested = tree.is_nested(y_pred)
        flat = tree.flatten(y_pred) if self.nested else [y_pred]
        self.count = len(flat)
        if isinstance(y_pred, dict):
            names = sorted(y_pred, key=str)
        elif output_names and len(output_names) == self.count:
            names = list(output_names)
        else:
            names = [f"output_{i + 1}" for i in range(self.count)]
        self.names = names

    def predictions(self, y_pred):
        """The predictions as a flat list in output order."""
        return tree.flatten(y_pred) if self.nested else [y_pred]

    def flatten(self, value, what):
        """``value`` (targets or sample weights) as a list with one entry per output (``None`` where absent)."""
        count = self.count
        if value is None:
            return [None] * count
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(self.names), key=str)
            if unknown:
                raise ValueError(
                    f"{self.label}: {what} has keys {unknown} that are not output names; the outputs are "
                    f"{self.names}"
                )
            return [value.get(name) for name in self.names]
        if isinstance(value, (list, tuple)):
            if len(value) != count:
                raise ValueError(
                    f"{self.label}: {what} is a list of {len(value)} arrays, but the model has {count} "
                    f"output(s) {self.names}; give one per output (or a dict keyed by output name)"
                )
            return list(value)
        if count > 1:
            if what == "sample_weight":
                return [value] * count  # one weight array for every output
            raise ValueError(
                f"{self.label}: the model has {count} outputs {self.names}, but {what} is a single array of shape "
                f"{tuple(getattr(value, 'shape', ()))}; give a list with one array per output or a dict keyed by "
                "output name"
            )
        return [value]

    def per_output(self, spec, what, default=None):
        """A compile argument (one value, a list in output order, or a dict by name) as one entry per output."""
        if isinstance(spec, dict):
            unknown = sorted(set(spec) - set(self.names), key=str)
            if unknown:
                raise ValueError(
                    f"{self.label}: compile({what}=...) has keys {unknown} that are not output names; the outputs "
                    f"are {self.names}"
                )
            return [spec.get(name, default) for name in self.names]
        if isinstance(spec, (list, tuple)):
            if len(spec) != self.count:
                raise ValueError(
                    f"{self.label}: compile({what}=...) is a list of {len(spec)} entries, but the model has "
                    f"{self.count} output(s) {self.names}; give one per output (or a dict keyed by output name)"
                )
            return list(spec)
        return [spec] * self.count


def _shape(x):
    return tuple(x.shape) if hasattr(x, "shape") else None


class CompileLoss:
    """The training loss: each output's loss, weighted by ``loss_weights``, summed.

    Args:
        loss: one loss for every output, a list (output order) or a dict (by name);
            entries are names, Loss objects or functions ``fn(y_true, y_pred)``.
        loss_weights: ``None``, a float, a list or a dict, like ``loss``.
        output_names: the model's ``output_names`` (or ``None``).
        label: how errors name the model.

    Example:
        >>> loss = CompileLoss({"a": "mae", "b": "mse"}, {"a": 2.0}, ["a", "b"], "Model 'm'")
        >>> total = loss([torch.zeros(2, 1), torch.zeros(2, 1)], [torch.ones(2, 1), 3 * torch.ones(2, 1)], None)
        >>> float(total), [m.name for m in loss.metrics]
        (11.0, ['a_loss', 'b_loss'])
    """

    def __init__(self, loss, loss_weights, output_names, label):
        validate_loss_identifiers(loss)
        if loss_weights is not None and not isinstance(loss_weights, (int, float, list, tuple, dict)):
            raise ValueError(
                f"compile: loss_weights must be a float, a list (one per output) or a dict (by output name); "
                f"received {loss_weights!r}"
            )
        self._user_loss = loss
        self._user_weights = loss_weights
        self._output_names = output_names
        self._label = label
        self.built = False
        self.outputs = None
        self.entries = []  # (output index, output name, Loss, weight or None)
        self.metrics = []  # one LossTracker per output when there are several losses
        self._single = None

    def build(self, y_true, y_pred):
        """Resolve every output's loss from the first batch's shapes."""
        outputs = Outputs(y_pred, self._output_names, self._label)
        predictions = outputs.predictions(y_pred)
        targets = outputs.flatten(y_true, "y")
        losses = outputs.per_output(self._user_loss, "loss")
        weights = outputs.per_output(self._user_weights, "loss_weights")
        entries = []
        for index, (name, identifier, weight) in enumerate(zip(outputs.names, losses, weights)):
            if identifier is None:
                continue
            if targets[index] is None:
                raise ValueError(
                    f"{self._label}: output {name!r} has the loss {_loss_name(identifier)!r}, which needs targets, "
                    "but none were given (y is None). Pass y to fit/evaluate, or compile with loss=None if the "
                    "model only uses add_loss."
                )
            resolved = resolve_loss(identifier, _shape(targets[index]), _shape(predictions[index]))
            entries.append((index, name, resolved, None if weight is None else float(weight)))
        self.outputs = outputs
        self.entries = entries
        if len(entries) > 1:
            self.metrics = [LossTracker(name=f"{name}_loss") for _, name, _, _ in entries]
        self._single = not outputs.nested and len(entries) == 1
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The weighted total loss of a batch (``None`` if no output has a loss)."""
        if not self.built:
            self.build(y_true, y_pred)
        if self._single and not isinstance(y_true, (list, tuple, dict)):
            _, name, loss_fn, weight = self.entries[0]
            value = self._compute(loss_fn, name, y_true, y_pred, sample_weight)
            return value if weight is None else value * weight
        outputs = self.outputs
        predictions = outputs.predictions(y_pred)
        targets = outputs.flatten(y_true, "y")
        weights = outputs.flatten(sample_weight, "sample_weight")
        total = None
        trackers = self.metrics
        for position, (index, name, loss_fn, weight) in enumerate(self.entries):
            value = self._compute(loss_fn, name, targets[index], predictions[index], weights[index])
            if trackers:
                trackers[position].update_state(value, sample_weight=predictions[index].shape[0])
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        return total

    def _compute(self, loss_fn, name, y_true, y_pred, sample_weight):
        if y_true is None:
            raise ValueError(
                f"{self._label}: the loss {loss_fn.name!r} of output {name!r} needs targets, but y is None; pass y "
                "to fit/evaluate (or compile with loss=None for a model trained by add_loss alone)"
            )
        try:
            return loss_fn(y_true, y_pred, sample_weight)
        except ValueError as error:
            raise ValueError(
                f"{self._label}: cannot compute the loss {loss_fn.name!r} for output {name!r} (predictions of shape "
                f"{_shape(y_pred)}) from targets of shape {_shape(y_true)}: {error}"
            ) from error


def _loss_name(identifier):
    if isinstance(identifier, str):
        return identifier
    return getattr(identifier, "name", None) or getattr(identifier, "__name__", None) or type(identifier).__name__


class CompileMetrics(Metric):
    """The metrics given to ``compile``, for every output; one ``Metric`` whose result is a dict.

    ``metrics`` are updated without sample weights, ``weighted_metrics`` with them
    (Keras 3). A flat list given to a multi-output model whose length is not the
    number of outputs applies to every output (Keras 2's rule).

    Example:
        >>> m = CompileMetrics(["mae"], None, ["out"], "Model 'm'")
        >>> m.update_state(torch.zeros(2, 1), torch.ones(2, 1))
        >>> {k: float(v) for k, v in m.result().items()}
        {'mae': 1.0}
    """

    def __init__(self, metrics, weighted_metrics, output_names, label, compile_loss=None):
        super().__init__(name="compile_metrics")
        if isinstance(metrics, str) or callable(metrics) or isinstance(metrics, Metric):
            metrics = [metrics]
        if isinstance(weighted_metrics, str) or callable(weighted_metrics) or isinstance(weighted_metrics, Metric):
            weighted_metrics = [weighted_metrics]
        validate_metric_identifiers(metrics, "metrics")
        validate_metric_identifiers(weighted_metrics, "weighted_metrics")
        self._user_metrics = metrics
        self._user_weighted = weighted_metrics
        self._output_names = output_names
        self._label = label
        self._compile_loss = compile_loss
        self.built = False
        self.outputs = None
        self._plain = []  # (output index, log name, Metric)
        self._weighted = []
        self._single = False

    def _per_output(self, spec, outputs, argument):
        if not spec:
            return [[] for _ in range(outputs.count)]
        if outputs.count == 1:
            return [tree.flatten(spec)]
        if isinstance(spec, (list, tuple)) and len(spec) != outputs.count and not any(tree.is_nested(s) for s in spec):
            return [list(spec) for _ in range(outputs.count)]  # Keras 2: the same metrics for every output
        return [[] if s is None else tree.flatten(s) for s in outputs.per_output(spec, argument)]

    def build(self, y_true, y_pred):
        """Resolve every metric from the first batch's shapes."""
        outputs = Outputs(y_pred, self._output_names, self._label)
        predictions = outputs.predictions(y_pred)
        targets = outputs.flatten(y_true, "y")
        losses = [None] * outputs.count  # each output's resolved loss ('acc' and 'ce' may depend on it)
        if self._compile_loss is not None and self._compile_loss.built:
            for index, _, loss, _ in self._compile_loss.entries:
                losses[index] = loss
        taken = set()
        for argument, spec, store in (("metrics", self._user_metrics, self._plain),
                                      ("weighted_metrics", self._user_weighted, self._weighted)):
            for index, identifiers in enumerate(self._per_output(spec, outputs, argument)):
                for identifier in identifiers:
                    if targets[index] is None:
                        raise ValueError(
                            f"{self._label}: the metric {_loss_name(identifier)!r} of output {outputs.names[index]!r} "
                            "needs targets, but y is None"
                        )
                    metric = resolve_metric(identifier, losses[index], _shape(targets[index]),
                                            _shape(predictions[index]))
                    name = metric.name if outputs.count == 1 else f"{outputs.names[index]}_{metric.name}"
                    if name in taken:
                        base = name if store is self._plain else (
                            f"weighted_{metric.name}" if outputs.count == 1 else
                            f"{outputs.names[index]}_weighted_{metric.name}")
                        name, suffix = base, 1
                        while name in taken:
                            name, suffix = f"{base}_{suffix}", suffix + 1
                    taken.add(name)
                    store.append((index, name, metric))
        self.outputs = outputs
        self._single = not outputs.nested
        self.built = True

    @property
    def metrics(self):
        """The individual Metric objects (empty until built)."""
        return [metric for _, _, metric in self._plain + self._weighted]

    @property
    def log_names(self):
        """The names under which the metrics are logged, in order."""
        return [name for _, name, _ in self._plain + self._weighted]

    @property
    def variables(self):
        out = []
        for metric in self.metrics:
            out.extend(metric.variables)
        return out

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        if self._single and not isinstance(y_true, (list, tuple, dict)):
            for _, _, metric in self._plain:
                metric.update_state(y_true, y_pred)
            for _, _, metric in self._weighted:
                metric.update_state(y_true, y_pred, sample_weight=sample_weight)
            return
        outputs = self.outputs
        predictions = outputs.predictions(y_pred)
        targets = outputs.flatten(y_true, "y")
        for index, _, metric in self._plain:
            metric.update_state(targets[index], predictions[index])
        if self._weighted:
            weights = outputs.flatten(sample_weight, "sample_weight")
            for index, _, metric in self._weighted:
                metric.update_state(targets[index], predictions[index], sample_weight=weights[index])

    def result(self):
        """``{log name: value}`` of every metric (empty before the first update)."""
        return {name: metric.result() for _, name, metric in self._plain + self._weighted}

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()
