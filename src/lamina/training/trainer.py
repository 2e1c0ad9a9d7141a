"""The ``Trainer`` mixin that gives ``Model`` compile / fit / evaluate / predict (Keras 3's API on torch).

One training step is one method, :meth:`Trainer._train_step_core`: forward pass, loss,
gradients and optimizer update; the step functions around it (with the metric updates)
are in :mod:`lamina.training.steps`, and ``jit_compile`` hands them to ``torch.compile``
(:mod:`lamina.training.jit`). ``fit`` feeds them batches sliced from tensors already on
the model's device; metrics accumulate in tensors, and logs become Python floats only when
something reads them: the progress bar when it redraws, the epoch's end, or a
callback that implements a per-batch hook.

Override ``train_step(data)`` / ``test_step`` / ``predict_step`` / ``compute_loss`` /
``compute_metrics`` in the Keras 3 style for custom training (see ``docs/training.md``).

This module must not import ``lamina.models`` at module level (``Model`` inherits
from ``Trainer``).

Example:
    >>> import numpy as np
    >>> from lamina import Sequential
    >>> from lamina.layers import Dense
    >>> model = Sequential([Dense(1, input_shape=(3,))])
    >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    >>> history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    >>> sorted(history.history), len(history.history["loss"])
    (['loss', 'mae'], 2)
"""
import inspect
import sys
import warnings

import numpy as np
import torch

from lamina import optimizers as optimizers_module
from lamina.callbacks.callback_list import CallbackList
from lamina.callbacks.logs import LazyLogs, pythonify_logs
from lamina.core import config, tree
from lamina.core.tensors import convert_to_numpy
from lamina.metrics import Metric
from lamina.training import data as data_module
from lamina.training import jit
from lamina.training import steps as steps_module
from lamina.training.compile_utils import CompileLoss, CompileMetrics, LossTracker
from lamina.training.weights import WeightState

# compile() keywords that belong elsewhere, and where
_MISPLACED = {
    "validation_data": "validation_data is an argument of fit(), not compile(): "
                       "model.fit(x, y, validation_data=(x_val, y_val))",
    "validation_split": "validation_split is an argument of fit(), not compile()",
    "epochs": "epochs is an argument of fit(), not compile()",
    "batch_size": "batch_size is an argument of fit(), not compile()",
    "callbacks": "callbacks is an argument of fit(), not compile()",
    "verbose": "verbose is an argument of fit(), not compile()",
    "lr": "lr (the learning rate) is an argument of the optimizer: compile(optimizer=RMSprop(learning_rate=...))",
    "learning_rate": "learning_rate is an argument of the optimizer: compile(optimizer=RMSprop(learning_rate=...))",
}
# Keras 2 compile() keywords, accepted with these values (which ask for what lamina does anyway)
_LEGACY_COMPILE = {"sample_weight_mode": (None, "temporal"), "target_tensors": (None,),
                   "experimental_run_tf_function": (None, True, False), "distribute": (None,)}
# Keras 2 data-loading keywords of fit/evaluate/predict; lamina loads batches in the training process
_LEGACY_LOADING = ("max_queue_size", "workers", "use_multiprocessing")


_LOSS_TAKES_TRAINING = {}  # model class -> whether its compute_loss has a `training` argument


def _overridden(obj, name):
    return getattr(type(obj), name) is not getattr(Trainer, name)


def _batch_size_of(x):
    if isinstance(x, torch.Tensor):
        return x.shape[0]
    for leaf in tree.flatten(x):
        if leaf is not None and hasattr(leaf, "shape"):
            return leaf.shape[0]
    return 1


def _reject_unknown(kwargs, method):
    for key in _LEGACY_LOADING:
        kwargs.pop(key, None)
    if kwargs:
        raise TypeError(f"{method}() got unexpected keyword argument(s) {sorted(kwargs)}")


