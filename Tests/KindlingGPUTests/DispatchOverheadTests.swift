import Foundation
import KindlingStorage
import KindlingTensor
import Testing

@testable import KindlingGPU

/// A runtime that runs nothing: memory is host memory, launches return at once. It measures what
/// the backend itself costs per op, apart from any GPU.
final class NullRuntime: KernelRuntime, @unchecked Sendable {
  final class Kernel: KernelFunction, @unchecked Sendable {
    let name: String
    init(_ name: String) { self.name = name }
  }
  let name = "null"
  let dialect = KernelDialect.cuda
  var launches = 0
  func allocate(byteCount: Int) throws(GPUError) -> UnsafeMutableRawPointer {
    .allocate(byteCount: byteCount, alignment: 64)
  }
  func free(_ buffer: UnsafeMutableRawPointer) { buffer.deallocate() }
  func memoryInfo() throws(GPUError) -> (free: Int, total: Int) { (0, 0) }
  func copyToDevice(from host: UnsafeRawPointer, to buffer: UnsafeMutableRawPointer, offset: Int, byteCount: Int) {
    (buffer + offset).copyMemory(from: host, byteCount: byteCount)
  }
  func copyToHost(from buffer: UnsafeMutableRawPointer, offset: Int, to host: UnsafeMutableRawPointer, byteCount: Int) {
    host.copyMemory(from: buffer + offset, byteCount: byteCount)
  }
  func copy(
    from source: UnsafeMutableRawPointer, offset sourceOffset: Int, to destination: UnsafeMutableRawPointer,
    offset destinationOffset: Int, byteCount: Int
  ) {
    (destination + destinationOffset).copyMemory(from: source + sourceOffset, byteCount: byteCount)
  }
  func synchronize() {}
  func compile(_ source: String, kernels: [String]) -> [String: any KernelFunction] {
    Dictionary(uniqueKeysWithValues: kernels.map { ($0, Kernel($0) as any KernelFunction) })
  }
  func launch(_ kernel: any KernelFunction, blocks: Int, threadsPerBlock: Int, arguments: [KernelArgument]) {
    launches += 1
  }
  var blas: (any DeviceBLAS)? { nil }
}

@Suite("GPU backend overhead")
struct DispatchOverheadTests {
  @Test("the backend's own work per elementwise op, with a runtime that runs nothing, stays small")
  func overhead() throws {
    let runtime = NullRuntime()
    let backend = GPUBackend(runtime: runtime, device: .cuda(9))
    let storage = try Storage(byteCount: 64 * 4, allocator: backend.memory)
    let (a, b) = (
      Tensor(storage: storage, shape: [8, 8], strides: [8, 1], dtype: .float32),
      Tensor(storage: storage, shape: [8], strides: [1], dtype: .float32)
    )
    let out = Tensor(storage: storage, shape: [8, 8], strides: [8, 1], dtype: .float32)
    let add = ElementwiseFunction(name: "AddOp", parameters: [1])
    let n = 20_000
    let broadcast = b.expand([8, 8])
    let start = Date()
    for _ in 0..<n { try backend.run(.zip(add, a, broadcast, output: out)) }
    let perOp = Date().timeIntervalSince(start) / Double(n)
    let layoutStart = Date()
    for _ in 0..<n { _ = KernelLayout([out, a, broadcast]).argument }
    print("  of which the layout and its bytes: \(Date().timeIntervalSince(layoutStart) / Double(n) * 1e6) µs")
    print("GPU backend overhead per elementwise op: \(perOp * 1e6) µs")
    #expect(runtime.launches == n)
    #expect(perOp < 200e-6)  // a loose bound for debug builds on a loaded machine; the figure is printed
  }
}
