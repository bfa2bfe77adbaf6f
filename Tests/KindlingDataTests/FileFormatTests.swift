import Foundation
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingData

/// `.npy` and `.npz` files written by NumPy (fixtures), and CSV files.
@Suite("NumPy and CSV files")
struct FileFormatTests {
  struct NPYCase: Decodable {
    let dtype: String
    let shape: [Int]
    let fortran: Bool
    let values: [FixtureNumber]
    let npy: String
    var bytes: [UInt8] { [UInt8](Data(base64Encoded: npy)!) }
  }
  struct ArrayValues: Decodable {
    let shape: [Int]
    let values: [Double]
  }
  struct Archive: Decodable {
    let compressed: Bool
    let npz: String
    let arrays: [String: ArrayValues]
    var bytes: [UInt8] { [UInt8](Data(base64Encoded: npz)!) }
  }
  struct Fixture: Decodable {
    let cases: [NPYCase]
    let archives: [Archive]
  }

  static let fixture = try! loadFixture("npy.json", as: Fixture.self)

  @Test("every NumPy dtype Kindling has loads from .npy in C and Fortran order, either byte order")
  func loadNPY() throws {
    #expect(Self.fixture.cases.count == 20)
    for c in Self.fixture.cases {
      let tensor = try NPY.parse(c.bytes, source: "case.npy")
      #expect(tensor.dtype == DType(pytorchName: c.dtype), "\(c.dtype) \(c.shape)")
      #expect(tensor.shape == c.shape && tensor.isContiguous, "\(c.dtype) \(c.shape)")
      #expect(tensor.scalars(as: Double.self) == c.values.map(\.value), "\(c.dtype) \(c.shape) fortran \(c.fortran)")
    }
  }

  @Test("saving writes the bytes numpy.save writes, in C and Fortran order")
  func saveMatchesNumPy() throws {
    var compared = 0
    for c in Self.fixture.cases where !String(decoding: c.bytes.prefix(80), as: UTF8.self).contains("'>") {
      let tensor = try NPY.parse(c.bytes, source: "case.npy")
      #expect(NPY.encode(tensor, fortranOrder: c.fortran) == c.bytes, "\(c.dtype) \(c.shape) fortran \(c.fortran)")
      compared += 1
    }
    #expect(compared == 18)
  }

  @Test("save is atomic: the file appears whole, no temporary file remains, and a failed save leaves nothing")
  func atomicSave() throws {
    try withTemporaryDirectory { directory in
      let path = directory.path + "/x.npy"
      let tensor = Tensor([[1.5, 2.5], [3.5, 4.5]]).to(.float64)
      try NPY.save(tensor, to: path)
      try NPY.save(tensor.t(), to: path, fortranOrder: true)  // replaces the old file
      let back = try NPY.load(contentsOf: path)
      #expect(back.scalars(as: Double.self) == [1.5, 3.5, 2.5, 4.5])
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["x.npy"])
      #expect(throws: DataSetError.self) { try NPY.save(tensor, to: directory.path + "/missing/x.npy") }
    }
  }

  @Test(".npz archives load, stored (savez) and deflated (savez_compressed)")
  func loadNPZ() throws {
    for archive in Self.fixture.archives {
      let arrays = try NPZ.parse(archive.bytes, source: "a.npz")
      #expect(arrays.keys == ["a", "b", "c"], "compressed \(archive.compressed)")
      for (name, expected) in archive.arrays {
        let tensor = try #require(arrays[name])
        #expect(tensor.shape == expected.shape && tensor.scalars(as: Double.self) == expected.values)
      }
      #expect(arrays["a"]?.dtype == .float32 && arrays["b"]?.dtype == .int64 && arrays["c"]?.dtype == .int32)
    }
  }

  @Test("a .npy header that lies, a wrong magic string, a bad descr throw errors naming the file and problem")
  func malformedNPY() throws {
    let good = NPY.encode(Tensor([1.0, 2.0, 3.0]))
    func problem(_ bytes: [UInt8]) -> String? {
      do {
        _ = try NPY.parse(bytes, source: "bad.npy")
        return nil
      } catch {
        guard case .malformed("bad.npy", ".npy", let problem) = error else { return "wrong case \(error)" }
        #expect(error.description.hasPrefix("bad.npy is not a valid .npy file: "))
        return problem
      }
    }
    #expect(problem(Array(good.dropLast(1)))?.contains("shape [3] (12 bytes of data), but 11 bytes follow") == true)
    /// `good` with `old` replaced by `new` (same length) in its header.
    func edited(_ old: String, _ new: String) -> [UInt8] {
      let header = String(decoding: good[10..<128], as: UTF8.self).replacingOccurrences(of: old, with: new)
      return good.prefix(10) + Array(header.utf8) + good.dropFirst(128)
    }
    #expect(problem(edited("(3,)", "(9,)"))?.contains("shape [9] (36 bytes of data), but 12 bytes follow") == true)
    #expect(problem([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x5A] + good.dropFirst(6))?.contains("magic") == true)
    #expect(problem(edited("<f4", "<c8"))?.contains("descr '<c8'") == true)
    #expect(problem(edited("False", "Maybe"))?.contains("fortran_order is Maybe") == true)
    #expect(problem(edited("(3,),", "(-3,)"))?.contains("not a whole number") == true)
    #expect(problem(edited("(3,), }" + String(repeating: " ", count: 11), "(999999999999,), }"))?.contains("but 12 bytes follow") == true)
    #expect(problem(Array(good.prefix(9)))?.contains("magic") == true)
  }

  @Test("CSV: a header row, numeric columns, a chosen label column")
  func csv() throws {
    let text = "a, label ,b\n1.5,0,2\n\n-3,2,4e2\r\n"
    let table = try CSV.parse(text, source: "t.csv", labelColumn: "label")
    #expect(table.featureNames == ["a", "b"] && table.labelName == "label")
    #expect(table.features.shape == [2, 2] && table.features.scalars(as: Float.self) == [1.5, 2, -3, 400])
    #expect(table.labels?.dtype == .int64 && table.labels?.scalars(as: Int64.self) == [0, 2])
    let loader = DataLoader(table.dataset, batchSize: 2)
    let batch = try #require(try loader.makeIterator().next())
    #expect(batch[0].shape == [2, 2] && batch[1].shape == [2])
    let noLabel = try CSV.parse("x;y\n1;2\n", source: "s.csv", delimiter: ";", dtype: .float64)
    #expect(noLabel.labels == nil && noLabel.features.dtype == .float64)
    #expect(try CSV.parse("x,y\n1,0.5\n", source: "f.csv", labelColumn: "y").labels?.dtype == .float32)
  }

  @Test("CSV errors name the file, the line and the column")
  func csvErrors() {
    func message(_ text: String, label: String? = nil) -> String {
      do {
        _ = try CSV.parse(text, source: "data.csv", labelColumn: label)
        return "parsed"
      } catch {
        return error.description
      }
    }
    #expect(message("a,b\n1,2\n3\n") == "data.csv is not a valid CSV file: line 3 has 1 field, but the header has 2.")
    #expect(message("a,b\n1,x2\n").contains("line 2, column 2 (\"b\") holds \"x2\", which is not a number"))
    #expect(message("a,b\n1,2\n", label: "c").contains("there is no column named \"c\""))
    #expect(message("").contains("it is empty"))
  }

  @Test("loading a missing file names it")
  func missingFile() {
    #expect {
      try NPY.load(contentsOf: "/nonexistent/x.npy")
    } throws: { error in
      guard case .fileUnreadable("/nonexistent/x.npy", _) = error as? DataSetError else { return false }
      return true
    }
  }
}
