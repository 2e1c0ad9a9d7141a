"""Saving and restoring an optimizer's state: Keras's ``save_own_variables`` layout and torch's ``state_dict``.

The state is the optimizer's :attr:`~lamina.optimizers.Optimizer.variables`: the
iteration count, the learning rate (unless it is a schedule) and the slots, in that
order, keyed ``'0'``, ``'1'``, ... as Keras stores them.

Example:
    >>> from lamina.optimizers import SGD
    >>> sorted(SGD(0.1).state_dict())
    ['0', '1']
"""
import numpy as np


class OptimizerState:
    """The state-saving methods of :class:`~lamina.optimizers.Optimizer` (a mixin; it reads ``self.variables``).

    Example:
        >>> from lamina.optimizers import Adam
        >>> isinstance(Adam(), OptimizerState)
        True
    """

    def save_own_variables(self, store):
        """Write the state into ``store[str(i)]`` in :attr:`variables` order (Keras's layout).

        Entry ``'0'`` is the iteration count; then the learning rate (if it is not a
        schedule); then the slots. Values are CPU tensor copies.

        Example:
            >>> from lamina.optimizers import SGD
            >>> store = {}
            >>> SGD(0.1).save_own_variables(store)
            >>> sorted(store), int(store["0"])
            (['0', '1'], 0)
        """
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.detach().cpu().clone()

    def load_own_variables(self, store):
        """Restore the state written by :meth:`save_own_variables` (tensors or NumPy arrays).

        Build the optimizer first (``optimizer.build(model.trainable_variables)``) so its
        slots exist; the number and shapes of the entries must match.

        Example:
            >>> from lamina.optimizers import SGD
            >>> opt = SGD(0.1)
            >>> opt.load_own_variables({"0": 7, "1": 0.5})
            >>> int(opt.iterations), float(opt.learning_rate)
            (7, 0.5)
        """
        variables = self.variables
        if len(store) != len(variables):
            hint = "" if self.built else " (this optimizer is not built yet: call optimizer.build(variables) first)"
            raise ValueError(
                f"{type(self).__name__} '{self.name}' has {len(variables)} state variables, but the saved "
                f"state has {len(store)}{hint}"
            )
        values = [store[str(i)] for i in range(len(variables))]
        for variable, value in zip(variables, values):
            shape = tuple(np.shape(value))
            if shape != tuple(variable.shape):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': saved state for {variable.path} has shape {shape}, "
                    f"expected {tuple(variable.shape)}"
                )
        for variable, value in zip(variables, values):
            variable.assign(value)

    def state_dict(self):
        """The state as ``{'0': iteration count, '1': ..., ...}`` CPU tensors (see :meth:`save_own_variables`).

        Example:
            >>> from lamina.optimizers import Adam
            >>> list(Adam().state_dict())
            ['0', '1']
        """
        store = {}
        self.save_own_variables(store)
        return store

    def load_state_dict(self, state_dict):
        """Restore a :meth:`state_dict` (see :meth:`load_own_variables`).

        Example:
            >>> from lamina.optimizers import Adam
            >>> opt = Adam()
            >>> opt.load_state_dict(Adam(0.5).state_dict())
            >>> float(opt.learning_rate)
            0.5
        """
        self.load_own_variables(state_dict)

    def get_weights(self):
        """The state as a list of NumPy arrays, in :attr:`variables` order (Keras 2).

        Example:
            >>> from lamina.optimizers import SGD
            >>> len(SGD().get_weights())
            2
        """
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights):
        """Set the state from a list of arrays in :attr:`variables` order (Keras 2).

        Example:
            >>> from lamina.optimizers import SGD
            >>> opt = SGD()
            >>> opt.set_weights([3, 0.25])
            >>> int(opt.iterations)
            3
        """
        self.load_own_variables({str(i): w for i, w in enumerate(weights)})
