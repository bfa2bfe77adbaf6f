import KindlingAutograd
import KindlingStorage
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingGPU

/// `text` as PyTorch prints the same tensors on `device`: `device='…'` added to each `tensor(…)`
/// before its other suffixes (`dtype=`, `grad_fn=`, `requires_grad=`), as PyTorch's repr does.
func onDevice(_ text: String, _ device: Device) -> String {
  var out = ""
  var rest = Substring(text)
  while let start = rest.range(of: "tensor(") {
    out += rest[..<start.upperBound]
    rest = rest[start.upperBound...]
    // The tensor's text runs to its closing parenthesis (values and suffixes hold none).
    guard let close = rest.firstIndex(of: ")") else { break }
    let body = rest[..<close]
    let suffix = ["dtype=", "grad_fn=", "requires_grad="].compactMap { body.range(of: ", " + $0)?.lowerBound }.min()
    if let suffix {
      out += body[..<suffix] + ", device='\(device)'" + body[suffix...]
    } else {
      out += body + ", device='\(device)'"
    }
    rest = rest[close...]
  }
  return out + rest
}

/// ../shared/SEED_TOUR.md's autograd basics (T12) with every tensor on a GPU device: the same
/// values and nodes as on the CPU, printed as PyTorch prints CUDA tensors.
@Suite("Seed tour on a device: autograd basics (T12)")
struct DeviceSeedTourTests {
  /// T12's code on `device`; leaves are made on the CPU and moved (then marked), as
  /// `torch.tensor([1.], device=..., requires_grad=True)` makes them.
  func tour(_ device: Device) throws -> String {
    var lines: [String] = []
    func show(_ items: Any...) { lines.append(items.map { "\($0)" }.joined(separator: " ")) }
    func leaf(_ values: [Double]) throws -> Tensor {
      let t = try Tensor(values, dtype: .float32).to(device)
      t.requiresGrad = true
      return t
    }
    var x = try leaf([1]), y = x.pow(2)
    show(y); show(x.grad as Any); y.backward(); show(x.grad!)
    x = try leaf([1]); y = x.pow(2); y.retainGrad(); let z = 3 * y
    show(z); z.backward(); show(x.grad!, y.grad!)
    x = try leaf([1]); let w = try leaf([1])
    let q = 2 * x.pow(2) + w.pow(2); show(q); q.backward(); show(x.grad!, w.grad!)
    x = try leaf([1, 2, 3]); y = x.pow(2).sum(); y.backward(); show(y); show(x.grad!)
    return lines.joined(separator: "\n")
  }

  static let expected = SeedTourText.t12

  @Test("the CPU run prints the tour's text")
  func cpu() throws {
    #expect(try tour(.cpu) == Self.expected)
  }

  @Test("a device run prints the tour's values and nodes with the device", arguments: ConformanceDevices.available)
  func device(device: Device) throws {
    #expect(try tour(device) == onDevice(Self.expected, device))
  }

  @Test("device suffixes go where PyTorch puts them")
  func suffixes() {
    #expect(
      onDevice(
        "tensor([1, 2], dtype=torch.int32) tensor(3.) tensor([[1.],\n        [2.]], grad_fn=<MulBackward0>)", .cuda)
        == "tensor([1, 2], device='cuda:0', dtype=torch.int32) tensor(3., device='cuda:0') "
        + "tensor([[1.],\n        [2.]], device='cuda:0', grad_fn=<MulBackward0>)")
  }
}