def _check_verbose(verbose, method):
    if verbose not in ("auto", 0, 1, 2):
        raise ValueError(f"{method}: verbose must be 'auto', 0, 1 or 2; received verbose={verbose!r}")


class Trainer:
    """Mixin holding the training API of :class:`lamina.Model`.

    Example:
        >>> from lamina import Sequential
        >>> from lamina.layers import Dense
        >>> model = Sequential([Dense(2, input_shape=(4,))])
        >>> model.compile(optimizer="adam", loss="mse")
        >>> model.compiled, type(model.optimizer).__name__
        (True, 'Adam')
    """

    compiled = False
    optimizer = None
    loss = None
    stop_training = False
    history = None
    run_eagerly = False
    jit_compile = False
    steps_per_execution = 1
    _compile_loss = None
    _compile_metrics = None
    _loss_tracker = None
    _weight_state = None
    _distribution = None  # the lamina.distribute.DataParallel compile() found, when it has several processes

    # -- compile -------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Configure the model for training.

        Args:
            optimizer: name (``'rmsprop'``), lamina ``Optimizer``, or ``torch.optim`` optimizer.
            loss: name, ``Loss`` object or function ``fn(y_true, y_pred)``; for several
                outputs a list (output order) or dict (output name -> loss); ``None`` for
                models trained by ``add_loss`` alone.
            loss_weights: per-output multipliers of the loss (float, list or dict).
            metrics: list of names (``'accuracy'``/``'acc'`` resolve to binary, categorical or
                sparse accuracy from the data), ``Metric`` objects or functions; per output
                as a list of lists or a dict.
            weighted_metrics: like ``metrics``, but weighted by ``sample_weight``/``class_weight``.
            run_eagerly: run every step eagerly (overrides ``jit_compile``), for debugging.
            steps_per_execution: accepted; lamina runs one step per call (as Keras's torch backend).
            jit_compile: ``True`` compiles the train, test and predict steps with
                ``torch.compile`` (warning and running eagerly if a step cannot be compiled);
                ``'auto'`` compiles where it pays off (see ``docs/performance.md``); ``False``
                runs eagerly.
            auto_scale_loss: accepted for compatibility (no mixed-precision loss scaling yet).

        Example:
            >>> from lamina import Sequential
            >>> from lamina.layers import Dense
            >>> model = Sequential([Dense(1, input_shape=(2,))])
            >>> model.compile(loss="mse", validation_data=None)
            Traceback (most recent call last):
            ...
            TypeError: compile() got an unexpected keyword argument 'validation_data': validation_data is an argument of fit(), not compile(): model.fit(x, y, validation_data=(x_val, y_val))
        """
        for key, value in kwargs.items():
            if key in _MISPLACED:
                raise TypeError(f"compile() got an unexpected keyword argument {key!r}: {_MISPLACED[key]}")
            if key in _LEGACY_COMPILE and value in _LEGACY_COMPILE[key]:
                continue
            raise TypeError(
                f"compile() got an unexpected keyword argument {key!r}. Its arguments are optimizer, loss, "
                "loss_weights, metrics, weighted_metrics, run_eagerly, steps_per_execution, jit_compile and "
                "auto_scale_loss"
            )
        if jit_compile not in ("auto", True, False, None):
            raise ValueError(f"compile: jit_compile must be 'auto', True or False; received {jit_compile!r}")
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(f"compile: steps_per_execution must be a positive int; received {steps_per_execution!r}")
        self.optimizer = optimizers_module.get(optimizer)
        label = self._label
        output_names = self._output_names_or_none()
        self._compile_loss = CompileLoss(loss, loss_weights, output_names, label) if loss is not None else None
        if metrics is not None or weighted_metrics is not None:
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics, output_names, label, self._compile_loss)
        else:
            self._compile_metrics = None
        self.loss = loss
        self._loss_tracker = LossTracker(name="loss")
        self.run_eagerly = bool(run_eagerly)
        self.steps_per_execution = steps_per_execution
        self.jit_compile = False if run_eagerly or not jit_compile else jit_compile
        context = sys.modules.get("lamina.distribute.context")  # loaded only by programs that use lamina.distribute
        strategy = context.distribution() if context is not None else None
        self._distribution = strategy if strategy is not None and strategy.distributed else None
        jit.forget(self)
        self.stop_training = False
        self._compile_config = {"optimizer": optimizer, "loss": loss, "loss_weights": loss_weights,
                                "metrics": metrics, "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
                                "steps_per_execution": steps_per_execution, "jit_compile": jit_compile}
        self.compiled = True

    def _output_names_or_none(self):
        try:
            names = self.output_names
        except (AttributeError, ValueError):
            return None
        return list(names) if names else None

    def _require_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(
                f"{self._label}: call compile() before {method}(), e.g. "
                "model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])"
            )

    def _device(self):
        for parameter in self.parameters():
            return parameter.device
        return config.device()

    # -- metrics -----------------------------------------------------------------------------
    @property
    def metrics(self):
        """The model's metrics: the loss tracker, the compiled metrics (one container), per-output loss
        trackers, then ``Metric`` attributes of the model (Keras 3's order).

        Example:
            >>> from lamina import Sequential
            >>> from lamina.layers import Dense
            >>> model = Sequential([Dense(1, input_shape=(2,))]); model.compile(loss="mse")
            >>> [m.name for m in model.metrics]
            ['loss']
        """
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None:
            out.append(self._compile_metrics)  # builds itself on its first update
        if self._compile_loss is not None:
            out.extend(self._compile_loss.metrics)
        seen = {id(m) for m in out} | {id(self._compile_metrics)}
        for value in vars(self).values():
            if isinstance(value, Metric) and id(value) not in seen:
                seen.add(id(value))
                out.append(value)
        return out

    @property
    def metrics_names(self):
        """The names of the logged results, in the order ``evaluate`` returns them as a list.

        (Keras 3 lists ``'compile_metrics'`` here; lamina lists the metrics themselves, as
        Keras 2 programs expect: ``dict(zip(model.metrics_names, model.evaluate(x, y)))``.)
        """
        return self._ordered_names(self.get_metrics_result().keys())

    def _ordered_names(self, keys):
        base = []
        for metric in self.metrics:
            if isinstance(metric, CompileMetrics):
                base.extend(m.name for m in metric.metrics)
            else:
                base.append(metric.name)
        ordered = []
        for name in base:
            if name in keys and name not in ordered:
                ordered.append(name)
        ordered.extend(k for k in sorted(keys) if k not in ordered)
        return ordered

    def reset_metrics(self):
        """Zero every metric's state (``fit`` does it at each epoch, ``evaluate`` at its start)."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self):
        """``{name: value}`` of every metric in :attr:`metrics` (tensors; dict results merged)."""
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    def _metrics_or_logs(self, logs):
        """The metric results if ``logs`` (from a train/test step) has the same keys, else ``logs``."""
        results = self.get_metrics_result()
        if logs is None or (isinstance(logs, dict) and set(logs) == set(results)):
            return results
        return logs

    # -- the overridable Keras 3 steps --------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss of a batch: the compiled loss plus ``add_loss`` terms and regularisation penalties.

        Override it to define the loss in code; call ``super().compute_loss(...)`` to add to it.
        """
        losses = []
        if self._compile_loss is not None:
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                losses.append(value)
        for value in self._weights().extra_losses(self):
            if not isinstance(value, torch.Tensor):
                value = torch.as_tensor(value, dtype=torch.float32)
            elif not value.is_floating_point():
                value = value.to(torch.float32)
            losses.append(value.sum() if value.dim() else value)
        if not losses:
            raise ValueError(
                f"{self._label}: there is no loss to compute: compile() was given no loss and the model added none "
                "with add_loss() in this step. Pass loss=... to compile() (e.g. loss='mse')."
            )
        total = losses[0]
        for value in losses[1:]:
            total = total + value
        return total

    def _compute_loss(self, x, y, y_pred, sample_weight, training):
        """``compute_loss``, also for overrides written before Keras 3.3 added its ``training`` argument."""
        cls = type(self)
        takes_training = _LOSS_TAKES_TRAINING.get(cls)
        if takes_training is None:
            takes_training = _LOSS_TAKES_TRAINING[cls] = "training" in inspect.signature(cls.compute_loss).parameters
        if takes_training:
            return self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with a batch and return :meth:`get_metrics_result`."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def train_step(self, data):
        """One training step on a batch ``data`` (``x``, ``(x, y)`` or ``(x, y, sample_weight)``); returns logs.

        Override it for custom training (GANs...): compute the loss, call ``backward()``
        (or use a ``GradientTape``), apply the gradients with your optimizer(s), update
        your metrics and return ``{name: value}``.
        """
        x, y, sample_weight = data_module.unpack_x_y_sample_weight(data)
        y_pred = self._train_step_core(x, y, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        """One evaluation step: loss and metrics of a batch, without updating weights; returns logs."""
        x, y, sample_weight = data_module.unpack_x_y_sample_weight(data)
        y_pred = self._test_step_core(x, y, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The predictions for a batch (``self(x, training=False)``)."""
        x, _, _ = data_module.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # -- the fast steps ----------------------------------------------------------------------------
    def _weights(self):
        state = self._weight_state
        if state is None:
            state = self._weight_state = WeightState(self)
        return state

    def _train_step_core(self, x, y, sample_weight):
        """Forward, loss, gradients and update for one batch; returns the predictions.

        With a lamina optimizer the gradients come from ``torch.autograd.grad`` (the
        weights' ``.grad`` stay untouched), which ``torch.compile`` traces into the same
        graph as the forward pass and the update; a ``torch.optim`` optimizer gets
        ``backward()`` and ``step()``.
        """
        state = self._weights()
        y_pred = self(x, training=True)
        if state.stale:
            state.refresh()
        params = state.trainable()
        loss = self._compute_loss(x, y, y_pred, sample_weight, True)
        self._detach_losses()  # what layer.losses shows after the step needs no graph (nor a compiled output)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
        optimizer = self.optimizer
        if optimizer is None:
            raise RuntimeError(f"{self._label}: training needs an optimizer; compile(optimizer=...) was given None")
        if not params:
            if not getattr(self, "_warned_no_weights", False):
                self._warned_no_weights = True
                warnings.warn(f"{self._label} has no trainable weights; training does not change it.", stacklevel=4)
            return y_pred
        if isinstance(optimizer, torch.optim.Optimizer):
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if self._distribution is not None:
                for param, grad in zip(params, self._distribution.reduce_gradients([p.grad for p in params])):
                    param.grad = grad
            optimizer.step()
            state.apply_constraints()
            return y_pred
        if optimizer.loss_scale_factor is not None:
            loss = optimizer.scale_loss(loss)
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        optimizer.step(params, grads)
        return y_pred

    def _test_step_core(self, x, y, sample_weight):
        """Forward and loss for one batch (no gradients); returns the predictions."""
        state = self._weights()
        y_pred = self(x, training=False)
        if state.stale:
            state.refresh()
        state.trainable()
        loss = self._compute_loss(x, y, y_pred, sample_weight, False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
        return y_pred

    def _step_function(self, kind):
        """``(fn, lazy)`` for ``kind`` in ``'train'``, ``'test'``, ``'predict'``, made once per ``compile()``.

        ``fn((x, y, sample_weight))`` runs one step (``fn(x)`` returns the predictions for
        ``'predict'``); ``lazy`` means it returns no logs (the built-in steps: the logs are
        the metric results, read when needed). With ``jit_compile`` the function is a
        :class:`~lamina.training.jit.CompiledStep`.
        """
        steps = jit.steps_of(self)
        entry = steps.get(kind)
        if entry is None:
            fn, lazy = steps_module.eager_step(self, kind, lambda name: _overridden(self, name))
            mode = self.jit_compile
            if mode is True or (mode == "auto" and jit.auto_allowed(self)):
                fn = jit.CompiledStep(fn, self._label, f"{kind} step", auto=mode == "auto")
            entry = steps[kind] = (fn, lazy)
        return entry

    # -- fit ---------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1, **kwargs):
        """Train for ``epochs`` epochs; returns a :class:`~lamina.callbacks.History`.

        ``x``/``y``: NumPy arrays or torch tensors (lists/dicts for several inputs or
        outputs), or a dataset yielding batches (``PyDataset``, torch ``Dataset`` or
        ``DataLoader``, Python generator with ``steps_per_epoch``). ``validation_split``
        holds out the last fraction of array data; ``validation_data`` is ``(x, y)``,
        ``(x, y, sample_weight)`` or a dataset. Keras 1's ``nb_epoch`` is accepted.
        See ``docs/training.md`` for every argument.
        """
        if "nb_epoch" in kwargs:
            epochs = kwargs.pop("nb_epoch")
        _reject_unknown(kwargs, "fit")
        self._require_compiled("fit")
        _check_verbose(verbose, "fit")
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"fit: epochs must be a non-negative int; received epochs={epochs!r}")
        if not isinstance(validation_split, (int, float)) or not 0 <= validation_split < 1:
            raise ValueError(
                f"fit: validation_split must be a fraction in [0, 1) (e.g. 0.2 for 20% of the samples); "
                f"received validation_split={validation_split!r}"
            )
        if not (isinstance(validation_freq, int) and validation_freq > 0) and not isinstance(validation_freq,
                                                                                             (list, tuple, set)):
            raise ValueError(f"fit: validation_freq must be a positive int or a list of epochs; received "
                             f"{validation_freq!r}")
        device = self._device()
        if x is None:
            raise data_module.no_data_error("fit")
        if validation_split and validation_data is None:
            if not data_module.is_array_data(x):
                raise ValueError(
                    f"fit: validation_split only works with NumPy arrays or torch tensors, but x is a "
                    f"{type(x).__name__}; pass validation_data=... instead"
                )
            (x, y, sample_weight), validation_data = data_module.split_for_validation(
                *data_module.to_tensor_triple(x, y, sample_weight, device, "fit"), validation_split)
        train_data = self._make_adapter(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight,
                                        device, "fit", training=True)
        if getattr(train_data, "single_pass", False) and steps_per_epoch is None and epochs - initial_epoch > 1:
            raise ValueError(
                f"fit: x is a {type(x).__name__}, which can be iterated only once, so with epochs={epochs} every "
                "epoch after the first would be empty. Pass steps_per_epoch=<batches per epoch>, or use a "
                "lamina.utils.PyDataset or a torch DataLoader, which can be iterated again"
            )
        val_data = None
        if validation_data is not None:
            val_data = self._validation_adapter(validation_data, validation_batch_size or batch_size,
                                                validation_steps, device, epochs - initial_epoch, validation_freq)
        strategy = self._distribution
        if strategy is None and torch.distributed.is_available() and torch.distributed.is_initialized():
            warnings.warn(
                f"{self._label}.fit: this process is part of a torch.distributed process group, but the model was "
                "compiled without a lamina.distribute.DataParallel, so every process trains on its own. Compile "
                "it inside `with strategy.scope():` or after lamina.distribute.set_distribution(strategy)",
                stacklevel=2,
            )
        if isinstance(callbacks, CallbackList):
            callback_list = callbacks
        else:
            if strategy is not None:  # files and the progress bar: the chief's
                callbacks, verbose = strategy.callbacks_for_rank(callbacks, verbose)
            callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                         verbose=verbose, epochs=epochs, steps=train_data.num_batches)
        self._weights().refresh()
        step, lazy = self._step_function("train")
        wants_begin = callback_list.wants("on_train_batch_begin")
        wants_end = callback_list.wants("on_train_batch_end")
        self.stop_training = False
        callback_list.on_train_begin()
        if strategy is not None:
            strategy.begin_fit(self, train_data)  # every process starts from the chief's state
        # a callback restoring a backup (BackupAndRestore) says where training stopped: the epoch to start
        # from and how many batches of it were already trained
        initial_epoch = self.__dict__.pop("_initial_epoch", None) or initial_epoch
        skip = self.__dict__.pop("_initial_step", 0) or 0
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            self.train()
            steps_module.start_pass(step, callback_list,
                        None if train_data.num_batches is None else train_data.num_batches * (epochs - epoch))
            logs = None
            for index, batch in enumerate(train_data):
                if skip:
                    skip -= 1
                    continue
                if wants_begin:
                    callback_list.on_train_batch_begin(index)
                logs = step(batch)
                if wants_end:
                    callback_list.on_train_batch_end(index, LazyLogs(self.get_metrics_result) if lazy else logs)
                if self.stop_training:
                    break
            train_data.on_epoch_end()
            if strategy is not None:
                strategy.end_epoch(self)  # metric states and moving statistics of all processes
            epoch_logs = pythonify_logs(self._metrics_or_logs(logs))
            self.eval()
            if val_data is not None and self._should_validate(epoch, validation_freq):
                val_logs = self._evaluate_loop(val_data, callback_list)
                epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        if isinstance(self.optimizer, optimizers_module.Optimizer) and epochs > initial_epoch:
            self.optimizer.finalize_variable_values(self._weights().trainable())
        callback_list.on_train_end(epoch_logs)
        return callback_list.history

    @staticmethod
    def _should_validate(epoch, validation_freq):
        if isinstance(validation_freq, int):
            return (epoch + 1) % validation_freq == 0
        return (epoch + 1) in validation_freq

    def _validation_adapter(self, validation_data, batch_size, steps, device, epochs, validation_freq):
        if isinstance(validation_data, (tuple, list)):
            if len(validation_data) not in (2, 3):
                raise ValueError(
                    "fit: validation_data must be (x_val, y_val), (x_val, y_val, sample_weight) or a dataset; "
                    f"received a {type(validation_data).__name__} of {len(validation_data)} element(s)"
                )
            vx, vy, vsw = data_module.unpack_x_y_sample_weight(validation_data)
            adapter = self._make_adapter(vx, vy, vsw, batch_size if data_module.is_array_data(vx) else None, False,
                                         steps, None, device, "validation_data")
        elif data_module.is_array_data(validation_data):
            raise ValueError("fit: validation_data must be (x_val, y_val) or a dataset; received a single array "
                             "(the targets are missing)")
        else:
            adapter = self._make_adapter(validation_data, None, None, None, False, steps, None, device,
                                         "validation_data")
        runs = epochs // validation_freq if isinstance(validation_freq, int) else len(validation_freq)
        if getattr(adapter, "single_pass", False) and steps is None and runs > 1:
            raise ValueError(
                f"fit: validation_data is a {type(validation_data).__name__}, which can be iterated only once, but "
                f"validation runs {runs} times; pass validation_steps=<batches per validation run>"
            )
        return adapter

    def _make_adapter(self, x, y, sample_weight, batch_size, shuffle, steps, class_weight, device, what,
                      training=False):
        """The data adapter (:func:`lamina.training.data.make_adapter`), or this process's shard when distributed."""
        if self._distribution is None:
            return data_module.make_adapter(x, y, sample_weight, batch_size, shuffle, steps, class_weight, device,
                                            what)
        return self._distribution.make_adapter(x, y, sample_weight, batch_size, shuffle, steps, class_weight, device,
                                               what, training)

    # -- evaluate ----------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """Loss and metrics on the given data: a float, a list in :attr:`metrics_names` order, or a dict.

        Example:
            >>> from lamina import Sequential
            >>> from lamina.layers import Dense
            >>> model = Sequential([Dense(1, input_shape=(2,), kernel_initializer="zeros")])
            >>> model.compile(loss="mse", metrics=["mae"])
            >>> model.evaluate(np.zeros((4, 2)), np.full((4, 1), 2.0), verbose=0)
            [4.0, 2.0]
        """
        _reject_unknown(kwargs, "evaluate")
        self._require_compiled("evaluate")
        _check_verbose(verbose, "evaluate")
        adapter = self._make_adapter(x, y, sample_weight, batch_size, False, steps, None, self._device(), "evaluate")
        if isinstance(callbacks, CallbackList):
            callback_list = callbacks
        else:
            if self._distribution is not None:
                callbacks, verbose = self._distribution.callbacks_for_rank(callbacks, verbose)
            callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                         steps=adapter.num_batches)
        self._weights().refresh()
        self.eval()
        logs = self._evaluate_loop(adapter, callback_list)
        if return_dict:
            return logs
        values = [logs[name] for name in self._ordered_names(logs.keys())]
        return values[0] if len(values) == 1 else values

    def _evaluate_loop(self, adapter, callback_list):
        step, lazy = self._step_function("test")
        wants_begin = callback_list.wants("on_test_batch_begin")
        wants_end = callback_list.wants("on_test_batch_end")
        self.reset_metrics()
        callback_list.on_test_begin()
        steps_module.start_pass(step, callback_list, adapter.num_batches)
        logs = None
        for index, batch in enumerate(adapter):
            if wants_begin:
                callback_list.on_test_batch_begin(index)
            logs = step(batch)
            if wants_end:
                callback_list.on_test_batch_end(index, LazyLogs(self.get_metrics_result) if lazy else logs)
        adapter.on_epoch_end()
        if logs is None and not lazy:
            raise ValueError("evaluate: the data yielded no batches")
        if self._distribution is not None:
            self._distribution.end_evaluation(self)  # the metrics of all processes' shards
        logs = pythonify_logs(self._metrics_or_logs(logs))
        callback_list.on_test_end(logs)
        return logs

    # -- predict ------------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """Predictions for ``x`` as NumPy arrays (one per output), computed batch by batch without gradients.

        Example:
            >>> from lamina import Sequential
            >>> from lamina.layers import Dense
            >>> model = Sequential([Dense(3, input_shape=(2,))])
            >>> model.predict(np.ones((70, 2)), batch_size=32, verbose=0).shape
            (70, 3)
        """
        _reject_unknown(kwargs, "predict")
        _check_verbose(verbose, "predict")
        adapter = self._make_adapter(x, None, None, batch_size, False, steps, None, self._device(), "predict")
        if isinstance(callbacks, CallbackList):
            callback_list = callbacks
        else:
            if self._distribution is not None:
                callbacks, verbose = self._distribution.callbacks_for_rank(callbacks, verbose)
            callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                         steps=adapter.num_batches)
        step = self._step_function("predict")[0]
        wants_begin = callback_list.wants("on_predict_batch_begin")
        wants_end = callback_list.wants("on_predict_batch_end")
        self.eval()
        callback_list.on_predict_begin()
        steps_module.start_pass(step, callback_list, adapter.num_batches)
        outputs = []
        for index, (bx, _, _) in enumerate(adapter):
            if wants_begin:
                callback_list.on_predict_batch_begin(index)
            batch_outputs = step(bx)
            outputs.append(batch_outputs)
            if wants_end:
                callback_list.on_predict_batch_end(index, {"outputs": tree.map_structure(
                    convert_to_numpy, batch_outputs)})
        adapter.on_epoch_end()
        callback_list.on_predict_end()
        if self._distribution is not None:
            outputs = self._distribution.gather_predictions(outputs, adapter)  # all processes' batches, in order
        if not outputs:
            raise ValueError("predict: the data yielded no batches")
        return _concatenate(outputs)

    # -- single batches ------------------------------------------------------------------------
    def _single_batch(self, x, y, sample_weight, method, class_weight=None):
        batch = data_module.to_tensor_triple(x, y, sample_weight, self._device(), method, class_weight)
        self._weights().refresh()  # layer.trainable may have changed since the last call
        return batch

    def _batch_result(self, logs, return_dict):
        logs = pythonify_logs(self._metrics_or_logs(logs))
        if return_dict:
            return logs
        values = [logs[name] for name in self._ordered_names(logs.keys())]
        return values[0] if len(values) == 1 else values

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the loss (and metrics) of that batch.

        ``layer.trainable`` changes made between calls take effect at once (the GAN pattern).

        Example:
            >>> from lamina import Sequential
            >>> from lamina.layers import Dense
            >>> model = Sequential([Dense(1, input_shape=(2,))]); model.compile(optimizer="sgd", loss="mse")
            >>> isinstance(model.train_on_batch(np.ones((4, 2)), np.ones((4, 1))), float)
            True
        """
        self._require_compiled("train_on_batch")
        batch = self._single_batch(x, y, sample_weight, "train_on_batch", class_weight)
        self.reset_metrics()
        self.train()
        logs = self._step_function("train")[0](batch)
        return self._batch_result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) of one batch, without training.

        Example:
            >>> from lamina import Sequential
            >>> from lamina.layers import Dense
            >>> model = Sequential([Dense(1, input_shape=(2,), kernel_initializer="zeros")])
            >>> model.compile(loss="mae"); model.test_on_batch(np.ones((4, 2)), np.ones((4, 1)))
            1.0
        """
        self._require_compiled("test_on_batch")
        batch = self._single_batch(x, y, sample_weight, "test_on_batch")
        self.reset_metrics()
        self.eval()
        logs = self._step_function("test")[0](batch)
        return self._batch_result(logs, return_dict)

    def predict_on_batch(self, x):
        """Predictions for one batch, as NumPy.

        Example:
            >>> from lamina import Sequential
            >>> from lamina.layers import Dense
            >>> Sequential([Dense(2, input_shape=(3,))]).predict_on_batch(np.ones((5, 3))).shape
            (5, 2)
        """
        x = data_module.to_tensors(x, self._device(), "x")
        self.eval()
        with torch.no_grad():
            outputs = self(x, training=False) if not _overridden(self, "predict_step") else self.predict_step(
                data_module.pack_x_y_sample_weight(x))
        return tree.map_structure(convert_to_numpy, outputs)

    # -- Keras 2 spellings ------------------------------------------------------------------------
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, validation_freq=1, class_weight=None,
                      max_queue_size=10, workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0):
        """Keras 2's ``fit_generator``: ``fit`` on a generator or ``Sequence`` of batches."""
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
                        validation_freq=validation_freq, class_weight=class_weight, shuffle=shuffle,
                        initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0):
        """Keras 2's ``evaluate_generator``: ``evaluate`` on a generator or ``Sequence`` of batches."""
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0):
        """Keras 2's ``predict_generator``: ``predict`` on a generator or ``Sequence`` of batches."""
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def get_compile_config(self):
        """The arguments ``compile`` was called with (for saving), or ``None``."""
        return getattr(self, "_compile_config", None) if self.compiled else None

    def compile_from_config(self, config):
        """Compile with the arguments saved by :meth:`get_compile_config`."""
        self.compile(**config)


def _concatenate(batches):
    first = batches[0]
    if isinstance(first, torch.Tensor):
        return convert_to_numpy(torch.cat(batches) if len(batches) > 1 else first)
    if isinstance(first, dict):
        return {k: _concatenate([b[k] for b in batches]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(_concatenate([b[i] for b in batches]) for i in range(len(first)))
    return np.concatenate([np.asarray(b) for b in batches])
