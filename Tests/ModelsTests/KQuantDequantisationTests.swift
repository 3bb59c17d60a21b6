import XCTest
import Kernels
@testable import Models

/// Q4_K, Q5_K and Q6_K tensors read from a GGUF file and dequantised by dscope equal gguf-py's
/// `gguf.quants.dequantize` of the same bytes bit for bit (fixture: tools/make_kquant_fixtures.py).
final class KQuantDequantisationTests: XCTestCase {
    private let path = Fixture.path("gguf-kquant-blocks/blocks.gguf")

    func testKQuantTensorsMapToTheirWeightTypes() throws {
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.tensor("q4_k")?.type.weightDType, .q4_k)
        XCTAssertEqual(file.tensor("q5_k")?.type.weightDType, .q5_k)
        XCTAssertEqual(file.tensor("q6_k")?.type.weightDType, .q6_k)
        XCTAssertEqual(file.tensor("q6_k")?.bytes.count, 3 * 3 * 210)
    }

    func testDequantisedValuesEqualGGUFPyBitForBit() throws {
        let checkpoint = GGUFCheckpoint(file: try GGUFFile(path: path))
        for name in ["q4_k", "q5_k", "q6_k"] {
            let matrix = try checkpoint.matrix(name, rows: 3, columns: 768)
            let reference = try checkpoint.matrix(name + ".reference", rows: 3, columns: 768).floats()
            let values = matrix.floats()
            XCTAssertEqual(values.count, reference.count)
            let differing = zip(values, reference).filter { $0.bitPattern != $1.bitPattern }.count
            XCTAssertEqual(differing, 0, "\(name): \(differing) of \(values.count) values differ from gguf-py")
        }
    }

    func testRowLookupStartsAtTheRowsFirstSuperblock() throws {
        let checkpoint = GGUFCheckpoint(file: try GGUFFile(path: path))
        for name in ["q4_k", "q5_k", "q6_k"] {
            let matrix = try checkpoint.matrix(name, rows: 3, columns: 768)
            let reference = try checkpoint.matrix(name + ".reference", rows: 3, columns: 768).floats()
            var row = [Float](repeating: .nan, count: 768)
            matrix.copyRow(2, into: &row)
            XCTAssertEqual(row.map(\.bitPattern), reference[1536...].map(\.bitPattern), name)
        }
    }
}
