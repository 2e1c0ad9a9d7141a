"""Each rank's share of the data, for every format ``fit``/``evaluate``/``predict`` accept.

Training (``fit``), where every rank must run the same number of steps:

* arrays and tensors: ``batch_size`` is the *global* batch. Every epoch's permutation
  is drawn on the chief (from torch's random generator, as a single process would)
  and broadcast, and each rank takes its contiguous part of every global batch, so
  the ranks together see exactly the batches of a single-process run. A last batch
  with fewer samples than replicas is skipped (with a warning). The gradient of each
  rank is weighted by its share of the global batch.
* ``PyDataset``/``Sequence``: the batch order (shuffled on the chief, broadcast) is
  cut into groups of ``world_size`` batches, rank ``r`` takes the ``r``-th of each;
  the global batch is ``world_size`` dataset batches, and a last incomplete group is
  skipped.
* torch map-style ``Dataset``: a ``DataLoader`` of ``batch_size // world_size``
  samples per rank with a ``DistributedSampler`` (shuffled from a seed the chief
  draws); a ``DataLoader`` is rebuilt the same way keeping its own batch size (per
  replica), collate function and workers.
* generators, iterators, other iterables: every rank reads the batches and keeps the
  ``r``-th of each group of ``world_size``.

Evaluation and prediction, where ranks need not stay in step: arrays are cut into
``world_size`` contiguous chunks, torch datasets likewise (by a sampler), other
sources give every ``world_size``-th batch; :func:`gather_predictions` puts the
predicted batches back in the order of the data.

Example:
    >>> chunk(10, 3)
    [(0, 3), (3, 6), (6, 10)]
"""
import warnings

import torch
import torch.distributed as dist

from lamina.core import tree
from lamina.core.tensors import convert_to_numpy
from lamina.distribute import collectives
from lamina.training import data as base
from lamina.training.data import convert_batch, take_rows  # shared with the one-process adapters
from lamina.utils.py_dataset import PyDataset


