/// What a block-diffusion step's one forward was, beside its commits and edits: the kind of
/// forward and the positions the model computed (the rest came from the exact block cache).
public struct BlockForward: Equatable, Sendable {
    public var kind: BlockStep.Kind
    /// RoPE positions (Fast-dLLM v2 counts them from the cache's length, not the canvas).
    public var positions: Range<Int>

    public init(kind: BlockStep.Kind, positions: Range<Int>) {
        self.kind = kind
        self.positions = positions
    }
}
