"""Callbacks (``keras.callbacks``): code that ``fit``, ``evaluate`` and ``predict`` call at each stage.

Example:
    >>> from lamina import callbacks
    >>> stop = callbacks.EarlyStopping(monitor="val_loss", patience=2)
    >>> stop.patience, stop.direction()
    (2, 'min')
"""
from lamina.callbacks.callback import Callback
from lamina.callbacks.callback_list import CallbackList
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger
from lamina.core.lazy import lazy_exports as _lazy_exports

# What every fit uses is imported above; the others on first use (ModelCheckpoint and
# BackupAndRestore pull in lamina.saving, TensorBoard its writer). See docs/dev.md, "Import time".
_ATTRIBUTES = {
    "CSVLogger": ".csv_logger", "EarlyStopping": ".early_stopping", "LambdaCallback": ".lambda_callback",
    "LearningRateScheduler": ".learning_rate_scheduler", "ModelCheckpoint": ".model_checkpoint",
    "MonitorCallback": ".monitor", "ReduceLROnPlateau": ".reduce_lr_on_plateau", "TensorBoard": ".tensorboard",
    "TerminateOnNaN": ".terminate_on_nan", "BackupAndRestore": "lamina.saving.backup",
}
_SUBMODULES = ("csv_logger", "early_stopping", "lambda_callback", "learning_rate_scheduler", "logs", "model_checkpoint",
               "monitor", "reduce_lr_on_plateau", "tensorboard", "terminate_on_nan")
__all__ = sorted(["Callback", "CallbackList", "History", "ProgbarLogger", *_ATTRIBUTES])
__getattr__, __dir__ = _lazy_exports(__name__, submodules=_SUBMODULES, attributes=_ATTRIBUTES)
