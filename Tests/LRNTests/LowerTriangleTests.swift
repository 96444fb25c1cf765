import Autodiff
import LRN
import Testing

@Suite struct LowerTriangleTests {
    @Test func orderIsPyTorchTrilIndices() {
        // torch.tril_indices(4, 4): rows [0,1,1,2,2,2,3,3,3,3], cols [0,0,1,0,1,2,0,1,2,3]
        let pairs = LowerTriangle.indices(size: 4)
        #expect(pairs.map(\.row) == [0, 1, 1, 2, 2, 2, 3, 3, 3, 3])
        #expect(pairs.map(\.column) == [0, 0, 1, 0, 1, 2, 0, 1, 2, 3])
        #expect(LowerTriangle.diagonalPositions(size: 4) == [0, 2, 5, 9])
        #expect(LowerTriangle.entryCount(size: 7) == 28)
    }

    @Test func unpackPlacesEveryEntry() {
        let packed = Tensor<Double>(shape: [2, 6], scalars: (1...12).map(Double.init))
        let lower = LowerTriangle.unpack(packed, size: 3)
        #expect(lower.shape == [2, 3, 3])
        #expect(lower.scalars == [1, 0, 0, 2, 3, 0, 4, 5, 6,
                                  7, 0, 0, 8, 9, 0, 10, 11, 12])
    }

    @Test func unpackGradient() {
        var rng = RandomGenerator(seed: 2)
        let packed = Tensor<Double>(randomNormal: [3, 10], generator: &rng)
        let result = gradientCheck([packed]) { x in LowerTriangle.unpack(x[0], size: 4).squared() }
        #expect(result.passed, "\(result)")
    }
}
