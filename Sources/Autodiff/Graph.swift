/// An input of a recorded operation as the graph sees it: the node that computed it (while that
/// node is live), and the input itself only when it wants a gradient of its own (a leaf with
/// `requiresGrad`). The graph holds no other input tensor, so an intermediate result's storage
/// goes as soon as neither the caller nor a backward closure that needs its values holds it.
struct GraphInput<Scalar: TensorScalar> {
    let node: GraphNode<Scalar>?
    let wantingGradient: Tensor<Scalar>?
    let shape: [Int]

    init(_ tensor: Tensor<Scalar>) {
        node = tensor.liveNode
        wantingGradient = tensor.requiresGrad ? tensor : nil
        shape = tensor.shape
    }

    /// Where its gradient is summed: the node, or the leaf. nil when no gradient flows to it (a
    /// constant, or a node an earlier backward released).
    var vertex: ObjectIdentifier? {
        if let node, !node.isReleased { return ObjectIdentifier(node) }
        return wantingGradient.map(ObjectIdentifier.init)
    }
}

/// One recorded operation: its inputs and how to turn the gradient of its output into
/// gradients of those inputs (nil for an input that needs none). Released once its backward has
/// run (unless the graph is retained): the closure and whatever it captured go with it.
final class GraphNode<Scalar: TensorScalar> {
    let op: Op
    private(set) var inputs: [GraphInput<Scalar>]
    private var backward: ((Tensor<Scalar>) -> [Tensor<Scalar>?])?

    init(op: Op, inputs: [Tensor<Scalar>], backward: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]) {
        self.op = op
        self.inputs = inputs.map(GraphInput.init)
        self.backward = backward
    }

    var isReleased: Bool { backward == nil }

    func gradients(_ g: Tensor<Scalar>) -> [Tensor<Scalar>?] {
        guard let backward else { preconditionFailure("\(op): backward through a released node") }
        return backward(g)
    }

    func release() {
        backward = nil
        inputs = []
    }
}

/// The define-by-run reverse-mode tape. Ops record themselves on their results while
/// `isRecording` is true and one of their inputs is tracked; `backward` walks the records
/// from a scalar back to the leaves, then frees them.
public enum Graph {
    /// Task-local, so concurrent tests and threads don't see each other's no-grad scopes.
    @TaskLocal public static var isRecording = true

    /// Runs `body` without recording: for inference, evaluation and optimiser updates.
    public static func withoutRecording<T>(_ body: () throws -> T) rethrows -> T {
        try $isRecording.withValue(false, operation: body)
    }

    /// Gradients of `output` with respect to each tensor of `inputs` (zeros where it does not
    /// depend on one). Leaves' `grad` are left alone. Frees the graph unless `retainGraph`.
    public static func gradients<S>(of output: Tensor<S>, wrt inputs: [Tensor<S>],
                                    seed: Tensor<S>? = nil, retainGraph: Bool = false) -> [Tensor<S>] {
        // Each input's vertex before backward releases its node.
        let vertices = inputs.map(GraphInput.init).map(\.vertex)
        let grads = propagate(from: output, seed: seed, keep: Set(vertices.compactMap { $0 }), retainGraph: retainGraph)
        return zip(inputs, vertices).map { input, vertex in vertex.flatMap { grads.kept[$0] } ?? Tensor<S>(zeros: input.shape) }
    }

    /// Reverse pass. Returns the gradient of every leaf that requires one, and the gradient
    /// reaching each vertex in `keep`.
    static func propagate<S>(from output: Tensor<S>, seed: Tensor<S>?, keep: Set<ObjectIdentifier>, retainGraph: Bool)
        -> (leaves: [(tensor: Tensor<S>, gradient: Tensor<S>)], kept: [ObjectIdentifier: Tensor<S>]) {
        validate { try checkBackward(from: output, seed: seed) }
        let start = seed ?? Tensor<S>(ones: output.shape)
        let root = GraphInput(output)
        guard let rootVertex = root.vertex else { preconditionFailure("backward: checkBackward passed an untracked output") }

        var grads: [ObjectIdentifier: Tensor<S>] = [rootVertex: start]
        var kept: [ObjectIdentifier: Tensor<S>] = [:]
        // Tensors that asked for their own gradient, by vertex (a leaf, or a result with requiresGrad).
        var wanting: [ObjectIdentifier: Tensor<S>] = [:]
        if let tensor = root.wantingGradient { wanting[rootVertex] = tensor }

        // Consumed from the end (reverse topological order), so that the list does not keep a
        // processed node alive: once it has run, its closure and what it saved are freed.
        var pending = root.node.map { topologicalOrder(from: $0) } ?? []
        withoutRecording {
            while let node = pending.popLast() {
                let vertex = ObjectIdentifier(node)
                guard let g = grads[vertex] else { continue }
                if keep.contains(vertex) || wanting[vertex] != nil { kept[vertex] = g }
                grads[vertex] = nil  // free as we go
                let inputGrads = node.gradients(g)
                precondition(inputGrads.count == node.inputs.count, "\(node.op): backward returned \(inputGrads.count) gradients for \(node.inputs.count) inputs")
                for (input, ig) in zip(node.inputs, inputGrads) {
                    guard let ig, let inputVertex = input.vertex else { continue }
                    precondition(ig.shape == input.shape, "\(node.op): backward produced a gradient of shape \(shapeString(ig.shape)) for an input of shape \(shapeString(input.shape))")
                    if let tensor = input.wantingGradient { wanting[inputVertex] = tensor }
                    if let existing = grads[inputVertex] {
                        grads[inputVertex] = existing + ig  // used twice: gradients add up
                    } else {
                        grads[inputVertex] = ig
                    }
                }
                if !retainGraph { node.release() }
            }
        }
        // What is left in `grads` is the leaves' (a node's entry went when it ran, into `kept`
        // if wanted).
        for vertex in keep where kept[vertex] == nil { kept[vertex] = grads[vertex] }
        let leaves = wanting.compactMap { vertex, tensor in (grads[vertex] ?? kept[vertex]).map { (tensor, $0) } }
        return (leaves, kept)
    }

