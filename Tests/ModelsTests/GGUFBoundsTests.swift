import Foundation
import XCTest
@testable import Models

/// GGUF tensor infos whose sizes come from the file: every dimension positive, every product
/// overflow-checked, and the error message itself computed without overflow.
final class GGUFBoundsTests: XCTestCase {
    private func openError(_ change: (inout GGUFBuilder) -> Void) throws -> String? {
        var builder = GGUFBuilder.tinyLLaDA()
        change(&builder)
        let path = try builder.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try GGUFFile(path: path)
            return nil
        } catch let error as ModelError {
            let message = error.description
            XCTAssertTrue(message.hasPrefix(path), message)
            XCTAssertFalse(message.contains("\n"), message)
            return message
        }
    }

    func testZeroDimensionsAreRefused() throws {
        let message = try openError { $0.tensors.append(.init(name: "empty", dimensions: [32, 0], offset: 2560)) }
        XCTAssertTrue(message?.contains("dimension 1 of 0") == true, message ?? "no error")
    }

    func testElementCountsThatOverflowAreRefusedEvenWithAZeroDimension() throws {
        // Q4_0 (type 2): 2³¹−32 values per row are 2²⁶−1 blocks of 18 bytes; the bytes of the first
        // three dimensions fit an Int, their element count does not.
        let message = try openError {
            $0.tensors.append(.init(name: "huge", dimensions: [(1 << 31) - 32, (1 << 31) - 1, 2, 0], type: 2, offset: 2560))
        }
        XCTAssertNotNil(message)
    }

    func testATensorPastTheEndIsDescribedWithoutOverflow() throws {
        // Offset ≈ 2⁶² and 2⁶³ − 2³² bytes each fit an Int; their sum does not.
        let offset = UInt64(Int.max / 2) / 32 * 32
        let message = try openError {
            $0.tensors.append(.init(name: "far", dimensions: [(1 << 31) - 1, 1 << 30], type: 0, offset: offset))
        }
        XCTAssertTrue(message?.contains("needs") == true, message ?? "no error")
    }

    func testHugeBlockCountIsRefusedBeforeAnyLayerIsLookedUp() throws {
        var builder = GGUFBuilder.tinyLLaDA()
        builder.set("llada.block_count", .uint64(UInt64(Int.max)))
        let path = try builder.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try ModelLocation(path).model(threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("llada.block_count"), "\(error)")
        }
    }
}
