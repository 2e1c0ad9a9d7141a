"""The bottom floor of lamina: configuration, variables, names and symbolic tensors.

Nothing in here imports from the rest of lamina; everything else may import from here.
"""
