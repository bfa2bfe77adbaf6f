import Testing

@testable import KindlingStorage

@Suite("Device")
struct DeviceTests {
  @Test("prints as PyTorch prints devices")
  func printing() {
    #expect("\(Device.cpu)" == "cpu")
    #expect("\(Device.cuda)" == "cuda:0")
    #expect("\(Device.cuda(3))" == "cuda:3")
  }

  @Test("parses PyTorch device strings and rejects others")
  func parsing() {
    #expect(Device("cpu") == .cpu)
    #expect(Device("cuda") == .cuda)
    #expect(Device("cuda:2") == .cuda(2))
    #expect(Device("cuda:-1") == nil)
    #expect(Device("cpu:1") == nil)
    #expect(Device("tpu") == nil)
    #expect(Device("opencl") == .opencl && Device("opencl:1")?.description == "opencl:1")
    #expect(Device("cuda:1:2") == nil)
  }

  @Test("kinds")
  func kinds() {
    #expect(Device.cuda(1).isCUDA && !Device.cpu.isCUDA)
    #expect(Device.cuda(1) != Device.cuda)
    #expect(Device.cuda(1).index == 1)
  }
}
