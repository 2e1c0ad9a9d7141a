"""Keeping the replicas of a model identical: the start of ``fit``, the end of an epoch, the callbacks.

* :func:`begin_fit` (after the callbacks' ``on_train_begin``, which may restore a
  backup on the chief): every rank takes the chief's weights, optimizer state and the
  epoch/batch to resume from. A model that is not built yet is first called on one
  sample of the data (arrays and ``PyDataset``s) to create its weights.
* :func:`average_non_trainable` (each epoch's end): non-trainable float weights and
  buffers (BatchNormalization's moving statistics, which each rank updates from its
  own shard) become their mean over the ranks.
* :func:`sum_metric_states` (when the logs of a pass are read): metric states are
  sums and counts, so adding them over the ranks gives the metric of the whole data.
* :func:`callbacks_for_rank`: callbacks that write files or print (ModelCheckpoint,
  CSVLogger, TensorBoard, BackupAndRestore, the progress bar) run on the chief only.

Example:
    >>> from lamina.callbacks import CSVLogger, EarlyStopping
    >>> writes_files(CSVLogger("log.csv")), writes_files(EarlyStopping())
    (True, False)
"""
import torch

from lamina.distribute import collectives

# callbacks (and their subclasses) with side effects outside the process: chief only. Matched by class name so
# that this module needs no import from the saving layer above it.
CHIEF_ONLY = ("ModelCheckpoint", "CSVLogger", "TensorBoard", "BackupAndRestore", "ProgbarLogger")


def writes_files(callback):
    """True for callbacks that run on the chief only (see :data:`CHIEF_ONLY`).

    Example:
        >>> from lamina.callbacks import ModelCheckpoint
        >>> writes_files(ModelCheckpoint("best.keras"))
        True
    """
    return any(cls.__name__ in CHIEF_ONLY for cls in type(callback).__mro__)


def callbacks_for_rank(strategy, callbacks, verbose):
    """``(callbacks, verbose)`` for this rank: unchanged on the chief; elsewhere no file writers and ``verbose=0``."""
    if strategy.is_chief or callbacks is None:
        return callbacks, (verbose if strategy.is_chief else 0)
    if not isinstance(callbacks, (list, tuple)):
        callbacks = [callbacks]
    return [c for c in callbacks if not writes_files(c)], 0


def _model_state(model):
    seen, out = set(), []
    for tensor in list(model.parameters()) + list(model.buffers()):
        if id(tensor) not in seen:
            seen.add(id(tensor))
            out.append(tensor)
    return out


def _optimizers(model):
    """The lamina optimizers the model trains with: ``model.optimizer`` and optimizer attributes (GANs)."""
    found = []
    for value in [getattr(model, "optimizer", None)] + list(vars(model).values()):
        if hasattr(value, "_apply_filtered") and hasattr(value, "variables") and value not in found:
            found.append(value)
    return found


def begin_fit(strategy, model, adapter):
    """Make every rank start from the chief's state (see the module docstring)."""
    if not strategy.distributed:
        return
    strategy.grad_scale = 1.0 / strategy.world_size  # equal shares unless the array adapter says otherwise
    optimizers = _optimizers(model)
    for optimizer in optimizers:
        optimizer._distribution = strategy  # its updates average the gradients over the ranks first
    if not getattr(model, "built", True):
        _build_from_a_sample(model, adapter)
    info = collectives.broadcast_object({
        "initial_epoch": model.__dict__.get("_initial_epoch"),
        "initial_step": model.__dict__.get("_initial_step"),
        "optimizers_built": [bool(o.built) for o in optimizers],
    })
    for key in ("initial_epoch", "initial_step"):
        if info[key] is None:
            model.__dict__.pop(f"_{key}", None)
        else:
            model.__dict__[f"_{key}"] = info[key]
    state = _model_state(model)
    for optimizer, built in zip(optimizers, info["optimizers_built"]):
        if built and not optimizer.built:
            optimizer.build(model.trainable_weights)
        if built:
            state.extend(optimizer.variables)
    shapes = collectives.gather_objects([(tuple(t.shape), str(t.dtype)) for t in state])
    if any(s != shapes[0] for s in shapes):
        raise RuntimeError(
            "DataParallel: the model (or its optimizer) differs between the processes: rank 0 has "
            f"{len(shapes[0])} weights, " + ", ".join(f"rank {r} has {len(s)}" for r, s in enumerate(shapes) if r)
            + (" (same count, different shapes)" if len({len(s) for s in shapes}) == 1 else "")
            + ". Build the same model in every process."
        )
    collectives.broadcast_(state, 0)


def _build_from_a_sample(model, adapter):
    """Create the weights of a model not built yet by calling it on one sample of the data, so they can be broadcast."""
    sample = getattr(adapter, "sample", None)
    x = sample() if sample is not None else None
    if x is None:
        raise ValueError(
            f"DataParallel: {getattr(model, '_label', type(model).__name__)} is not built, and its weights must "
            f"exist before fit to be copied from rank 0 to the others; with a {type(adapter).__name__} lamina "
            "cannot read a sample ahead. Build it first: give the first layer an input_shape, start with an "
            "Input, or call model.build(input_shape)"
        )
    with torch.no_grad():
        model(x, training=False)


def average_non_trainable(model):
    """Non-trainable float weights and buffers become their mean over the ranks; integers take the chief's."""
    floats, others = [], []
    for tensor in _model_state(model):
        if tensor.requires_grad:
            continue
        (floats if tensor.is_floating_point() else others).append(tensor)
    if floats:
        collectives.all_reduce_(floats, average=True)
    if others:
        collectives.broadcast_(others, 0)


def sum_metric_states(model):
    """Add every metric's state variables over the ranks (once per pass, before its results are read)."""
    variables = list({id(v): v for metric in model.metrics for v in metric.variables}.values())
    if variables:
        collectives.all_reduce_(variables)
