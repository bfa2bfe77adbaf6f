import CKindlingOpenCL
import Foundation

/// The OpenCL ICD loader (`libOpenCL.so.1`), opened with ``LibraryLocator/openCL``, and the
/// checks that turn its status codes into ``GPUError``s.
final class OpenCLLibrary: @unchecked Sendable {
  let api: kd_opencl
  /// Where the library was found.
  let path: String

  /// Opens the loader found by ``LibraryLocator/openCL`` in `environment`.
  ///
  /// - Throws: ``GPUError/unavailable(_:)`` naming every path tried and how to install OpenCL.
  init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(GPUError) {
    (api, path) = try LibraryLocator.openCL.open(kd_opencl(), environment: environment, with: kd_opencl_open)
  }

  deinit {
    var api = self.api
    kd_opencl_close(&api)
  }

  /// Throws ``GPUError/call(runtime:function:code:message:)`` unless `status` is `CL_SUCCESS`.
  func check(_ status: kd_cl_int, _ function: String) throws(GPUError) {
    guard status != 0 else { return }
    throw .call(runtime: "OpenCL", function: function, code: Int(status), message: Self.name(of: status))
  }

  /// The name of an OpenCL status code, as the headers spell it.
  static func name(of status: kd_cl_int) -> String {
    statusNames[status] ?? "unknown OpenCL error"
  }

  static let statusNames: [kd_cl_int: String] = [
    -1: "CL_DEVICE_NOT_FOUND", -2: "CL_DEVICE_NOT_AVAILABLE", -3: "CL_COMPILER_NOT_AVAILABLE",
    -4: "CL_MEM_OBJECT_ALLOCATION_FAILURE", -5: "CL_OUT_OF_RESOURCES", -6: "CL_OUT_OF_HOST_MEMORY",
    -11: "CL_BUILD_PROGRAM_FAILURE", -30: "CL_INVALID_VALUE", -32: "CL_INVALID_PLATFORM", -33: "CL_INVALID_DEVICE",
    -34: "CL_INVALID_CONTEXT", -36: "CL_INVALID_COMMAND_QUEUE", -38: "CL_INVALID_MEM_OBJECT",
    -44: "CL_INVALID_PROGRAM", -45: "CL_INVALID_PROGRAM_EXECUTABLE", -46: "CL_INVALID_KERNEL_NAME",
    -48: "CL_INVALID_KERNEL", -49: "CL_INVALID_ARG_INDEX", -50: "CL_INVALID_ARG_VALUE", -51: "CL_INVALID_ARG_SIZE",
    -52: "CL_INVALID_KERNEL_ARGS", -53: "CL_INVALID_WORK_DIMENSION", -54: "CL_INVALID_WORK_GROUP_SIZE",
    -55: "CL_INVALID_WORK_ITEM_SIZE", -61: "CL_INVALID_BUFFER_SIZE", -63: "CL_INVALID_GLOBAL_WORK_SIZE",
    -1001: "CL_PLATFORM_NOT_FOUND_KHR",
  ]

  /// A string-valued device or platform property (`CL_DEVICE_NAME`, …).
  func string(_ get: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> kd_cl_int) -> String {
    var size = 0
    guard get(0, nil, &size) == 0, size > 0 else { return "" }
    var text = [CChar](repeating: 0, count: size + 1)
    guard get(size, &text, nil) == 0 else { return "" }
    return String(nulTerminated: text)
  }

  /// A fixed-size device property (`CL_DEVICE_GLOBAL_MEM_SIZE`, …), or `nil` when the query fails.
  func deviceValue<T: FixedWidthInteger>(_ device: kd_cl_device?, _ name: kd_cl_uint, as type: T.Type) -> T? {
    var value: T = 0
    let status = withUnsafeMutableBytes(of: &value) { api.clGetDeviceInfo(device, name, $0.count, $0.baseAddress, nil) }
    return status == 0 ? value : nil
  }

  /// `CL_DEVICE_NAME` of `device`.
  func deviceName(_ device: kd_cl_device?) -> String {
    string { api.clGetDeviceInfo(device, 0x102B, $0, $1, $2) }
  }

  /// `CL_PLATFORM_NAME` of `platform`.
  func platformName(_ platform: kd_cl_platform?) -> String {
    string { api.clGetPlatformInfo(platform, 0x0902, $0, $1, $2) }
  }
}
