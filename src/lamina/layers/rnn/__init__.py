"""Recurrent layers: cells, the ``RNN`` loop, SimpleRNN/LSTM/GRU (fused kernels), wrappers and ConvLSTM.

Example:
    >>> from lamina.layers.rnn import LSTM
    >>> LSTM(4)(torch.ones(1, 3, 2)).shape
    torch.Size([1, 4])
"""
import torch  # noqa: F401  (used by the examples)

from lamina.layers.rnn.bidirectional import Bidirectional
from lamina.layers.rnn.gru import GRU, GRUCell
from lamina.layers.rnn.lstm import LSTM, LSTMCell
from lamina.layers.rnn.rnn import RNN
from lamina.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells
from lamina.layers.rnn.time_distributed import TimeDistributed
from lamina.layers.rnn.conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, ConvLSTMCell
