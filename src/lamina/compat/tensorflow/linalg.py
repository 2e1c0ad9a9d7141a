"""``tf.linalg``: global_norm, norm, matmul and a few matrix functions.

Example:
    >>> from lamina.compat.tensorflow import linalg
    >>> linalg.global_norm([torch.tensor([3.0]), torch.tensor([4.0])]).item()
    5.0
"""
import torch

from lamina.autodiff import global_norm  # noqa: F401
from lamina.compat.tensorflow._subset import missing_names
from lamina.compat.tensorflow.array_ops import einsum, eye, matmul, norm, tensordot  # noqa: F401
from lamina.compat.tensorflow.math import l2_normalize  # noqa: F401
from lamina.compat.tensorflow.tensors import convert_to_tensor
from lamina.ops.dispatch import op

__all__ = ["global_norm", "norm", "matmul", "einsum", "tensordot", "eye", "l2_normalize", "inv", "det", "trace",
           "matrix_transpose", "diag", "diag_part", "matvec"]


def _matrix(fn, label, doc):
    def wrapped(input, name=None):
        return fn(convert_to_tensor(input))

    wrapped.__name__ = wrapped.__qualname__ = label
    wrapped.__doc__ = doc
    return op(wrapped)


inv = _matrix(torch.linalg.inv, "inv", "Inverse of (a batch of) square matrices.\n\n    Example:\n"
              "        >>> inv(torch.eye(2) * 2).tolist()\n        [[0.5, 0.0], [0.0, 0.5]]\n    ")
det = _matrix(torch.linalg.det, "det", "Determinant of (a batch of) square matrices.\n\n    Example:\n"
              "        >>> det(torch.eye(2) * 2).item()\n        4.0\n    ")
trace = _matrix(lambda x: torch.diagonal(x, dim1=-2, dim2=-1).sum(-1), "trace",
                "Sum of the diagonal of the last two axes.\n\n    Example:\n"
                "        >>> trace(torch.eye(3)).item()\n        3.0\n    ")
matrix_transpose = _matrix(lambda x: x.transpose(-1, -2), "matrix_transpose",
                           "Swap the last two axes.\n\n    Example:\n"
                           "        >>> matrix_transpose(torch.ones(2, 3)).shape\n        torch.Size([3, 2])\n    ")
diag = _matrix(torch.diag_embed, "diag", "A (batch of) diagonal matrices from the last axis.\n\n    Example:\n"
               "        >>> diag(torch.tensor([1.0, 2.0])).tolist()\n        [[1.0, 0.0], [0.0, 2.0]]\n    ")
diag_part = _matrix(lambda x: torch.diagonal(x, dim1=-2, dim2=-1), "diag_part",
                    "The diagonal of the last two axes.\n\n    Example:\n"
                    "        >>> diag_part(torch.eye(2)).tolist()\n        [1.0, 1.0]\n    ")


@op
def matvec(a, b, transpose_a=False, name=None):
    """Matrix-vector product ``a @ b`` over the last axes.

    Example:
        >>> matvec(torch.eye(2), torch.tensor([1.0, 2.0])).tolist()
        [1.0, 2.0]
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    if transpose_a:
        a = a.transpose(-1, -2)
    return torch.matmul(a, b.unsqueeze(-1)).squeeze(-1)


__getattr__ = missing_names("tf.linalg")
