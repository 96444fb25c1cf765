import Autodiff
import Testing

/// Each optimiser solves a tiny least-squares problem (exact solution w = [1, −2, 0.5],
/// b = 0.3, minimum loss 0), in Float64 and Float32.
@Suite struct OptimizerConvergenceTests {
    func solve<S: TensorScalar>(_: S.Type, steps: Int, tolerance: Double,
                                _ make: ([Tensor<S>]) throws -> any Optimizer<S>) throws -> String? {
        let problem = LeastSquares<S>(seed: 3)
        let (w, b) = problem.initialParameters()
        let optimizer = try make([w, b])
        let initialLoss = Double(problem.loss(weights: w, bias: b).scalar)
        for _ in 0..<steps {
            optimizer.zeroGrad()
            problem.loss(weights: w, bias: b).backward()
            optimizer.step()
        }
        let finalLoss = Double(problem.loss(weights: w, bias: b).scalar)
        let solution = w.scalars.map { Double($0) } + b.scalars.map { Double($0) }
        let target = problem.trueWeights + [problem.trueBias]
        let error = zip(solution, target).map { Swift.abs($0 - $1) }.max()!
        if error <= tolerance && finalLoss < 1e-3 * initialLoss { return nil }
        return "loss \(initialLoss) → \(finalLoss), solution \(solution), max error \(error)"
    }

    func allOptimizers<S: TensorScalar>(_: S.Type) throws {
        let cases: [(String, Int, Double, ([Tensor<S>]) throws -> any Optimizer<S>)] = [
            ("SGD", 300, 1e-3, { try SGD(parameters: $0, learningRate: 0.1) }),
            ("SGD momentum", 200, 1e-3, { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9) }),
            ("SGD Nesterov", 200, 1e-3, { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, nesterov: true) }),
            ("Adam", 500, 1e-3, { try Adam(parameters: $0, learningRate: 0.05) }),
            // Decay pulls the weights towards 0, so the optimum moves (by 0.008 here): looser tolerance.
            ("AdamW", 500, 1e-2, { try AdamW(parameters: $0, learningRate: 0.05, weightDecay: 1e-2) }),
        ]
        for (name, steps, tolerance, make) in cases {
            let failure = try solve(S.self, steps: steps, tolerance: tolerance, make)
            #expect(failure == nil, "\(name) \(S.dtypeName): \(failure ?? "")")
        }
    }

    @Test func everyOptimizerSolvesLeastSquares() throws {
        try allOptimizers(Double.self)
        try allOptimizers(Float.self)
    }
}
