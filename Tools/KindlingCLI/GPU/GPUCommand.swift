import ArgumentParser
import Foundation
import Kindling

/// `kindling gpu check|bench`: what a machine with a GPU runs to check and measure the backend
/// (a static build of this binary needs no Swift there; see CONTRIBUTING.md, "Inside KindlingGPU").
struct GPUCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gpu",
    abstract: "Check the GPU backend against the CPU, or measure it.",
    subcommands: [GPUCheckCommand.self, GPUBenchCommand.self])
}

/// The devices named on the command line, or every one this machine can use.
func gpuDevices(_ names: [String]) throws -> [Device] {
  if !names.isEmpty {
    return try names.map { name in
      guard let device = Device(name), device != .cpu else { throw ValidationError("Unknown GPU device '\(name)'.") }
      return device
    }
  }
  var devices: [Device] = []
  if CUDA.isAvailable { devices += (0..<CUDA.deviceCount).map { .cuda($0) } }
  if (try? Tensor.zeros([1]).to(.opencl)) != nil { devices.append(.opencl) }
  return devices
}

struct GPUCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Runs each op family and a short training run on the GPU and on the CPU, and compares them.")

  @Option(
    name: .customLong("device"), help: "A device to check (cuda, cuda:1, opencl); repeat for several. Default: all.")
  var devices: [String] = []

  func run() throws {
    let devices = try gpuDevices(devices)
    guard !devices.isEmpty else {
      throw CLIError("no GPU device here: \(CUDA.unavailableReason ?? "CUDA unavailable"); no OpenCL device either.")
    }
    var failures = 0
    for device in devices {
      print("\(device): \(device.isCUDA ? (try? CUDA.properties(of: device.index).name) ?? "" : "OpenCL")")
      // A check that throws is reported and counted, and the next one still runs.
      for check in GPUChecks.all {
        do {
          let error = try check.maxError(device)
          let ok = error <= check.tolerance
          if !ok { failures += 1 }
          print(
            String(
              format: "  %@  %-44@ max error %.2e (tolerance %.0e)", ok ? "ok  " : "FAIL", check.name, error,
              check.tolerance))
        } catch {
          failures += 1
          print("  FAIL  \(check.name): \(error)")
        }
      }
    }
    if failures > 0 { throw CLIError("\(failures) GPU check\(failures == 1 ? "" : "s") failed") }
  }
}
