@testable import Autodiff
import Testing

/// Each unary op's C backward loop computes the derivative declared beside it in Unary.swift.
@Suite struct UnaryDerivativeTests {
    static let unaryOps = UnaryOp.allCases

    /// Largest |C − Swift| relative to max(1, |Swift|), over x in a range valid for every op.
    static func mismatch<S: TensorScalar>(_ op: UnaryOp, _: S.Type) -> Double {
        let kernel = Tensor<S>.unaryKernel(op)
        var generator = RandomGenerator(seed: 31)
        // Away from 0 (log, sqrt, reciprocal), on both sides of it where the op allows.
        let magnitudes = Tensor<S>(randomUniform: [64], low: 0.3, high: 3, generator: &generator)
        let signed = [.log, .sqrt].contains(op) ? magnitudes : Tensor.where(Tensor<S>(randomUniform: [64], low: -1, high: 1, generator: &generator).greaterEqual(Tensor(0)), magnitudes, -magnitudes)
        let g = Tensor<S>(randomNormal: [64], generator: &generator)
        let x = signed, y = x.unary(op)
        let fromC = Tensor<S>(uninitializedShape: x.shape)
        S.kernelUnaryBackward(kernel.code, x.count, x.data, y.data, g.data, fromC.data)
        let reference = kernel.derivative(x, y, g)
        var worst = 0.0
        for i in 0..<x.count {
            let c = Double(fromC.data[i]), r = Double(reference.data[i])
            worst = max(worst, Swift.abs(c - r) / max(1, Swift.abs(r)))
        }
        return worst
    }

    @Test(arguments: unaryOps)
    func cBackwardMatchesTheDeclaredDerivative(_ op: UnaryOp) {
        let wide = Self.mismatch(op, Double.self), narrow = Self.mismatch(op, Float.self)
        #expect(wide <= 1e-12, "\(op): C backward differs from the declared derivative by \(wide) in Float64")
        #expect(narrow <= 1e-5, "\(op): C backward differs from the declared derivative by \(narrow) in Float32")
    }
}
