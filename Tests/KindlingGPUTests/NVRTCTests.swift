import Foundation
import Testing

@testable import KindlingGPU

/// Whether the NVRTC tests run: when NVRTC is found here, or when `KINDLING_NVRTC` is set (as
/// `make test` sets it), so that a broken NVRTC fails instead of skipping.
private let nvrtcEnabled =
  (try? NVRTC.shared.get()) != nil || ProcessInfo.processInfo.environment["KINDLING_NVRTC"] != nil

@Suite("NVRTC", .enabled(if: nvrtcEnabled, "NVRTC not found: pip install nvidia-cuda-nvrtc, or set KINDLING_NVRTC"))
struct NVRTCTests {
  static let kernels = [
    (TestKernels.axpy, "axpy"), (TestKernels.blockSum, "block_sum"), (TestKernels.gatherScale, "gather_scale"),
  ]

  @Test("the dialect's kernels compile to CUBINs (ELF) that contain the kernels", arguments: ["sm_80", "sm_90"])
  func compiles(architecture: String) throws {
    for (source, name) in Self.kernels {
      let image = try NVRTC.compile(source, architecture: architecture)
      #expect(image.count > 64)
      #expect(image.starts(with: [0x7F, 0x45, 0x4C, 0x46]), "\(name) for \(architecture) is not an ELF file")
      #expect(String(decoding: image, as: UTF8.self).contains(name))
    }
  }

  @Test("a source that does not compile throws .compilation with NVRTC's log")
  func compilationError() {
    do {
      _ = try NVRTC.compile(TestKernels.broken, architecture: "sm_80")
      Issue.record("expected a compilation error")
    } catch {
      guard case .compilation(let name, let log) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(name == "NVRTC")
      #expect(log.contains("undeclared_thing"))
    }
  }

  @Test("an architecture this NVRTC predates falls back to PTX for the newest one it knows")
  func ptxFallback() throws {
    let nvrtc = try NVRTC.shared.get()
    try #require(!nvrtc.supportedArchitectures.isEmpty)
    let newest = try #require(nvrtc.supportedArchitectures.max())
    let target = try nvrtc.target(for: "sm_\(newest + 1)")
    #expect(target.name == "compute_\(newest)" && !target.isCUBIN)
    let image = try nvrtc.compile(TestKernels.axpy, architecture: "sm_\(newest + 1)")
    let ptx = String(decoding: image.dropLast(), as: UTF8.self)
    #expect(image.last == 0 && ptx.contains(".entry axpy"))
    #expect(throws: GPUError.self) { try nvrtc.target(for: "gfx90a") }
  }
}

@Suite("Every generated kernel compiles for CUDA", .enabled(if: nvrtcEnabled, "NVRTC not found: pip install nvidia-cuda-nvrtc, or set KINDLING_NVRTC"))
struct KernelCatalogNVRTCTests {
  @Test("NVRTC compiles every kernel the GPU backend can generate, for sm_80")
  func catalog() throws {
    let recipes = KernelRecipes.all
    #expect(recipes.count > 100)
    for recipe in recipes {
      do {
        let image = try NVRTC.compile(recipe.source(), architecture: "sm_80")
        let text = String(decoding: image, as: UTF8.self)
        for name in recipe.names { #expect(text.contains(name), "\(recipe.key): \(name) missing from the CUBIN") }
      } catch {
        Issue.record("\(recipe.key): \(error)")
      }
    }
  }
}
