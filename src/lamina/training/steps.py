"""The eager step functions of ``fit``, ``evaluate`` and ``predict`` (what ``jit_compile`` compiles).

Example:
    >>> import lamina
    >>> model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(2,))])
    >>> model.compile("sgd", "mse")
    >>> fn, lazy = eager_step(model, "train", lambda name: False)
    >>> fn((torch.ones(4, 2), torch.zeros(4, 1), None)) is None, lazy
    (True, True)
"""
import torch

from lamina.core.symbolic import capture_scope
from lamina.training import data as data_module
from lamina.training import jit


def eager_step(model, kind, overridden):
    """``(fn, lazy)``: the eager step function of ``kind`` (``'train'``, ``'test'``, ``'predict'``) for ``model``.

    ``overridden(name)`` says whether the model's class overrides a ``Trainer`` method
    (``train_step``, ``compute_metrics``...): then the step calls it with Keras's packed
    ``data``; otherwise it is lamina's fast step, which returns no logs (``lazy``: the
    logs are the metric results, read when needed).

    Example:
        >>> import lamina
        >>> model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(2,))])
        >>> fn, lazy = eager_step(model, "predict", lambda name: False)
        >>> tuple(fn(torch.ones(3, 2)).shape), lazy
        ((3, 1), False)
    """
    if kind == "predict":
        if not overridden("predict_step"):
            def fast_predict(x):
                with torch.no_grad():
                    return model(x, training=False)

            return fast_predict, False

        def custom_predict(x):
            with torch.no_grad():
                return model.predict_step(data_module.pack_x_y_sample_weight(x))

        return custom_predict, False
    if kind == "train":
        if not overridden("train_step") and not overridden("compute_metrics"):
            def fast_train(batch):
                x, y, sample_weight = batch
                with capture_scope():
                    y_pred = model._train_step_core(x, y, sample_weight)
                    if model._compile_metrics is not None:
                        model._compile_metrics.update_state(y, y_pred, sample_weight)

            return fast_train, True

        def custom_train(batch):
            with capture_scope():
                return model.train_step(data_module.pack_x_y_sample_weight(*batch))

        return custom_train, False
    if not overridden("test_step") and not overridden("compute_metrics"):
        def fast_test(batch):
            x, y, sample_weight = batch
            with torch.no_grad(), capture_scope():
                y_pred = model._test_step_core(x, y, sample_weight)
                if model._compile_metrics is not None:
                    model._compile_metrics.update_state(y, y_pred, sample_weight)

        return fast_test, True

    def custom_test(batch):
        with torch.no_grad(), capture_scope():
            return model.test_step(data_module.pack_x_y_sample_weight(*batch))

    return custom_test, False


def start_pass(step, callback_list, planned_steps):
    """Tell a compiled step that a pass over the data begins, how many steps are planned, and where to report.

    Example:
        >>> start_pass(lambda batch: None, None, 10)  # an eager step: nothing to tell
    """
    if isinstance(step, jit.CompiledStep):
        progbar = callback_list.progbar
        step.new_pass(progbar.note if progbar is not None else None, planned_steps)
