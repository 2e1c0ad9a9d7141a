"""Utilities (``keras.utils``).

Example:
    >>> from lamina import utils
    >>> utils.set_random_seed(0)
"""
from lamina.core.lazy import lazy_exports as _lazy_exports

# Each name is imported from its module on first use, so `import lamina` does not load
# PIL, urllib, tarfile or the plotting code (see docs/dev.md, "Import time").
_ATTRIBUTES = {
    "BatchDataset": ".py_dataset", "PyDataset": ".py_dataset", "Sequence": ".py_dataset",
    "set_random_seed": ".random_seed",
    "get_file": ".file_utils",
    "normalize": ".numerical_utils", "to_categorical": ".numerical_utils",
    "pad_sequences": ".sequence_utils",
    "text_dataset_from_directory": ".text_dataset",
    "timeseries_dataset_from_array": ".timeseries_dataset",
    "array_to_img": ".image_utils", "img_to_array": ".image_utils", "load_img": ".image_utils",
    "save_img": ".image_utils",
    "image_dataset_from_directory": ".image_dataset",
    "reweight_distribution": ".text_generation", "sample": ".text_generation",
    "model_to_dot": ".model_visualization", "plot_model": ".model_visualization",
    "CrossValidationResult": ".kfold", "cross_validate": ".kfold", "k_fold_indices": ".kfold",
}
_SUBMODULES = ("dataset_utils", "file_utils", "image_dataset", "image_utils", "io_utils", "kfold", "model_visualization",
               "numerical_utils", "py_dataset", "random_seed", "sequence_utils", "summary_utils", "text_dataset",
               "text_generation", "timeseries_dataset")
__all__ = sorted(_ATTRIBUTES)
__getattr__, __dir__ = _lazy_exports(__name__, submodules=_SUBMODULES, attributes=_ATTRIBUTES)
