// The umbrella module: `import Kindling` brings in every layer.
@_exported import KindlingAutograd
@_exported import KindlingData
@_exported import KindlingGPU
@_exported import KindlingLinalg
@_exported import KindlingNN
@_exported import KindlingOptim
@_exported import KindlingStorage
@_exported import KindlingTensor