def chunk(n, parts):
    """``[(start, stop)]``: ``range(n)`` cut into ``parts`` contiguous pieces whose sizes differ by at most one.

    Example:
        >>> chunk(5, 2)
        [(0, 2), (2, 5)]
    """
    return [(n * r // parts, n * (r + 1) // parts) for r in range(parts)]


def _shared_permutation(strategy, n, device):
    """A random permutation of ``range(n)`` drawn on the chief and broadcast (the same on every rank)."""
    if not strategy.distributed:
        return torch.randperm(n, device=device)
    order = torch.randperm(n, device=device) if strategy.is_chief else torch.empty(n, dtype=torch.int64,
                                                                                     device=device)
    dist.broadcast(order, 0)
    return order


class ShardedArrayAdapter(base.ArrayAdapter):
    """An :class:`~lamina.training.data.ArrayAdapter` yielding this rank's part of every global batch.

    Example (one replica: the part is the whole batch):
        >>> from lamina.distribute import DataParallel
        >>> inner = base.ArrayAdapter(torch.arange(5.0), None, None, batch_size=2, shuffle=False)
        >>> [x.tolist() for x, _, _ in ShardedArrayAdapter(inner, DataParallel())]
        [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """

    def __init__(self, adapter, strategy, what="fit"):
        self.__dict__.update(adapter.__dict__)
        self.strategy = strategy
        replicas = strategy.world_size
        if self.batch_size < replicas:
            raise ValueError(
                f"{what}: batch_size={self.batch_size} is the global batch, split over {replicas} replicas; it must "
                f"be at least {replicas} (use batch_size=<per-replica batch> * {replicas})"
            )
        last = self.num_samples - (self.batches_in_data - 1) * self.batch_size
        if last < replicas:
            warnings.warn(
                f"{what}: the last batch of each epoch has {last} sample(s), fewer than the {replicas} replicas; it "
                "is skipped. Choose a batch_size that leaves at least one sample per replica in the last batch",
                stacklevel=4,
            )
            self.batches_in_data -= 1
            if self._steps is None:
                self.num_batches = self.batches_in_data

    def sample(self):
        """The inputs of one sample (to build a model before its weights are broadcast)."""
        x, _, _ = self._pack([t[:1] for t in self._leaves])
        return x

    def _one_pass(self):
        strategy, leaves = self.strategy, self._leaves
        n, size, replicas, rank = self.num_samples, self.batch_size, strategy.world_size, strategy.rank
        starts = list(range(0, self.batches_in_data * size, size))
        order = None
        if self.shuffle is True:
            order = _shared_permutation(strategy, n, self.device)
        elif self.shuffle == "batch":
            starts = [starts[i] for i in _shared_permutation(strategy, len(starts), self.device).tolist()]
        for start in starts:
            batch = min(size, n - start)
            lo, hi = start + batch * rank // replicas, start + batch * (rank + 1) // replicas
            strategy.grad_scale = (hi - lo) / batch
            if order is not None:
                index = order[lo:hi]
                yield self._pack([take_rows(t, index) for t in leaves])
            else:
                yield self._pack([t[lo:hi] for t in leaves])
        strategy.grad_scale = 1.0 / replicas  # for train_on_batch and hand-written steps after fit


class ShardedPyDatasetAdapter(base.PyDatasetAdapter):
    """A ``PyDataset`` adapter reading only this rank's batches (see the module docstring).

    Example:
        >>> from lamina.distribute import DataParallel
        >>> class Three(PyDataset):
        ...     def __len__(self): return 3
        ...     def __getitem__(self, i): return torch.full((2, 1), float(i)), torch.zeros(2)
        >>> inner = base.PyDatasetAdapter(Three(), shuffle=False, device=torch.device("cpu"))
        >>> [x[0, 0].item() for x, _, _ in ShardedPyDatasetAdapter(inner, DataParallel(), None, True)]
        [0.0, 1.0, 2.0]
    """

    def __init__(self, adapter, strategy, steps, training, what="fit"):
        self.__dict__.update(adapter.__dict__)
        self.strategy, self.training = strategy, training
        replicas, length = strategy.world_size, len(self.dataset)
        if training:
            groups = length // replicas
            if groups == 0:
                raise ValueError(f"{what}: the dataset has {length} batch(es), fewer than the {replicas} replicas; "
                                 "each replica needs at least one batch per step")
            self.num_batches = min(steps, groups) if steps is not None else groups
            self._positions = [g * replicas + strategy.rank for g in range(self.num_batches)]
        else:
            total = min(steps, length) if steps is not None else length
            self._positions = list(range(strategy.rank, total, replicas))
            self.num_batches = len(self._positions)
            self.gather = "interleave"

    def sample(self):
        """The inputs of the first batch (to build a model before its weights are broadcast)."""
        return convert_batch(self.dataset[0], self.device, None, "dataset[0]")[0]

    def __iter__(self):
        strategy, n = self.strategy, len(self.dataset)
        order = list(range(n))
        if self.shuffle:
            order = _shared_permutation(strategy, n, self.device).tolist()
        for position in self._positions:
            index = order[position]
            yield convert_batch(self.dataset[index], self.device, self.class_weight, f"dataset[{index}]")


class RoundRobinAdapter:
    """Every ``world_size``-th batch of another adapter (generators and iterables): see the module docstring.

    Example:
        >>> from lamina.distribute import DataParallel
        >>> inner = base.IterableAdapter([(torch.ones(1), torch.zeros(1))] * 3, None, torch.device("cpu"))
        >>> RoundRobinAdapter(inner, DataParallel(), training=True).num_batches
        3
    """

    def __init__(self, adapter, strategy, training):
        self.adapter, self.strategy, self.training = adapter, strategy, training
        self.single_pass = getattr(adapter, "single_pass", False)
        replicas, rank, total = strategy.world_size, strategy.rank, adapter.num_batches
        if total is None:
            self.num_batches = None
        elif training:
            self.num_batches = total // replicas
        else:
            self.num_batches = len(range(rank, total, replicas))
        if not training:
            self.gather = "interleave"

    def __iter__(self):
        replicas, rank = self.strategy.world_size, self.strategy.rank
        mine = None
        for index, batch in enumerate(self.adapter):
            if index % replicas == rank:
                if not self.training:
                    yield batch
                    continue
                mine = batch
            if self.training and index % replicas == replicas - 1:
                yield mine

    def on_epoch_end(self):
        self.adapter.on_epoch_end()


class _ChunkSampler(torch.utils.data.Sampler):
    """The indices of one contiguous chunk of a dataset (evaluation and prediction)."""

    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))

    def __len__(self):
        return self.stop - self.start


class _EpochLoader:
    """A ``DataLoader`` whose ``DistributedSampler`` gets the epoch number each time it is iterated."""

    def __init__(self, loader):
        self.loader, self.epoch = loader, 0

    def __iter__(self):
        sampler = self.loader.sampler
        if isinstance(sampler, torch.utils.data.DistributedSampler):
            sampler.set_epoch(self.epoch)
        self.epoch += 1
        return iter(self.loader)

    def __len__(self):
        return len(self.loader)


def _is_map_dataset(x):
    return isinstance(x, torch.utils.data.Dataset) and not isinstance(
        x, (torch.utils.data.IterableDataset, PyDataset)) and hasattr(x, "__len__")


