"""Utilities (``keras.utils``).

Example:
    >>> from lamina import utils
    >>> utils.set_random_seed(0)
"""
from lamina.utils.py_dataset import BatchDataset, PyDataset, Sequence
from lamina.utils.random_seed import set_random_seed
from lamina.utils.file_utils import get_file
from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.sequence_utils import pad_sequences
from lamina.utils.text_dataset import text_dataset_from_directory
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array
from lamina.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from lamina.utils.image_dataset import image_dataset_from_directory
from lamina.utils.text_generation import reweight_distribution, sample
from lamina.utils.model_visualization import model_to_dot, plot_model
from lamina.utils.kfold import CrossValidationResult, cross_validate, k_fold_indices
