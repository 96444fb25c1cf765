import Foundation
import Testing
@testable import Autodiff

/// Float's exp in the kernels is CKernels' own (fast_exp.h), so that exp-heavy loops vectorise:
/// within 1.25 ulp of the true value (1.22 measured over every float in range), and exact on
/// the special values. Double keeps libm's.
@Suite struct FastExpTests {
    /// Error of `got` in units in the last place of the correctly rounded `want`.
    static func ulps(_ got: Float, _ want: Double) -> Double {
        abs(Double(got) - want) / Double(Float(want).ulp)
    }

    /// Every 512th float from -104.5 up to the last finite result, both signs, tails included.
    static var sweep: [Float] {
        var xs: [Float] = []
        var x: Float = -104.5
        while x < 88.72283172607421875 {
            xs.append(x)
            x = Float(bitPattern: x < 0 ? x.bitPattern &- 512 : x.bitPattern &+ 512)
            if x < 0 && x > -1e-30 { x = 0 }
        }
        return xs + [88.72283172607421875, 59.2652245, -87.33654, -103.27893, 1e-30, -1e-30]
    }

    @Test func expIsWithinOneAndAQuarterULPOverTheWholeRange() {
        let xs = Self.sweep
        let y = Tensor<Float>(shape: [xs.count], scalars: xs).exp().scalars
        var worst = 0.0, at: Float = 0
        for (x, got) in zip(xs, y) {
            let e = Self.ulps(got, Foundation.exp(Double(x)))
            if e > worst { worst = e; at = x }
        }
        #expect(xs.count > 100_000)
        #expect(worst <= 1.25, "exp(\(at)) is \(worst) ulp away")
    }

    @Test func expSpecialValues() {
        let xs: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 1, 88.72283172607421875, 88.72283935546875, 89, 1000,
                           -104, -105, -1000, -103.972, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        let y = Tensor<Float>(shape: [xs.count], scalars: xs).exp().scalars
        #expect(y[0].isNaN)
        #expect(y[1] == .infinity && y[2] == 0 && y[2].sign == .plus)
        #expect(y[3] == 1 && y[4] == 1)
        #expect(Self.ulps(y[5], M_E) <= 1)
        #expect(y[6].isFinite && Self.ulps(y[6], Foundation.exp(88.72283172607421875)) <= 1.25)  // the last finite one
        #expect(y[7] == .infinity && y[8] == .infinity && y[9] == .infinity)  // e^88.7228394 > FLT_MAX + ulp/2
        #expect(y[10] == 0 && y[11] == 0 && y[12] == 0)  // below half the smallest subnormal
        #expect(y[13] == .leastNonzeroMagnitude)          // e^-103.972 = 1.4e-45
        #expect(y[14] == .infinity && y[15] == 0)
    }

    @Test func sigmoidSoftplusAndSoftmaxFollowDouble() {
        let xs = stride(from: Float(-120), through: 120, by: 0.01).map { $0 } + [.infinity, -.infinity]
        let x = Tensor<Float>(shape: [xs.count], scalars: xs)
        let reference = Tensor<Double>(shape: [xs.count], scalars: xs.map(Double.init))
        for (name, got, want) in [("sigmoid", x.sigmoid(), reference.sigmoid()),
                                  ("softplus", x.softplus(), reference.softplus()),
                                  ("softmax", x.softmax(axis: 0), reference.softmax(axis: 0))] {
            var worst = 0.0
            for (g, w) in zip(got.scalars, want.scalars) where Float(w).isFinite && Float(w) != 0 {
                worst = max(worst, Self.ulps(g, w))
            }
            #expect(worst <= 4, "\(name) is \(worst) ulp from the Double result")
        }
        #expect(x.sigmoid().scalars.suffix(2) == [1, 0])
        #expect(Tensor<Float>(shape: [1], scalars: [.nan]).sigmoid().scalars[0].isNaN)
    }
}