def _sharded_loader(strategy, x, batch_size, shuffle, training, what):
    """A per-rank ``DataLoader`` for a torch map-style Dataset or DataLoader, or ``None`` if it cannot have one."""
    replicas, rank = strategy.world_size, strategy.rank
    if isinstance(x, torch.utils.data.DataLoader):
        if not _is_map_dataset(x.dataset) or x.batch_size is None:
            return None  # custom batch sampler or iterable dataset: batches are taken round robin
        dataset, per_replica = x.dataset, x.batch_size
        shuffle = isinstance(x.sampler, torch.utils.data.RandomSampler)
        options = {"collate_fn": x.collate_fn, "num_workers": x.num_workers, "pin_memory": x.pin_memory,
                   "drop_last": x.drop_last, "worker_init_fn": x.worker_init_fn}
    else:
        dataset, options = x, {}
        global_batch = batch_size or base.DEFAULT_BATCH_SIZE
        if global_batch < replicas:
            raise ValueError(f"{what}: batch_size={global_batch} is the global batch, split over {replicas} "
                             f"replicas; it must be at least {replicas}")
        per_replica = global_batch // replicas
    if training:
        seed = collectives.broadcast_object(int(torch.randint(0, 2 ** 31, ()).item()))
        sampler = torch.utils.data.DistributedSampler(dataset, replicas, rank, shuffle=bool(shuffle), seed=seed)
    else:
        sampler = _ChunkSampler(*chunk(len(dataset), replicas)[rank])
    return _EpochLoader(torch.utils.data.DataLoader(dataset, batch_size=per_replica, sampler=sampler, **options))


def make_sharded_adapter(strategy, x, y, sample_weight, batch_size, shuffle, steps, class_weight, device, what,
                         training):
    """The adapter of this rank's data: ``training`` for ``fit``'s batches, else evaluation or prediction.

    Example:
        >>> from lamina.distribute import DataParallel
        >>> adapter = make_sharded_adapter(DataParallel(), torch.zeros(6, 2), None, None, 4, False, None, None,
        ...                                torch.device("cpu"), "fit", True)
        >>> adapter.num_batches
        2
    """
    if not strategy.distributed:
        return base.make_adapter(x, y, sample_weight, batch_size, shuffle, steps, class_weight, device, what)
    replicas = strategy.world_size
    if x is not None and not base.is_array_data(x) and (_is_map_dataset(x) or isinstance(
            x, torch.utils.data.DataLoader)) and y is None and sample_weight is None:
        if not isinstance(x, torch.utils.data.DataLoader) or batch_size is None:
            loader = _sharded_loader(strategy, x, batch_size, shuffle, training, what)
            if loader is not None:
                adapter = base.IterableAdapter(loader, steps, device, class_weight)
                if not training:
                    adapter.gather = "chunks"
                return adapter
    if x is not None and base.is_array_data(x) and not training:
        x, y, sample_weight = base.to_tensor_triple(x, y, sample_weight, device, what, class_weight)
        n = base.check_lengths(x, y, sample_weight, what)
        if n < replicas:  # too few samples to share: every rank takes them all
            return base.make_adapter(x, y, sample_weight, batch_size, False, steps, None, device, what)
        lo, hi = chunk(n, replicas)[strategy.rank]
        x, y, sample_weight = tree.map_structure(lambda t: None if t is None else t[lo:hi], (x, y, sample_weight))
        adapter = base.make_adapter(x, y, sample_weight, batch_size, False, steps, None, device, what)
        adapter.gather = "chunks"
        return adapter
    adapter = base.make_adapter(x, y, sample_weight, batch_size, shuffle if training else False,
                                steps if base.is_array_data(x) else None, class_weight, device, what)
    if isinstance(adapter, base.ArrayAdapter):
        return ShardedArrayAdapter(adapter, strategy, what)
    if isinstance(adapter, base.PyDatasetAdapter):
        return ShardedPyDatasetAdapter(adapter, strategy, steps, training, what)
    if training and steps is not None:
        adapter = base.IterableAdapter(adapter.data, steps * replicas, device, class_weight)
    elif steps is not None:
        adapter = base.IterableAdapter(adapter.data, steps, device, class_weight)
    return RoundRobinAdapter(adapter, strategy, training)


def gather_predictions(strategy, batches, adapter):
    """Every rank's predicted batches (NumPy), in the order of the data, on every rank.

    Example:
        >>> from lamina.distribute import DataParallel
        >>> gather_predictions(DataParallel(), [torch.ones(2)], None)[0].tolist()
        [1.0, 1.0]
    """
    mode = getattr(adapter, "gather", None)
    if not strategy.distributed or mode is None:
        return batches
    local = [tree.map_structure(convert_to_numpy, batch) for batch in batches]
    every = collectives.gather_objects(local)
    if mode == "chunks":
        return [batch for rank_batches in every for batch in rank_batches]
    ordered, replicas = [], strategy.world_size
    for index in range(sum(len(b) for b in every)):
        ordered.append(every[index % replicas][index // replicas])
    return ordered
