import Testing
@testable import Autodiff

/// A NaN must reach the loss (and so the trainer's NaN guard) through every op that selects or
/// thresholds, as in PyTorch. ReLU once mapped NaN to 0, which hid a NaN checkpoint.
@Suite struct NaNPropagationTests {
    func check<S: TensorScalar>(_: S.Type) {
        // Long enough that the vectorised body, not only the scalar tail, sees the NaN.
        var scalars = [S](repeating: -1, count: 67)
        scalars[5] = .nan
        scalars[40] = .nan
        scalars[41] = .infinity
        scalars[42] = -.infinity
        let x = Tensor<S>(shape: [67], scalars: scalars)
        let zero = Tensor<S>(zeros: [67])

        let relu = x.relu().scalars
        #expect(relu[5].isNaN && relu[40].isNaN, "relu must keep NaN")
        #expect(relu[41] == .infinity && relu[42] == 0 && relu[0] == 0)

        for (name, y) in [("maximum", x.maximum(zero)), ("maximum reversed", zero.maximum(x)),
                          ("minimum", x.minimum(zero)), ("minimum reversed", zero.minimum(x))] {
            #expect(y.scalars[5].isNaN && y.scalars[40].isNaN, "\(name) must keep NaN")
        }
        #expect(x.maximum(zero).scalars[41] == .infinity && x.minimum(zero).scalars[42] == -.infinity)

        #expect(x.clamp(min: 0, max: 1).scalars[5].isNaN)
        #expect(x.sigmoid().scalars[5].isNaN && x.softplus().scalars[5].isNaN && x.abs().scalars[5].isNaN)
        #expect(x.max(axis: 0).scalars[0].isNaN)
        #expect(x.softmax(axis: 0).scalars.allSatisfy { $0.isNaN })
        #expect(x.logsumexp(axis: 0).scalars[0].isNaN)
        #expect(x.sum().scalars[0].isNaN && x.mean().scalars[0].isNaN)
    }

    @Test func forwardKeepsNaNInFloat() { check(Float.self) }
    @Test func forwardKeepsNaNInDouble() { check(Double.self) }

    @Test func reluBackwardPassesTheGradientAtNaN() {
        let x = Tensor<Double>(shape: [3], scalars: [.nan, -1, 2], requiresGrad: true)
        (x.relu() * Tensor<Double>(shape: [3], scalars: [5, 6, 7])).sum().backward()
        #expect(x.grad!.scalars == [5, 0, 7])
    }
}
