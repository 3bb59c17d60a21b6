import XCTest
@testable import Decoder

/// The server draws the decoder's Gumbel noise itself: its Python port of NoiseStreams must give
/// the same uniforms, bit for bit, for any seed, step, position and column.
final class NoiseStreamPortTests: XCTestCase {
    private struct Draw: Decodable {
        var seed: UInt64
        var step: Int
        var position: Int
        var column: Int
        var scalar: Double
        var vectorised: Double
    }

    func testThePythonPortDrawsTheDecodersUniformsExactly() throws {
        try ServerProcess.requireTorch()
        let script = """
        import json, torch
        from dscope_server import noise
        cases = [(0, 1, 0), (7, 3, 5), (2**64 - 1, 255, 4095), (0x47554D42, 1, 1), (123456789012345, 90, 17)]
        columns = [0, 1, 2, 575, 126463, 152063]
        out = []
        for seed, step, position in cases:
            stream = noise.stream_seed(seed, noise.GUMBEL, step, position)
            vector = noise.uniforms(noise.stream_tensor([stream] * len(columns), "cpu"), torch.tensor(columns))
            for column, v in zip(columns, vector.tolist()):
                out.append(dict(seed=seed, step=step, position=position, column=column,
                                scalar=noise.uniform(stream, column), vectorised=v))
        print(json.dumps(out))
        """
        let draws = try PythonReference.run(script, as: [Draw].self)
        XCTAssertEqual(draws.count, 30)
        for draw in draws {
            let expected = NoiseStreams(seed: draw.seed).stream(.gumbel, step: draw.step, position: draw.position)
                .uniform(draw.column)
            XCTAssertEqual(draw.scalar.bitPattern, expected.bitPattern, "\(draw)")
            XCTAssertEqual(draw.vectorised.bitPattern, expected.bitPattern, "\(draw)")
        }
    }
}
