import ArgumentParser
import Foundation
import Kindling

/// `kindling gpu bench`: the GPU workloads of issue 10, each timed after warm-up with the device
/// synchronized around the timed loop. `Benchmarks/peers/gpu_bench.py` runs the same ones in
/// PyTorch; `Tools/gpu/device-check.sh` runs both on one machine and prints the ratios.
struct GPUBenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Measures matmul, elementwise bandwidth and a CNN training step on a GPU.")

  @Option(help: "The device (cuda, cuda:1, opencl).")
  var device: String = "cuda"
  @Option(parsing: .upToNextOption, help: "Square matmul sizes.")
  var sizes: [Int] = [1024, 2048, 4096, 8192]
  @Option(help: "Elements of the elementwise workloads.")
  var elements: Int = 64 << 20
  @Option(help: "Batch size of the CNN training step.")
  var batch: Int = 256
  @Option(help: "Seconds to spend timing each workload (after warm-up).")
  var seconds: Double = 1

  func run() throws {
    guard let device = try gpuDevices([device]).first else { throw CLIError("no device \(device)") }
    // Seconds per call; `hostShare` is the part of them spent queuing work (outside the
    // synchronizations): near 1 when the host, not the GPU, sets the pace.
    var hostShare = 0.0
    func time(_ body: () throws -> Void) throws -> Double {
      for _ in 0..<3 { try body() }
      try CUDA.synchronize(device)
      var iterations = 0
      var queuing = 0.0
      let start = Date()
      repeat {
        let callStart = Date()
        try body()
        queuing += Date().timeIntervalSince(callStart)
        iterations += 1
        if iterations % 4 == 0 { try CUDA.synchronize(device) }
      } while Date().timeIntervalSince(start) < seconds
      try CUDA.synchronize(device)
      let total = Date().timeIntervalSince(start)
      hostShare = queuing / total
      return total / Double(iterations)
    }
    // A workload that throws prints its error (one column, which the ratio script skips) and the
    // next one still runs.
    func measure(_ name: String, _ body: () throws -> Void) {
      do { try body() } catch { print("\(name)\tfailed: \(error)") }
    }
    print("workload\tseconds\trate")
    for n in sizes {
      measure("matmul.\(n).float32") {
        let a = try Tensor.randn([n, n]).to(device), b = try Tensor.randn([n, n]).to(device)
        let t = try time { _ = a.mm(b) }
        print(String(format: "matmul.%d.float32\t%.6e\t%.1f TFLOP/s", n, t, 2 * pow(Double(n), 3) / t / 1e12))
      }
    }
    measure("elementwise.\(elements)") {
      let x = try Tensor.randn([elements]).to(device), y = try Tensor.randn([elements]).to(device)
      let bytes = Double(elements * 4)
      let add = try time { _ = x + y }
      print(String(format: "add.%d\t%.6e\t%.0f GB/s", elements, add, 3 * bytes / add / 1e9))
      let inPlace = try time { x.add_(y) }
      print(String(format: "add_.%d\t%.6e\t%.0f GB/s", elements, inPlace, 3 * bytes / inPlace / 1e9))
      let relu = try time { _ = x.relu() }
      print(String(format: "relu.%d\t%.6e\t%.0f GB/s", elements, relu, 2 * bytes / relu / 1e9))
    }
    measure("train.cnn.b\(batch)") {
      manualSeed(0)
      let model = ModelKind.cnn.makeModel()
      try model.to(device)
      let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
      let images = try Tensor.randn([batch, 1, 28, 28]).to(device)
      let labels = try Tensor.randint(0, 10, [batch]).to(device)
      let step = try time {
        optimizer.zeroGrad()
        crossEntropy(model(images), labels).backward()
        optimizer.step()
      }
      print(
        String(
          format: "train.cnn.b%d\t%.6e\t%.0f samples/s (queuing %.0f%% of the time)", batch, step, Double(batch) / step,
          100 * hostShare))
    }
  }
}
