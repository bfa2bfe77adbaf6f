import CKindlingZlib
import Foundation
import Testing

@testable import KindlingCLI

@Suite("Training reports: progress, metrics, plots, confusion matrix, text art")
struct ReportTests {
  let epochs = [
    EpochMetrics(epoch: 1, trainLoss: 0.6, testLoss: 0.45, testAccuracy: 0.84, learningRate: 0.05, seconds: 10, samplesPerSecond: 6000),
    EpochMetrics(epoch: 2, trainLoss: 0.4, testLoss: 0.38, testAccuracy: 0.865, learningRate: 0.05, seconds: 9.5, samplesPerSecond: 6300),
    EpochMetrics(epoch: 3, trainLoss: 0.35, testLoss: 0.36, testAccuracy: 0.872, learningRate: 0.05, seconds: 9.4, samplesPerSecond: 6350),
  ]

  @Test("a progress line shows batches, loss, throughput and ETA; the bar fills in proportion")
  func progressLine() {
    let line = ProgressBar.render(
      label: "epoch 1/2", completed: 470, total: 940, runningLoss: 0.51234, samplesPerSecond: 2410.4, eta: 72, barWidth: 10)
    #expect(line == "epoch 1/2 [█████░░░░░] 470/940  loss 0.5123  2410 samples/s  ETA 1:12")
  }

  @Test("without a terminal the bar becomes four plain lines per epoch")
  func plainLines() {
    var written: [String] = []
    let bar = ProgressBar(label: "epoch 1/1", total: 100, isTerminal: false) { written.append($0) }
    for batch in 1...100 { bar.update(completed: batch, runningLoss: 1, samplesPerSecond: 100) }
    bar.finish()
    #expect(written.count == 4)
    #expect(written.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\u{1B}") })
    #expect(written.last!.contains("100/100"))
  }

  @Test("a sparkline maps the lowest value to the lowest block and the highest to the full block")
  func sparklineShape() {
    #expect(sparkline([3, 2, 1.5, 1]) == "█▅▃▁")
    #expect(sparkline([]) == "")
    #expect(sparkline([2, 2]) == "▄▄")
  }

  @Test("metrics.csv has a header and one row per epoch; the summary lists every epoch")
  func csvAndSummary() {
    let lines = EpochMetrics.csv(epochs).split(separator: "\n")
    #expect(lines.count == 4 && lines[0] == Substring(EpochMetrics.csvHeader))
    #expect(lines[2] == "2,0.4,0.38,0.865,0.05,9.5,6300.0")
    #expect(EpochMetrics.summaryTable(epochs).contains("86.50%"))
  }

  @Test("the SVG plot draws each series through every epoch")
  func svgPlot() {
    let svg = CurvePlot(epochs: epochs).svg
    #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
    let polylines = svg.components(separatedBy: "<polyline").dropFirst()
    #expect(polylines.count == 3)
    for line in polylines {
      let points = line.split(separator: "\"")[7].split(separator: " ")
      #expect(points.count == 3)
    }
  }

  @Test("the PNG is a valid image: signature, IHDR size, and pixel rows that inflate to the image")
  func pngPlot() throws {
    let image = CurvePlot(epochs: epochs).raster()
    let png = [UInt8](image.png)
    #expect(png.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    func be32(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
    #expect(be32(16) == 800 && be32(20) == 360)
    let idatLength = be32(33)
    #expect(String(decoding: png[37..<41], as: UTF8.self) == "IDAT")
    let compressed = Array(png[41..<41 + idatLength])
    var size = uLong(361 * 2401)
    var raw = [UInt8](repeating: 0, count: Int(size))
    #expect(uncompress(&raw, &size, compressed, uLong(compressed.count)) == Z_OK)
    #expect(size == 360 * (800 * 3 + 1))
    // Some pixels carry the curve colours, most stay white.
    let colored = stride(from: 0, to: Int(size), by: 3).filter { raw[$0] == 31 && raw[$0 + 1] == 119 }.count
    #expect(colored > 100)
  }

  @Test("the confusion matrix counts pairs and gives overall and per-class accuracy")
  func confusion() {
    var matrix = ConfusionMatrix(classNames: ["T-shirt/top", "Trouser", "Pullover"])
    for (label, prediction) in [(0, 0), (0, 2), (1, 1), (2, 2), (2, 2), (2, 0)] { matrix.add(label: label, prediction: prediction) }
    #expect(matrix.counts == [[1, 0, 1], [0, 1, 0], [1, 0, 2]])
    #expect(matrix.accuracy == 4.0 / 6)
    #expect(matrix.perClassAccuracy == [0.5, 1, 2.0 / 3])
    #expect(matrix.table.split(separator: "\n").count == 4)
  }

  @Test("text art shows dark pixels as blanks and bright ones as dense characters, two per pixel")
  func art() {
    let art = textArt([0, 1, 0.5, 0], width: 2, height: 2)
    #expect(art == "  @@\n++")
  }
}
