"""``DataParallel``: synchronous data-parallel training, one process per device (TF's ``MirroredStrategy``).

Each process holds a full copy of the model and trains on its shard of every global
batch; gradients are averaged across processes before each update, so the weights
stay identical everywhere. Create it in a process started by ``torchrun`` (or by
:func:`~lamina.distribute.launch`): it joins the process group from the environment.
Started any other way (plain ``python script.py``), it is a single replica and
training runs as without it, as TF's ``MirroredStrategy`` does on a one-device machine.

Example:
    >>> import lamina as keras
    >>> strategy = keras.distribute.DataParallel()  # in a plain process: one replica
    >>> with strategy.scope():
    ...     model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    ...     model.compile(optimizer="sgd", loss="mse")
    >>> strategy.num_replicas_in_sync, strategy.is_chief
    (1, True)
"""
import contextlib
import logging

from lamina.core import config
from lamina.distribute import collectives, context, environment, sync
from lamina.distribute import data as data_module

logger = logging.getLogger("lamina.distribute")


class DataParallel:
    """Data-parallel training over the processes of a ``torchrun`` job.

    Args:
        devices: accepted only as ``None``: each process uses one device (``cuda:LOCAL_RANK``
            or the CPU); start one process per device with ``torchrun --nproc_per_node``.
        backend: ``'gloo'`` or ``'nccl'``; default nccl when CUDA is available, else gloo.
        timeout: seconds to wait for the other processes when joining and in collectives
            (torch's default, 30 minutes, when ``None``).

    Attributes:
        rank, world_size, local_rank, device, backend, is_chief (rank 0),
        num_replicas_in_sync (= world_size).

    Example:
        >>> strategy = DataParallel()
        >>> strategy.rank, strategy.world_size, strategy.device.type
        (0, 1, 'cpu')
    """

    def __init__(self, devices=None, backend=None, timeout=None, **kwargs):
        kwargs.pop("cross_device_ops", None)  # TF's MirroredStrategy argument: the backend chooses
        kwargs.pop("communication_options", None)  # TF's MultiWorkerMirroredStrategy argument
        if kwargs:
            raise TypeError(f"DataParallel() got unexpected keyword argument(s) {sorted(kwargs)}; its arguments are "
                            "devices, backend and timeout")
        if devices is not None:
            raise ValueError(
                f"DataParallel: devices={devices!r} is not supported: lamina runs one process per device. Start "
                "one process per device with `torchrun --nproc_per_node=<number of devices> script.py` (or "
                "lamina.distribute.launch) and create DataParallel() without devices"
            )
        if backend not in (None, "gloo", "nccl"):
            raise ValueError(f"DataParallel: backend must be 'gloo', 'nccl' or None; received backend={backend!r}")
        place = environment.read_environment()
        self.backend = backend or environment.default_backend()
        if place is None:
            self.rank, self.world_size, self.local_rank = 0, 1, 0
            self.device = config.device()
            logger.info("DataParallel: not started by torchrun (no RANK/WORLD_SIZE): training on one replica")
        else:
            self.rank, self.world_size, self.local_rank = place
            self.device = environment.init_process_group(self.backend, self.rank, self.world_size,
                                                         self.local_rank, timeout)
            config.set_device(self.device)
        self.grad_scale = 1.0 / self.world_size  # this rank's share of the global batch; adapters update it

    @property
    def num_replicas_in_sync(self):
        """The number of processes training together (TF's name for ``world_size``)."""
        return self.world_size

    @property
    def is_chief(self):
        """True on rank 0, the process that writes files and prints progress."""
        return self.rank == 0

    @property
    def distributed(self):
        """True when there is more than one process (collectives are needed)."""
        return self.world_size > 1

    @contextlib.contextmanager
    def scope(self):
        """TF's ``with strategy.scope():``: models compiled inside train with this distribution.

        Example:
            >>> from lamina import distribute
            >>> with DataParallel().scope():
            ...     isinstance(distribute.distribution(), DataParallel)
            True
        """
        previous = context.distribution()
        context._current = self
        try:
            yield self
        finally:
            context._current = previous

    def __repr__(self):
        return (f"DataParallel(rank={self.rank}, world_size={self.world_size}, device={str(self.device)!r}, "
                f"backend={self.backend!r})")

    # -- what the training loop calls (no-ops with one replica) ---------------------------------
    def reduce_gradients(self, grads):
        """The gradients averaged over the replicas (weighted by each one's share of the global batch)."""
        if self.world_size == 1:
            return grads
        return collectives.all_reduce_gradients(grads, self.grad_scale)

    def make_adapter(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None,
                     class_weight=None, device=None, what="fit", training=False):
        """The data adapter of this rank's shard (see :mod:`lamina.distribute.data`)."""
        return data_module.make_sharded_adapter(self, x, y, sample_weight, batch_size, shuffle, steps, class_weight,
                                                device, what, training)

    def callbacks_for_rank(self, callbacks, verbose):
        """``(callbacks, verbose)`` for this rank: file writers and the progress bar on the chief only."""
        return sync.callbacks_for_rank(self, callbacks, verbose)

    def begin_fit(self, model, adapter):
        """Start every rank from the chief's state (weights, optimizer, where a backup resumes)."""
        sync.begin_fit(self, model, adapter)

    def end_epoch(self, model):
        """Average the non-trainable state (moving statistics) and sum the metric states over the ranks."""
        if self.world_size > 1:
            sync.average_non_trainable(model)
            sync.sum_metric_states(model)

    def end_evaluation(self, model):
        """Sum the metric states over the ranks before the logs are read."""
        if self.world_size > 1:
            sync.sum_metric_states(model)

    def gather_predictions(self, batches, adapter):
        """Every rank's predicted batches, in the order of the data, on every rank."""
        return data_module.gather_predictions(self, batches, adapter)


class MirroredStrategy(DataParallel):
    """TF's name for :class:`DataParallel` (one machine, several devices).

    Example:
        >>> MirroredStrategy().num_replicas_in_sync
        1
    """


class MultiWorkerMirroredStrategy(DataParallel):
    """TF's name for :class:`DataParallel` over several machines (``torchrun --nnodes``).

    Example:
        >>> MultiWorkerMirroredStrategy().is_chief
        True
    """
