"""Joining the process group from the environment that ``torchrun`` (or :func:`~lamina.distribute.launch`) sets.

``torchrun`` starts one process per device and gives each ``MASTER_ADDR``,
``MASTER_PORT`` (where rank 0 listens), ``RANK`` (this process among all),
``WORLD_SIZE`` (how many) and ``LOCAL_RANK`` (this process on its machine).
:func:`init_process_group` joins ``torch.distributed``'s default group with gloo on
CPU or nccl on CUDA, pins the process to its device, and returns where it stands.

Example:
    >>> read_environment({})  # not started by torchrun: a single process
    >>> read_environment({"MASTER_ADDR": "10.0.0.1", "MASTER_PORT": "29500", "RANK": "1", "WORLD_SIZE": "4"})
    (1, 4, 1)
"""
import datetime
import os

import torch
import torch.distributed as dist

REQUIRED = ("MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE")


def _int(env, name, default=None):
    text = env.get(name)
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise RuntimeError(f"DataParallel: environment variable {name} must be an integer; received {name}={text!r}") \
            from None


def read_environment(env=None):
    """``(rank, world_size, local_rank)`` from the environment, or ``None`` if none of its variables is set.

    Raises RuntimeError naming the missing variables when only some of
    ``MASTER_ADDR``, ``MASTER_PORT``, ``RANK``, ``WORLD_SIZE`` are set, or when their
    values are inconsistent. ``LOCAL_RANK`` defaults to ``RANK`` (one machine).

    Example:
        >>> read_environment({"RANK": "0"})
        Traceback (most recent call last):
        ...
        RuntimeError: DataParallel: cannot initialise the process group: the environment variable(s) MASTER_ADDR, MASTER_PORT, WORLD_SIZE are not set (found RANK). Start the processes with `torchrun --nproc_per_node=N script.py` or `lamina.distribute.launch(fn, nprocs=N)`, which set MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE and LOCAL_RANK.
    """
    env = os.environ if env is None else env
    present = [name for name in REQUIRED if env.get(name)]
    if not present:
        return None
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise RuntimeError(
            f"DataParallel: cannot initialise the process group: the environment variable(s) {', '.join(missing)} "
            f"are not set (found {', '.join(present)}). Start the processes with `torchrun --nproc_per_node=N "
            "script.py` or `lamina.distribute.launch(fn, nprocs=N)`, which set MASTER_ADDR, MASTER_PORT, RANK, "
            "WORLD_SIZE and LOCAL_RANK."
        )
    rank, world_size = _int(env, "RANK"), _int(env, "WORLD_SIZE")
    _int(env, "MASTER_PORT")
    if world_size < 1 or not 0 <= rank < world_size:
        raise RuntimeError(
            f"DataParallel: RANK must be in [0, WORLD_SIZE) and WORLD_SIZE at least 1; received RANK={rank}, "
            f"WORLD_SIZE={world_size}"
        )
    return rank, world_size, _int(env, "LOCAL_RANK", rank)


def default_backend():
    """``'nccl'`` when CUDA is available, else ``'gloo'``.

    Example:
        >>> default_backend() in ("nccl", "gloo")
        True
    """
    return "nccl" if torch.cuda.is_available() else "gloo"


def device_for(backend, local_rank):
    """The device a process uses: ``cuda:<local_rank>`` with nccl, the CPU with gloo.

    Example:
        >>> device_for("gloo", 3)
        device(type='cpu')
    """
    if backend == "nccl":
        return torch.device("cuda", local_rank % max(torch.cuda.device_count(), 1))
    return torch.device("cpu")


def init_process_group(backend, rank, world_size, local_rank, timeout=None):
    """Join the default process group (unless already joined) and pin this process to its device.

    Returns the device. Raises RuntimeError naming the address, rank and world size when
    the group cannot be formed (rank 0 unreachable, port taken, timeout).
    """
    device = device_for(backend, local_rank)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if dist.is_initialized():
        return device
    kwargs = {} if timeout is None else {"timeout": datetime.timedelta(seconds=timeout)}
    try:
        dist.init_process_group(backend=backend, init_method="env://", rank=rank, world_size=world_size,
                                **kwargs)
    except Exception as error:  # torch raises RuntimeError, ValueError or DistNetworkError
        address = f"{os.environ.get('MASTER_ADDR')}:{os.environ.get('MASTER_PORT')}"
        raise RuntimeError(
            f"DataParallel: cannot initialise the {backend} process group at MASTER_ADDR:MASTER_PORT={address} as "
            f"rank {rank} of WORLD_SIZE={world_size}: {type(error).__name__}: {error}"
        ) from error
    return device
