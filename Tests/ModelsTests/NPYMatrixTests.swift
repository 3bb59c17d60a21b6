import XCTest
@testable import Models

/// `.npy` v1.0 as NumPy writes and reads it (numpy/lib/format.py).
final class NPYMatrixTests: XCTestCase {
    private func temporaryPath() -> String {
        let path = NSTemporaryDirectory() + "npy-\(UUID().uuidString).npy"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testHeaderIsNumPysDictPaddedToSixtyFourBytes() {
        let bytes = [UInt8](NPYMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6]).data)
        XCTAssertEqual(Array(bytes[0..<8]), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header)
        XCTAssertTrue(header.hasSuffix(" \n"))
        XCTAssertEqual(bytes.count, 10 + headerLength + 6 * 4)
        XCTAssertEqual(Array(bytes[(10 + headerLength)..<(14 + headerLength)]), [0, 0, 0x80, 0x3F], "1.0 little-endian")
    }

    func testWrittenMatrixReadsBackBitForBit() throws {
        let path = temporaryPath()
        let matrix = NPYMatrix(rows: 3, columns: 2, values: [-0.0, .pi, -1e-38, 3.4e38, .infinity, 42])
        try matrix.write(to: path)
        let read = try NPYMatrix(contentsOf: path)
        XCTAssertEqual([read.rows, read.columns], [3, 2])
        XCTAssertEqual(read.values.map(\.bitPattern), matrix.values.map(\.bitPattern))
    }

    func testOtherDTypesAreRefusedNamingTheFile() throws {
        let path = temporaryPath()
        var data = NPYMatrix(rows: 1, columns: 1, values: [1]).data
        data.replaceSubrange(10..<24, with: Array("{'descr': '<f8".utf8))
        try data.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try NPYMatrix(contentsOf: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
            XCTAssertTrue("\(error)".contains("float32"), "\(error)")
        }
    }

    func testTruncatedDataIsRefused() throws {
        let path = temporaryPath()
        let data = NPYMatrix(rows: 2, columns: 2, values: [1, 2, 3, 4]).data
        try data.dropLast(3).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try NPYMatrix(contentsOf: path)) { error in
            XCTAssertTrue("\(error)".contains("do not hold 2 × 2"), "\(error)")
        }
    }
}
