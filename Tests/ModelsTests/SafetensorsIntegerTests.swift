import Foundation
import XCTest
@testable import Models

/// safetensors shapes and offsets are JSON integers, as the reference reader (serde, usize)
/// requires: a fraction, a bool or a number beyond 64 bits is refused, not truncated.
final class SafetensorsIntegerTests: XCTestCase {
    /// A file with one F32 tensor of 4 values whose header's shape and offsets are given as JSON text.
    private func file(shape: String, offsets: String = "[0, 16]") throws -> String {
        let header = #"{"t": {"dtype": "F32", "shape": \#(shape), "data_offsets": \#(offsets)}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        data.append(Data(count: 16))
        let path = NSTemporaryDirectory() + "dscope-\(UUID().uuidString).safetensors"
        try data.write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testIntegerShapesRead() throws {
        XCTAssertEqual(try SafetensorsFile(path: file(shape: "[2, 2]")).tensors["t"]?.shape, [2, 2])
    }

    func testNonIntegerShapesAreRefused() throws {
        for shape in ["[3.9]", "[4.0]", "[true, 4]", "[18446744073709551617]", "[4, 1e0]", "[\"4\"]", "[-4]"] {
            let path = try file(shape: shape)
            XCTAssertThrowsError(try SafetensorsFile(path: path), shape) { error in
                XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
                XCTAssertTrue("\(error)".contains("shape"), "\(shape): \(error)")
            }
        }
    }

    func testNonIntegerOffsetsAreRefused() throws {
        for offsets in ["[0, 16.5]", "[false, 16]", "[0, 18446744073709551632]"] {
            XCTAssertThrowsError(try SafetensorsFile(path: file(shape: "[4]", offsets: offsets)), offsets) { error in
                XCTAssertTrue("\(error)".contains("data_offsets"), "\(offsets): \(error)")
            }
        }
    }

    func testShapesWhoseElementCountOverflowsAreRefused() throws {
        XCTAssertThrowsError(try SafetensorsFile(path: file(shape: "[4294967296, 4294967296, 0]")))
    }
}
