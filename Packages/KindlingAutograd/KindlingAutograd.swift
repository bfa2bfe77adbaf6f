// Autograd builds on the tensor layer: importing it brings `Tensor`, and grad mode
// (`noGrad`, `enableGrad`, `GradMode`), which lives beside the op funnel in KindlingTensor.
@_exported import KindlingTensor
