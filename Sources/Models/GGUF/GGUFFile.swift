import Foundation

/// One tensor of a GGUF file. `dimensions` are ggml's ne[], fastest-varying first, so a PyTorch
/// Linear weight [out × in] is stored with dimensions [in, out]; `shape` gives PyTorch's order.
public struct GGUFTensor: @unchecked Sendable {
    public let name: String
    public let dimensions: [Int]
    public let type: GGMLType
    public let bytes: UnsafeRawBufferPointer

    public var shape: [Int] { dimensions.reversed() }
    /// Cannot overflow: GGUFFile checked the product when it read the dimensions.
    public var elementCount: Int { dimensions.reduce(1, *) }
}

/// A memory-mapped GGUF file (ggml's gguf.h, versions 2 and 3): magic "GGUF", version, tensor and
/// metadata counts, metadata key/values, tensor infos, then the tensor data aligned to
/// `general.alignment` (32 by default). Validated on open: every tensor lies inside the file, on
/// the alignment, holds whole blocks of its type, and overlaps no other.
public final class GGUFFile: @unchecked Sendable {
    public static let supportedVersions: ClosedRange<UInt32> = 2...3
    public static let defaultAlignment = 32
    /// ggml tensors have at most four dimensions (GGML_MAX_DIMS).
    public static let maxDimensions = 4

    public let path: String
    public let version: UInt32
    /// Keys in file order, for listing.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensors in file order.
    public let tensors: [GGUFTensor]
    public let alignment: Int
    /// Where the tensor data section starts.
    public let dataOffset: Int
    public var fileBytes: Int { file.bytes.count }
    private let indexOfTensor: [String: Int]
    private let file: MappedFile

    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        self.file = file
        path = file.path
        var cursor = GGUFCursor(bytes: file.bytes, path: file.path)

