/// Storage precisions the matmul reads in place.
public enum WeightDType: String, Sendable, CaseIterable {
    case f32, bf16, f16

    public var byteSize: Int {
        switch self {
        case .f32: 4
        case .bf16, .f16: 2
        }
    }
}
