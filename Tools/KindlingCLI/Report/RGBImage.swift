import CKindlingZlib
import Foundation

/// An 8-bit RGB image with the few drawing operations the training plot needs, and a PNG
/// encoder (zlib from the system, nothing else).
struct RGBImage {
  let width: Int, height: Int
  private(set) var pixels: [UInt8]

  init(width: Int, height: Int) {
    (self.width, self.height) = (width, height)
    pixels = [UInt8](repeating: 255, count: width * height * 3)
  }

  mutating func set(_ x: Int, _ y: Int, _ color: (UInt8, UInt8, UInt8)) {
    guard x >= 0, y >= 0, x < width, y < height else { return }
    let i = (y * width + x) * 3
    (pixels[i], pixels[i + 1], pixels[i + 2]) = color
  }

  mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: (UInt8, UInt8, UInt8)) {
    for row in y..<(y + h) { for column in x..<(x + w) { set(column, row, color) } }
  }

  /// A straight line, `thickness` pixels wide, by stepping along its longer axis.
  mutating func line(from a: (Double, Double), to b: (Double, Double), color: (UInt8, UInt8, UInt8), thickness: Int = 1) {
    let steps = max(1, Int(max(abs(b.0 - a.0), abs(b.1 - a.1)).rounded(.up)))
    for step in 0...steps {
      let t = Double(step) / Double(steps)
      let x = Int((a.0 + (b.0 - a.0) * t).rounded()), y = Int((a.1 + (b.1 - a.1) * t).rounded())
      for dx in 0..<thickness { for dy in 0..<thickness { set(x + dx - thickness / 2, y + dy - thickness / 2, color) } }
    }
  }

  /// The image as a PNG file: signature, IHDR, one zlib-compressed IDAT, IEND.
  var png: Data {
    var raw = [UInt8]()
    raw.reserveCapacity((width * 3 + 1) * height)
    for row in 0..<height {
      raw.append(0)  // filter type: none
      raw += pixels[(row * width * 3)..<((row + 1) * width * 3)]
    }
    var compressedSize = compressBound(uLong(raw.count))
    var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
    _ = compress2(&compressed, &compressedSize, raw, uLong(raw.count), 9)
    var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    var header = Data()
    header.appendBigEndian(UInt32(width))
    header.appendBigEndian(UInt32(height))
    header += [8, 2, 0, 0, 0]  // 8-bit depth, truecolor, deflate, no filter, no interlace
    data.appendChunk("IHDR", header)
    data.appendChunk("IDAT", Data(compressed[0..<Int(compressedSize)]))
    data.appendChunk("IEND", Data())
    return data
  }
}

extension Data {
  mutating func appendBigEndian(_ value: UInt32) {
    append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
  }

  /// A PNG chunk: length, type, data, CRC-32 of type and data.
  mutating func appendChunk(_ type: String, _ body: Data) {
    appendBigEndian(UInt32(body.count))
    let typed = Data(type.utf8) + body
    append(typed)
    let crc = typed.withUnsafeBytes { crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt($0.count)) }
    appendBigEndian(UInt32(crc))
  }
}
