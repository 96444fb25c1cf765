import Testing
@testable import Autodiff

@Suite struct CoreTests {
    @Test func broadcastAddValues() {
        let a = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Float>(shape: [3], scalars: [10, 20, 30])
        #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
        let c = Tensor<Float>(shape: [2, 1], scalars: [100, 200])
        #expect((a + c).scalars == [101, 102, 103, 204, 205, 206])
    }

    @Test func broadcastMismatchNamesBothShapes() {
        #expect(throws: ShapeError.self) { try Shapes.broadcast([2, 3], [4], op: "add") }
        do {
            _ = try Shapes.broadcast([2, 3], [4], op: "add")
        } catch {
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("[4]") && "\(error)".contains("add"))
        }
    }

    @Test func gradientsOfSimpleExpression() {
        let x = Tensor<Double>(shape: [3], scalars: [1, 2, 3], requiresGrad: true)
        let y = (x * x).sum()
        y.backward()
        #expect(x.grad!.scalars == [2, 4, 6])
    }

    @Test func matmulMatchesHandComputation() {
        let a = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Float>(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        #expect(a.matmul(b).scalars == [58, 64, 139, 154])
    }

    @Test func gradientCheckCore() {
        var rng = RandomGenerator(seed: 1)
        let a = Tensor<Double>(randomNormal: [3, 5], generator: &rng)
        let b = Tensor<Double>(randomNormal: [5], generator: &rng)
        let r = gradientCheck([a, b]) { x in ((x[0] * x[1]).exp() / (x[0] + x[1].abs() + 3)).logSoftmax(axis: 0).matmul(x[1]) }
        #expect(r.passed, "\(r)")
    }
}