        let magic = try cursor.read(UInt32.self, "the magic number")
        guard magic == 0x4655_4747 else {  // "GGUF" read as a little-endian u32
            throw cursor.invalid(String(format: "bad magic 0x%08x, expected \"GGUF\" (0x46554747)", magic))
        }
        version = try cursor.read(UInt32.self, "the version")
        guard Self.supportedVersions.contains(version) else {
            let hint = version == 1 ? "; convert it again with a current llama.cpp" : " (a big-endian file?)"
            throw cursor.invalid("version \(version) is not supported (versions 2 and 3 are)\(hint)")
        }
        // A tensor info is at least a name length, a dimension count and one dimension, type, offset.
        let tensorCount = try cursor.read(UInt64.self, "the tensor count")
        let keyCount = try cursor.readCount("the metadata key count", minimumBytes: 8 + 4 + 1)

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        for index in 0..<keyCount {
            let key = try cursor.readString("metadata key #\(index)")
            let type = try cursor.read(UInt32.self, "the value type of \(key)")
            let value = try cursor.readValue(type: type, key)
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw cursor.invalid("metadata key \(key) appears twice")
            }
            keys.append(key)
        }
        metadataKeys = keys
        self.metadata = metadata
        alignment = try Self.alignment(metadata["general.alignment"], cursor)

        guard tensorCount <= UInt64(cursor.remaining / (8 + 4 + 8 + 4 + 8)) else {
            throw cursor.invalid("tensor count \(tensorCount) cannot fit in the \(cursor.remaining) bytes left (truncated or damaged file?)")
        }
        var infos: [(name: String, dimensions: [Int], type: GGMLType, offset: Int, byteCount: Int)] = []
        var indexOfTensor: [String: Int] = [:]
        for index in 0..<Int(tensorCount) {
            let info = try Self.readTensorInfo(&cursor, index: index)
            guard indexOfTensor.updateValue(index, forKey: info.name) == nil else {
                throw cursor.invalid("tensor \(info.name) appears twice")
            }
            infos.append(info)
        }
        self.indexOfTensor = indexOfTensor

        let (padded, overflow) = cursor.offset.addingReportingOverflow(alignment - 1)
        dataOffset = overflow ? Int.max : padded / alignment * alignment
        let dataBytes = max(0, file.bytes.count - dataOffset)
        var tensors: [GGUFTensor] = []
        for info in infos {
            guard info.offset % alignment == 0 else {
                throw cursor.invalid("tensor \(info.name) starts at data offset \(info.offset), which is not a multiple of the alignment \(alignment)")
            }
            guard info.offset <= dataBytes, info.byteCount <= dataBytes - info.offset else {
                // Offset and length apart: their sum may not fit an Int.
                throw cursor.invalid("tensor \(info.name) (\(info.type) \(info.dimensions)) needs \(info.byteCount) bytes from data offset \(info.offset), but the data section holds only \(dataBytes) bytes (truncated file?)")
            }
            let start = dataOffset + info.offset
            tensors.append(GGUFTensor(name: info.name, dimensions: info.dimensions, type: info.type,
                                      bytes: UnsafeRawBufferPointer(rebasing: file.bytes[start..<(start + info.byteCount)])))
        }
        let spans = infos.filter { $0.byteCount > 0 }.sorted { $0.offset < $1.offset }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.offset < previous.offset + previous.byteCount {
            throw cursor.invalid("tensors \(previous.name) and \(next.name) overlap")
        }
        self.tensors = tensors
    }

    public func tensor(_ name: String) -> GGUFTensor? {
        indexOfTensor[name].map { tensors[$0] }
    }

    /// `general.architecture`, e.g. "llada".
    public var architecture: String? { metadata["general.architecture"]?.string }

    private static func alignment(_ value: GGUFValue?, _ cursor: GGUFCursor) throws -> Int {
        guard let value else { return defaultAlignment }
        guard case .uint32(let raw) = value, raw > 0, raw & (raw - 1) == 0 else {
            throw cursor.invalid("general.alignment must be a power of two stored as uint32, found \(value)")
        }
        return Int(raw)
    }

    private static func readTensorInfo(_ cursor: inout GGUFCursor, index: Int)
        throws -> (name: String, dimensions: [Int], type: GGMLType, offset: Int, byteCount: Int) {
        let name = try cursor.readString("the name of tensor #\(index)")
        let dimensionCount = try cursor.read(UInt32.self, "the dimension count of \(name)")
        guard (1...UInt32(maxDimensions)).contains(dimensionCount) else {
            throw cursor.invalid("tensor \(name) has \(dimensionCount) dimensions (ggml allows 1 to \(maxDimensions))")
        }
        var dimensions: [Int] = []
        var elements = 1
        for axis in 0..<Int(dimensionCount) {
            let size = try cursor.read(UInt64.self, "dimension \(axis) of \(name)")
            guard (1...UInt64(Int32.max)).contains(size) else {
                throw cursor.invalid("tensor \(name) has dimension \(axis) of \(size) (allowed: 1…\(Int32.max))")
            }
            // Checked here so that `elementCount` can never overflow later.
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(size))
            guard !overflow else { throw cursor.invalid("tensor \(name) has more than \(Int.max) elements") }
            elements = product
            dimensions.append(Int(size))
        }
        let typeID = try cursor.read(UInt32.self, "the type of \(name)")
        guard let type = GGMLType.withID(typeID) else {
            throw cursor.invalid("tensor \(name) has unknown ggml type \(typeID)")
        }
        let offset = try cursor.read(UInt64.self, "the data offset of \(name)")
        guard dimensions[0] % type.blockLength == 0 else {
            throw cursor.invalid("tensor \(name) rows of \(dimensions[0]) values are not whole \(type) blocks of \(type.blockLength)")
        }
        var byteCount = dimensions[0] / type.blockLength * type.blockBytes
        for size in dimensions.dropFirst() {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: size)
            guard !overflow else { throw cursor.invalid("tensor \(name) \(dimensions) is too large") }
            byteCount = product
        }
        guard offset <= UInt64(Int.max / 2) else { throw cursor.invalid("tensor \(name) has data offset \(offset)") }
        return (name, dimensions, type, Int(offset), byteCount)
    }
}
