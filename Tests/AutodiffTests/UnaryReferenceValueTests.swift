import Testing
@testable import Autodiff

/// Unary forwards and gradients against PyTorch's (torch.nn.functional, float64), including how
/// infinities and NaN come out. The gradient suite checks backward against the forward; this
/// checks the forward itself.
@Suite struct UnaryReferenceValueTests {
    static let x: [Double] = [-30, -2.5, -0.5, 0, 0.75, 3, 40]

    func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * max(1, Swift.abs($1)) }
    }

    @Test func siluMatchesPyTorch() {
        // torch.nn.functional.silu(x) and its gradient (sum().backward()).
        let value = [-2.8072868906517896e-12, -0.18964545005310887, -0.1887703343990727, 0.0,
                     0.5093840243815447, 2.8577223804672998, 40.0]
        let gradient = [-2.713710660963134e-12, -0.09940111134152683, 0.2600388126973482, 0.5,
                        0.8425999444967536, 1.0881041060151693, 1.0]
        let x = Tensor<Double>(shape: [7], scalars: Self.x, requiresGrad: true)
        let y = x.silu()
        y.sum().backward()
        #expect(close(y.scalars, value, 1e-14), "\(y.scalars)")
        #expect(close(x.grad!.scalars, gradient, 1e-14), "\(x.grad!.scalars)")
        let narrow = Tensor<Float>(shape: [7], scalars: Self.x.map(Float.init)).silu().scalars.map(Double.init)
        #expect(close(narrow, value, 1e-6), "\(narrow)")
    }

    /// PyTorch gives NaN for NaN and -infinity (-inf · 0) and infinity for infinity.
    @Test func siluAtInfinityAndNaN() {
        let narrow = Tensor<Float>(shape: [3], scalars: [.nan, -.infinity, .infinity]).silu().scalars
        #expect(narrow[0].isNaN && narrow[1].isNaN && narrow[2] == .infinity, "\(narrow)")
        let wide = Tensor<Double>(shape: [3], scalars: [.nan, -.infinity, .infinity]).silu().scalars
        #expect(wide[0].isNaN && wide[1].isNaN && wide[2] == .infinity, "\(wide)")
    }
}
