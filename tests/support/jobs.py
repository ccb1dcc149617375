"""A network small enough that a training job takes a second or two."""

from cnn_core.architecture import Architecture, ConvBlock, DenseLayer

TINY = Architecture(conv_blocks=(ConvBlock(4, 3),), dense_layers=(DenseLayer(8),))
