import Foundation

/// The training curves of a run — loss (train and test) and test accuracy against the epoch —
/// laid out once and drawn as SVG (``svg``) or as pixels for a PNG (``raster(scale:)``).
struct CurvePlot {
  struct Series {
    var name: String
    var color: (red: UInt8, green: UInt8, blue: UInt8)
    var values: [Double]
    var hex: String { String(format: "#%02x%02x%02x", color.red, color.green, color.blue) }
  }

  struct Panel {
    var title: String
    var series: [Series]
    /// The panel's frame in plot coordinates (pixels at scale 1).
    var x: Double, y: Double, width: Double, height: Double

    var range: (low: Double, high: Double) {
      let values = series.flatMap(\.values).filter(\.isFinite)
      guard var low = values.min(), var high = values.max() else { return (0, 1) }
      if high - low < 1e-12 { low -= 0.5; high += 0.5 }
      let margin = (high - low) * 0.05
      return (low - margin, high + margin)
    }

    /// The points of one series in plot coordinates; epochs run 1...n along x.
    func points(_ series: Series) -> [(Double, Double)] {
      let (low, high) = range
      let count = max(series.values.count, 2)
      return series.values.enumerated().compactMap { index, value in
        guard value.isFinite else { return nil }
        let px = x + width * Double(index) / Double(count - 1)
        let py = y + height * (1 - (value - low) / (high - low))
        return (px, py)
      }
    }
  }

  static let width = 800.0, height = 360.0
  var panels: [Panel]

  init(epochs: [EpochMetrics]) {
    let blue = (red: UInt8(31), green: UInt8(119), blue: UInt8(180))
    let orange = (red: UInt8(255), green: UInt8(127), blue: UInt8(14))
    let green = (red: UInt8(44), green: UInt8(160), blue: UInt8(44))
    panels = [
      Panel(
        title: "loss", series: [
          Series(name: "train loss", color: blue, values: epochs.map(\.trainLoss)),
          Series(name: "test loss", color: orange, values: epochs.map(\.testLoss)),
        ], x: 60, y: 40, width: 300, height: 260),
      Panel(
        title: "test accuracy (%)", series: [
          Series(name: "test accuracy", color: green, values: epochs.map { $0.testAccuracy * 100 })
        ], x: 460, y: 40, width: 300, height: 260),
    ]
  }

  /// The plot as a standalone SVG document.
  var svg: String {
    var out = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" "
        + "viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" font-family=\"sans-serif\" font-size=\"12\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
    ]
    for panel in panels {
      let (low, high) = panel.range
      out.append(
        "<rect x=\"\(panel.x)\" y=\"\(panel.y)\" width=\"\(panel.width)\" height=\"\(panel.height)\" fill=\"none\" stroke=\"#444\"/>")
      out.append(
        "<text x=\"\(panel.x + panel.width / 2)\" y=\"\(panel.y - 12)\" text-anchor=\"middle\" font-size=\"14\">\(panel.title)</text>")
      for tick in 0...4 {
        let value = low + (high - low) * Double(tick) / 4
        let ty = panel.y + panel.height * (1 - Double(tick) / 4)
        out.append("<text x=\"\(panel.x - 6)\" y=\"\(ty + 4)\" text-anchor=\"end\">\(String(format: "%.3g", value))</text>")
        out.append("<line x1=\"\(panel.x)\" y1=\"\(ty)\" x2=\"\(panel.x + panel.width)\" y2=\"\(ty)\" stroke=\"#ddd\"/>")
      }
      out.append(
        "<text x=\"\(panel.x + panel.width / 2)\" y=\"\(panel.y + panel.height + 28)\" text-anchor=\"middle\">epoch</text>")
      for (index, series) in panel.series.enumerated() {
        let points = panel.points(series).map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
        out.append("<polyline fill=\"none\" stroke=\"\(series.hex)\" stroke-width=\"2\" points=\"\(points)\"/>")
        let ly = panel.y + 16 + Double(index) * 16
        out.append(
          "<rect x=\"\(panel.x + 8)\" y=\"\(ly - 9)\" width=\"10\" height=\"10\" fill=\"\(series.hex)\"/>"
            + "<text x=\"\(panel.x + 24)\" y=\"\(ly)\">\(series.name)</text>")
      }
    }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  /// The plot as RGB pixels (frames, grid lines, curves and legend swatches; no text),
  /// `scale` pixels per plot unit.
  func raster(scale: Double = 1) -> RGBImage {
    var image = RGBImage(width: Int(Self.width * scale), height: Int(Self.height * scale))
    for panel in panels {
      for tick in 0...4 {
        let ty = (panel.y + panel.height * Double(tick) / 4) * scale
        image.line(from: (panel.x * scale, ty), to: ((panel.x + panel.width) * scale, ty), color: (221, 221, 221))
      }
      let corners = [(panel.x, panel.y), (panel.x + panel.width, panel.y), (panel.x + panel.width, panel.y + panel.height), (panel.x, panel.y + panel.height)]
      for i in 0..<4 {
        let a = corners[i], b = corners[(i + 1) % 4]
        image.line(from: (a.0 * scale, a.1 * scale), to: (b.0 * scale, b.1 * scale), color: (68, 68, 68))
      }
      for (index, series) in panel.series.enumerated() {
        let points = panel.points(series).map { ($0.0 * scale, $0.1 * scale) }
        for (a, b) in zip(points, points.dropFirst()) { image.line(from: a, to: b, color: series.color, thickness: 2) }
        let ly = (panel.y + 7 + Double(index) * 16) * scale
        image.fill(x: Int((panel.x + 8) * scale), y: Int(ly), width: Int(10 * scale), height: Int(10 * scale), color: series.color)
      }
    }
    return image
  }
}
