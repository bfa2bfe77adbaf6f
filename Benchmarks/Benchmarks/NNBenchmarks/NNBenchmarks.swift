// Benchmarks of KindlingNN: single layers at the shapes of ../shared/bench/conv_fwd_bwd.py
// (float32, NCHW contiguous, seed 0):
//
//   layer.conv.fwd      Conv2d(32, 64, 3) on x[64, 32, 28, 28] under noGrad (1.595 GFLOP)
//   layer.conv.fwdbwd   y = conv(xg); y.backward(g) with a fixed g; grads reset to nil each rep
//                       (dX, dW, db: ~3× the forward FLOPs)
//   layer.linear.fwd    Linear(1024, 1024) on x[256, 1024] under noGrad (0.537 GFLOP)
//   layer.linear.fwdbwd as conv.fwdbwd
//
// Kindling's GEMMs split across BLAS.threadCount threads (2 here, one OpenBLAS call per block) and
// im2col/col2im across every core, all on Kindling's worker pool: compare with
// torch.set_num_threads(2). One step per sample.
//
// TrainStep.swift adds whole training steps of the MLP and the CNN of ../shared/bench
// at batch 64 and 256 (train.mlp.b64.t1 ... train.cnn.b256.t2).

import Benchmark
import KindlingNN

/// One layer with its input, a requires-grad copy and the upstream gradient.
private final class LayerCase: @unchecked Sendable {
  let layer: Module
  let x: Tensor
  let xg: Tensor
  let g: Tensor

  init(_ layer: Module, input: Tensor) {
    self.layer = layer
    x = input
    xg = input.detach().clone()
    xg.requiresGrad = true
    g = noGrad { Tensor.randnLike(layer(input)) }
  }

  func forward() -> Tensor { noGrad { layer(x) } }

  func forwardBackward() {
    layer(xg).backward(gradient: g)
    xg.grad = nil
    for p in layer.parameters() { p.grad = nil }
  }
}

private let conv: LayerCase = {
  manualSeed(0)
  let layer = Conv2d(32, 64, kernelSize: 3)
  return LayerCase(layer, input: Tensor.randn([64, 32, 28, 28]))
}()

private let linear: LayerCase = {
  manualSeed(0)
  let layer = Linear(1024, 1024)
  return LayerCase(layer, input: Tensor.randn([256, 1024]))
}()

let benchmarks: @Sendable () -> Void = {
  var configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 3,
    scalingFactor: .one,
    maxDuration: .seconds(2),
    maxIterations: 100,
    thresholds: [.mallocCountTotal: .strict]
  )
  configuration.timeUnits = .microseconds
  let layers: [(String, @Sendable () -> LayerCase)] = [("conv", { conv }), ("linear", { linear })]
  for (name, layerCase) in layers {
    Benchmark("layer.\(name).fwd", configuration: configuration) { benchmark in
      let c = layerCase()
      for _ in benchmark.scaledIterations { blackHole(c.forward()) }
    } setup: {
      _ = layerCase()
    }
    Benchmark("layer.\(name).fwdbwd", configuration: configuration) { benchmark in
      let c = layerCase()
      for _ in benchmark.scaledIterations { c.forwardBackward() }
    } setup: {
      _ = layerCase()
    }
  }
  trainStepBenchmarks()
}
