import Foundation
import Testing

@testable import KindlingGPU

@Suite("Library locator")
struct LibraryLocatorTests {
  @Test("the environment variable, when set, is the only candidate")
  func environmentFirst() {
    #expect(
      LibraryLocator.nvrtc.candidates(environment: ["KINDLING_NVRTC": "/x/libnvrtc.so.13"]) == ["/x/libnvrtc.so.13"])
  }

  @Test("sonames come first, then the pip wheels' directories of the virtual environments")
  func wheelDirectories() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-locator-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let lib = "\(root)/venv/lib/python3.12/site-packages/nvidia/cu13/lib"
    try FileManager.default.createDirectory(atPath: lib, withIntermediateDirectories: true)
    for name in ["libnvrtc.so.13", "libnvrtc-builtins.so.13.0", "libcublas.so.13", "libcublasLt.so.13"] {
      #expect(FileManager.default.createFile(atPath: "\(lib)/\(name)", contents: Data()))
    }
    let environment = ["VIRTUAL_ENV": "\(root)/venv"]
    let nvrtc = LibraryLocator.nvrtc.candidates(environment: environment, currentDirectory: root)
    #expect(nvrtc.prefix(2) == ["libnvrtc.so", "libnvrtc.so.13"])
    #expect(nvrtc.contains("\(lib)/libnvrtc.so.13") && !nvrtc.contains("\(lib)/libnvrtc-builtins.so.13.0"))
    let cublas = LibraryLocator.cublas.candidates(environment: environment, currentDirectory: root)
    #expect(cublas.contains("\(lib)/libcublas.so.13") && !cublas.contains("\(lib)/libcublasLt.so.13"))
  }

  @Test("when nothing opens, the error lists every path tried and how to install the library")
  func notFound() {
    do {
      _ = try LibraryLocator.nvrtc.load(environment: ["KINDLING_NVRTC": "/nonexistent/libnvrtc.so"]) {
        (path: String) -> Result<Int, LibraryLocator.Failure> in .failure(.init("no such file"))
      }
      Issue.record("expected .unavailable")
    } catch {
      #expect(
        error
          == .unavailable(
            "NVRTC (CUDA's run-time compiler) is not available. Tried:\n  - /nonexistent/libnvrtc.so: no such file\n"
              + LibraryLocator.nvrtc.installHint))
      #expect(error.description.contains("pip install nvidia-cuda-nvrtc"))
    }
  }
}
