import Autodiff
import Testing

/// One differentiable op under test: Float64 inputs and the function to check.
struct GradientCase: CustomStringConvertible, Sendable {
    let op: String
    let inputs: [Tensor<Double>]
    var tolerance: Double = 1e-6
    /// Skip elements at kinks (ReLU at 0, max ties, clamp edges): see `gradientCheck`.
    var allowKinks = false
    let function: @Sendable ([Tensor<Double>]) -> Tensor<Double>

    var description: String { op }
}


/// Every gradient case of the suite. Each family lives in its own file
/// (`GradientCases+<Family>.swift`) so that families can grow independently.
enum GradientCases {
    static var all: [GradientCase] { core + indexing + convolution }
}

@Suite struct GradientCheckSuite {
    @Test(arguments: GradientCases.all)
    func float64GradientMatchesFiniteDifferences(_ testCase: GradientCase) {
        let result = gradientCheck(testCase.inputs, tolerance: testCase.tolerance, allowKinks: testCase.allowKinks, testCase.function)
        #expect(result.passed, "\(testCase.op): \(result)")
        #expect(result.checkedElements > 0, "\(testCase.op): nothing was checked")
    }

    @Test func reportsCoverage() {
        let ops = Set(GradientCases.all.map { $0.op.split(separator: " ").first.map(String.init) ?? $0.op })
        print("gradient-check suite: \(GradientCases.all.count) cases covering \(ops.count) ops: \(ops.sorted().joined(separator: ", "))")
        #expect(!ops.isEmpty)
    }
}
