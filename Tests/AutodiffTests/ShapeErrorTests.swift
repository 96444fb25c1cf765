import Autodiff
import Testing

/// Every validator's message names the op, the shapes and the offending value.
@Suite struct ShapeErrorTests {
    /// The message of the error `body` throws (fails the test if it throws nothing).
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
        } catch {
            return "\(error)"
        }
        Issue.record("expected a ShapeError, none was thrown")
        return ""
    }

    func expectMentions(_ text: String, _ parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for part in parts {
            #expect(text.contains(part), "message \"\(text)\" should mention \"\(part)\"", sourceLocation: sourceLocation)
        }
    }

    @Test func slice() throws {
        expectMentions(message { _ = try Shapes.slice([3, 5], axis: 1, range: 2..<7) }, ["slice:", "2..<7", "axis 1", "size 5", "[3, 5]"])
        expectMentions(message { _ = try Shapes.slice([3, 5], axis: 2, range: 0..<1) }, ["slice:", "axis 2", "[3, 5]"])
        expectMentions(message { _ = try Shapes.slice([], axis: 0, range: 0..<1) }, ["slice:", "axis 0", "[]"])
        let empty = try Shapes.slice([3, 5], axis: -1, range: 5..<5)
        #expect(empty.axis == 1 && empty.shape == [3, 0])
    }

    @Test func indexSelectAndGather() {
        expectMentions(message { _ = try Shapes.indexSelect([4, 3], axis: 0, indices: [1, 4]) }, ["indexSelect:", "index 4", "position 1", "0..<4", "[4, 3]"])
        expectMentions(message { _ = try Shapes.indexSelect([4, 3], axis: 1, indices: [-1]) }, ["indexSelect:", "index -1", "0..<3"])
        expectMentions(message { _ = try Shapes.gather([2, 5], axis: 1, indices: [0, 1, 2]) }, ["gather:", "3 indices", "[2, 5]", "[2] = 2"])
        expectMentions(message { _ = try Shapes.gather([2, 5], axis: 1, indices: [0, 5]) }, ["gather:", "index 5", "position 1", "0..<5", "[2, 5]"])
        expectMentions(message { _ = try Shapes.gather([2, 5], axis: -3, indices: [0]) }, ["gather:", "axis -3", "[2, 5]"])
    }

    @Test func concatAndStack() throws {
        expectMentions(message { _ = try Shapes.concat([[2, 3], [3, 3]], axis: 1) }, ["concat:", "tensor 1", "[3, 3]", "[2, 3]", "axis 1"])
        expectMentions(message { _ = try Shapes.concat([[2, 3], [2, 3, 1]], axis: 0) }, ["concat:", "[2, 3, 1]", "[2, 3]"])
        expectMentions(message { _ = try Shapes.concat([], axis: 0) }, ["concat:", "none"])
        expectMentions(message { _ = try Shapes.stack([[2], [2], [3]], axis: 0) }, ["stack:", "tensor 2", "[3]", "[2]"])
        expectMentions(message { _ = try Shapes.stack([[2, 3]], axis: 3) }, ["stack:", "axis 3", "[2, 3]", "-3...2"])
        let stacked = try Shapes.stack([[2, 3], [2, 3]], axis: -1)
        #expect(stacked.axis == 2 && stacked.shape == [2, 3, 2])
    }

    @Test func triangularWhereClampDropoutOneHot() {
        expectMentions(message { _ = try Shapes.fillLowerTriangular([4, 5], size: 3) }, ["fillLowerTriangular:", "[4, 5]", "6", "size 3"])
        expectMentions(message { _ = try Shapes.fillLowerTriangular([1], size: 0) }, ["fillLowerTriangular:", "size 0"])
        expectMentions(message { _ = try Shapes.select(condition: [2, 3], [3], [4]) }, ["where:", "[2, 3]", "[3]", "[4]"])
        expectMentions(message { try Shapes.clampBounds(min: 3, max: 1) }, ["clamp:", "min 3.0", "max 1.0"])
        expectMentions(message { try Shapes.dropoutProbability(1.5) }, ["dropout:", "1.5"])
        expectMentions(message { _ = try Shapes.oneHot([0, 7, 2], classes: 7) }, ["oneHot:", "label 7", "position 1", "0..<7"])
        expectMentions(message { _ = try Shapes.oneHot([0], classes: 0) }, ["oneHot:", "classes", "0"])
    }

    @Test func coreOps() throws {
        expectMentions(message { _ = try Shapes.broadcast([2, 3], [4], op: "add") }, ["add:", "[2, 3]", "[4]"])
        expectMentions(message { _ = try Shapes.matmul([2, 3], transposeA: false, [4, 5], transposeB: false) }, ["matmul:", "[2, 3]", "[4, 5]", "3 vs 4"])
        expectMentions(message { _ = try Shapes.matmul([3, 2], transposeA: true, [3, 5], transposeB: true) }, ["matmul:", "[3, 2]ᵀ", "[3, 5]ᵀ", "3 vs 5"])
        expectMentions(message { _ = try Shapes.matmul([2, 2, 3], transposeA: false, [3, 3, 4], transposeB: false) }, ["matmul:", "batch", "[2, 2, 3]", "[3, 3, 4]"])
        expectMentions(message { _ = try Shapes.matmul([3], transposeA: false, [3, 4], transposeB: false) }, ["matmul:", "2 dimensions", "[3]"])
        expectMentions(message { _ = try Shapes.reshape([2, 3], to: [4, -1]) }, ["reshape:", "[2, 3]", "[4, -1]", "6 is not a multiple of 4"])
        expectMentions(message { _ = try Shapes.reshape([2, 3], to: [7]) }, ["reshape:", "[2, 3]", "[7]"])
        expectMentions(message { _ = try Shapes.reshape([2, 3], to: [-1, -1]) }, ["reshape:", "only one"])
        #expect(try Shapes.reshape([2, 3], to: [3, -1]) == [3, 2])
        expectMentions(message { try Shapes.expand([3, 2], to: [3, 4]) }, ["expand:", "[3, 2]", "[3, 4]"])
        expectMentions(message { try Shapes.expand([2, 3], to: [3]) }, ["expand:", "[2, 3]", "[3]"])
        expectMentions(message { try Shapes.permutation([0, 0, 1], of: [2, 3, 4]) }, ["permute:", "[0, 0, 1]", "[2, 3, 4]"])
        expectMentions(message { _ = try Shapes.reductionAxes([0, 2], of: [2, 3], op: "sum") }, ["sum:", "axis 2", "[2, 3]"])
        expectMentions(message { _ = try Shapes.reductionAxes([1, -1], of: [2, 3], op: "mean") }, ["mean:", "repeated", "[2, 3]"])
        expectMentions(message { try Shapes.reduction([2, 3], to: [4]) }, ["sum(toShape:)", "[2, 3]", "[4]"])
        expectMentions(message { _ = try Shapes.axis(2, of: [3, 4], op: "softmax") }, ["softmax:", "axis 2", "[3, 4]"])
        expectMentions(message { _ = try Shapes.axis(-3, of: [3, 4], op: "transpose") }, ["transpose:", "axis -3", "[3, 4]"])
        expectMentions(message { _ = try Shapes.axis(0, of: [], op: "max") }, ["max:", "axis 0", "[]"])
    }

    @Test func backwardNeedsALiveGraph() {
        let x = Tensor<Double>(shape: [2], scalars: [1, 2], requiresGrad: true)
        let y = (x * x).sum()
        y.backward()
        expectMentions(message { try Graph.checkBackward(from: y, seed: nil) }, ["backward:", "already freed", "retainGraph"])
        let plain = Tensor<Double>(shape: [2], scalars: [1, 2]).sum()
        expectMentions(message { try Graph.checkBackward(from: plain, seed: nil) }, ["backward:", "requires a gradient"])
        let vector = x * 2
        expectMentions(message { try Graph.checkBackward(from: vector, seed: nil) }, ["backward:", "[2]", "not a scalar"])
        expectMentions(message { try Graph.checkBackward(from: vector, seed: Tensor(zeros: [3])) }, ["backward:", "[3]", "[2]"])
        #expect(throws: Never.self) { try Graph.checkBackward(from: vector, seed: Tensor(ones: [2])) }
    }
}

/// The validators really stop the ops: the process ends with the message on stderr.
@Suite struct ShapeErrorExitTests {
    @Test func mismatchedAddStopsTheProcess() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let a = Tensor<Float>(zeros: [2, 3]), b = Tensor<Float>(zeros: [4])
            _ = a + b
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("add: shapes [2, 3] and [4] cannot be broadcast together"), "stderr: \(stderr)")
    }

    @Test func mismatchedMatmulStopsTheProcess() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [2, 3]).matmul(Tensor<Float>(zeros: [4, 5]))
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("matmul: inner dimensions differ: [2, 3] · [4, 5] (3 vs 4)"), "stderr: \(stderr)")
    }

    @Test func outOfRangeGatherStopsBeforeAnyKernel() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [2, 5]).gather(alongAxis: 1, indices: [0, 9])
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("gather: index 9 (at position 1) is out of range 0..<5 for axis 1 of [2, 5]"), "stderr: \(stderr)")
    }

    @Test func secondBackwardStopsWithAClearMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor<Double>(shape: [2], scalars: [1, 2], requiresGrad: true)
            let y = (x * x).sum()
            y.backward()
            y.backward()
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("backward: the graph of this [] tensor was already freed"), "stderr: \(stderr)")
    }
}
