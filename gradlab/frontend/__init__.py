"""The faces a program sees: TensorFlow 1 (``Session``, ``Variable``, ``train``) and the
functional API (``grad``, ``value_and_grad``). Each builds core nodes and runs plans."""