    /// Why `backward` cannot start from `output` (with `seed`), if it cannot: a non-scalar output
    /// without a seed, a seed of another shape, a graph already freed, or nothing to differentiate.
    public static func checkBackward<S>(from output: Tensor<S>, seed: Tensor<S>?) throws {
        if let seed, seed.shape != output.shape {
            throw ShapeError("backward", "seed shape \(shapeString(seed.shape)) differs from output shape \(shapeString(output.shape))")
        }
        if seed == nil && output.count != 1 {
            throw ShapeError("backward", "output of shape \(shapeString(output.shape)) is not a scalar; pass a seed gradient of the same shape")
        }
        if !output.isTracked && output.graphReleased {
            throw ShapeError("backward", "the graph of this \(shapeString(output.shape)) tensor was already freed by an earlier backward; pass retainGraph: true to the first call to run backward through it again")
        }
        if !output.isTracked {
            throw ShapeError("backward", "this \(shapeString(output.shape)) tensor does not depend on any tensor that requires a gradient (set requiresGrad on the leaves; nothing is recorded inside Graph.withoutRecording)")
        }
    }

    /// Every live node reachable from `root`, inputs' nodes before the nodes that use them.
    static func topologicalOrder<S>(from root: GraphNode<S>) -> [GraphNode<S>] {
        var order: [GraphNode<S>] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep networks must not overflow the stack.
        var stack: [(GraphNode<S>, Bool)] = [(root, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            if !visited.insert(ObjectIdentifier(node)).inserted { continue }
            stack.append((node, true))
            for input in node.inputs {
                if let inputNode = input.node, !inputNode.isReleased, !visited.contains(ObjectIdentifier(inputNode)) {
                    stack.append((inputNode, false))
                }
            }
        }
        return order
    }
}

extension Tensor {
    /// Accumulates d(self)/d(leaf) into `grad` of every leaf with `requiresGrad`, then frees
    /// the graph. `self` must be a scalar unless a `seed` of its shape is given.
    public func backward(seed: Tensor? = nil, retainGraph: Bool = false) {
        let grads = Graph.propagate(from: self, seed: seed, keep: [], retainGraph: retainGraph)
        for (tensor, g) in grads.leaves {
            if let existing = tensor.grad {
                existing.addInPlace(g)
            } else {
                // A copy: one gradient tensor may flow to several leaves, and grads are updated in place.
                tensor.grad = g.copy()
            }
        }
    }

    /// Records how this freshly computed tensor depends on `inputs`, when recording and when
    /// any input is tracked. `backward` maps the output gradient to one gradient per input.
    @discardableResult
    func recorded(_ op: Op, _ inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        if Graph.isRecording && inputs.contains(where: { $0.isTracked }) {
            node = GraphNode(op: op, inputs: inputs, backward: backward)
        }
        return self
    }

    /// The output's values for use inside its own backward closure. Capturing the output tensor
    /// itself would make a reference cycle (output → node → closure → output) that leaks whenever
    /// backward is never called; this view shares the storage but not the node.
    func savedForBackward() -> Tensor { detached() }

    /// self += other, elementwise, in place (not recorded).
    public func addInPlace(_ other: Tensor, scale: Scalar = 1) {
        precondition(other.count == count, "addInPlace: \(shapeString(other.shape)) into \(shapeString(shape))")
        Scalar.kernelAxpy(count, scale, other.data, data)
    }

    /// Sets `grad` to nil (call between optimiser steps).
    public func zeroGrad() { grad = nil }
}

import CKernels
