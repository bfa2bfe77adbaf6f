// Layers and losses build on tensors and autograd: importing KindlingNN brings both.
@_exported import KindlingAutograd
