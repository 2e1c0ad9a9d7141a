"""Training: the ``Trainer`` mixin of ``Model`` (compile / fit / evaluate / predict)."""
