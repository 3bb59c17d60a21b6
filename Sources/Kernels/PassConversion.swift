/// The weights of one pass — up to `MatmulTile.blockRows` rows × a run of columns — converted to
/// fp32 into a buffer (row stride: the run's length), handed out a row at a time as jobs. The
/// tiles of the previous pass each take a job and convert it a slice at a time between runs of
/// fused multiply-adds, so the conversion's reads from memory overlap arithmetic instead of
/// stalling the core (a separate conversion loop measured 5–6 % slower on 128×4096×4096; software
/// prefetch barely helped on this machine).
struct PassConversion {
    private let weights: WeightMatrix
    private let destination: UnsafeMutablePointer<Float>
    private let rows: Range<Int>
    private let columns: Range<Int>
    private var row = 0

    init(_ weights: WeightMatrix, rows: Range<Int>, columns: Range<Int>,
         into destination: UnsafeMutablePointer<Float>) {
        self.weights = weights
        self.destination = destination
        self.rows = rows
        self.columns = columns
        // Rows past the end of the matrix are zero padding for the tiles.
        let padding = (MatmulTile.blockRows - rows.count) * columns.count
        (destination + rows.count * columns.count).update(repeating: 0, count: padding)
    }

    /// Nothing to convert: the last pass has no successor.
    static func finished(_ weights: WeightMatrix, into destination: UnsafeMutablePointer<Float>) -> PassConversion {
        PassConversion(weights, rows: 0..<0, columns: 0..<0, into: destination)
    }

    /// The next row; empty once the pass is converted.
    mutating func nextJob() -> ConversionJob {
        guard row < rows.count else {
            return ConversionJob(source: UnsafeRawPointer(destination), dtype: .f32, destination: destination, count: 0)
        }
        let source = weights.rowAddress(rows.lowerBound + row) + weights.dtype.byteCount(values: columns.lowerBound)
        let job = ConversionJob(source: source, dtype: weights.dtype,
                                destination: destination + row * columns.count, count: columns.count)
        row += 1
        return job
    }

    /// Converts whatever the tiles did not take.
    mutating func finish() {
        while true {
            let job = nextJob()
            if job.count == 0 { return }
            job.convert(slicesFrom: 0)
        }
    }
}

/// `count` stored values of one weight row to convert into `destination`, slice by slice. The
/// tiles offer a slice every `MatmulTile.slice` steps; a slice starts on a quantised block, so a
/// k-quant superblock (256 values) takes every other offer and converts two steps' worth.
struct ConversionJob {
    let source: UnsafeRawPointer
    let dtype: WeightDType
    let destination: UnsafeMutablePointer<Float>
    let count: Int
    /// Values and stored bytes of one slice; offers per slice (1, or 2 for 256-value blocks).
    private let sliceValues: Int
    private let sliceBytes: Int
    private let offersPerSlice: Int

    init(source: UnsafeRawPointer, dtype: WeightDType, destination: UnsafeMutablePointer<Float>, count: Int) {
        self.source = source
        self.dtype = dtype
        self.destination = destination
        self.count = count
        sliceValues = max(MatmulTile.slice, dtype.blockLength)
        offersPerSlice = sliceValues / MatmulTile.slice
        sliceBytes = dtype.byteCount(values: sliceValues)
    }

    /// Offers that convert a whole slice or wait for the next one.
    var wholeSlices: Int { count / sliceValues * offersPerSlice }

    /// Takes offer `index` (< `wholeSlices`): converts a whole slice on its first offer.
    @inline(__always)
    func convertSlice(_ index: Int) {
        if offersPerSlice != 1 && index % offersPerSlice != 0 { return }
        let slice = index / offersPerSlice
        convertToFloat(source + slice &* sliceBytes, dtype,
                       count: sliceValues, into: destination + slice &* sliceValues)
    }

    /// Converts everything from offer `index` on that earlier offers did not, including a ragged tail.
    func convert(slicesFrom index: Int) {
        let start = min(count, (index + offersPerSlice - 1) / offersPerSlice * sliceValues)
        if start < count {
            convertToFloat(source + dtype.byteCount(values: start), dtype, count: count - start,
                           into: destination + start)
        }
    }
}
