"""Hyper-parameter search in the style of Keras Tuner, run by Optuna (``pip install 'lamina[tuner]'``).

Write ``build_model(hp)`` asking ``hp`` for values, pick a tuner, and search with
``fit``'s arguments; then read the best hyper-parameters or models. Optuna is
imported only when a tuner is created, and the search is stored in SQLite so it can
resume. See ``docs/model_selection.md``.

Example:
    >>> from lamina import tuner as kt
    >>> hp = kt.HyperParameters()
    >>> hp.Int("units", 32, 512, step=32), kt.Objective("val_auc", "max").direction
    (32, 'max')
"""
from lamina.tuner.hypermodel import HyperModel
from lamina.tuner.hyperparameters import HyperParameter, HyperParameters
from lamina.tuner.objective import Objective
from lamina.tuner.tuner import Tuner
from lamina.tuner.tuners import BayesianOptimization, Hyperband, RandomSearch
