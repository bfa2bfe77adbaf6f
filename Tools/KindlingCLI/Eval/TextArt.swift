/// A grayscale image as text: each pixel two characters from a ramp of ten densities, so a
/// 28×28 image fits a terminal and keeps its proportions.
///
/// - Parameters:
///   - pixels: row-major intensities in [0, 1], `height · width` of them.
func textArt(_ pixels: [Float], width: Int, height: Int) -> String {
  let ramp = Array(" .:-=+*#%@")
  var lines: [String] = []
  for row in 0..<height {
    var line = ""
    for column in 0..<width {
      let value = min(max(pixels[row * width + column], 0), 1)
      let character = ramp[min(ramp.count - 1, Int(value * Float(ramp.count)))]
      line.append(character)
      line.append(character)
    }
    while line.hasSuffix(" ") { line.removeLast() }
    lines.append(line)
  }
  return lines.joined(separator: "\n")
}
