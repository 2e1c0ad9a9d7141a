"""``tf.config``: the device and threading calls TensorFlow programs make at start-up.

Devices are torch's: ``list_physical_devices('GPU')`` lists CUDA devices.
Memory growth, visible-device and eager-mode switches are accepted and do nothing
(torch allocates on demand and always runs eagerly).

Example:
    >>> from lamina.compat.tensorflow import config
    >>> [d.device_type for d in config.list_physical_devices("CPU")]
    ['CPU']
"""
import types
from typing import NamedTuple

import torch

from lamina.compat.tensorflow._subset import missing_names

_DEVICE_TYPES = ("CPU", "GPU")


class PhysicalDevice(NamedTuple):
    """A device as ``tf.config`` describes it: ``name`` (``'/physical_device:GPU:0'``) and ``device_type``."""

    name: str
    device_type: str


def list_physical_devices(device_type=None):
    """The CPU and the CUDA GPUs torch sees (only those of ``device_type``, if given).

    Example:
        >>> len(list_physical_devices("CPU"))
        1
    """
    if device_type is not None and str(device_type).upper() not in _DEVICE_TYPES:
        raise ValueError(f"tf.config.list_physical_devices: unknown device_type {device_type!r}; "
                         f"expected one of {_DEVICE_TYPES}")
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    devices += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(torch.cuda.device_count())]
    return [d for d in devices if device_type is None or d.device_type == str(device_type).upper()]


list_logical_devices = list_physical_devices


def set_visible_devices(devices, device_type=None):
    """Accepted and ignored (choose torch's device with ``lamina.config.set_device``).

    Example:
        >>> set_visible_devices([])
    """


def run_functions_eagerly(run_eagerly):
    """Accepted and ignored: ``tf.function`` always runs eagerly in lamina.

    Example:
        >>> run_functions_eagerly(True)
    """


def functions_run_eagerly():
    """Always True.

    Example:
        >>> functions_run_eagerly()
        True
    """
    return True


def _set_memory_growth(device, enable):
    """Accepted and ignored: torch allocates GPU memory on demand."""


def _set_threads(count):
    if count:
        torch.set_num_threads(int(count))


experimental = types.SimpleNamespace(set_memory_growth=_set_memory_growth, list_physical_devices=list_physical_devices,
                                     set_visible_devices=set_visible_devices)
threading = types.SimpleNamespace(set_intra_op_parallelism_threads=_set_threads,
                                  set_inter_op_parallelism_threads=lambda count: None,
                                  get_intra_op_parallelism_threads=torch.get_num_threads)

__getattr__ = missing_names("tf.config")
