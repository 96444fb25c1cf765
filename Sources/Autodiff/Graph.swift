/// One recorded operation: its inputs and how to turn the gradient of its output into
/// gradients of those inputs (nil for an input that needs none).
final class GraphNode<Scalar: TensorScalar> {
    let op: Op
    let inputs: [Tensor<Scalar>]
    let backward: (Tensor<Scalar>) -> [Tensor<Scalar>?]

    init(op: Op, inputs: [Tensor<Scalar>], backward: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
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
        let wanted = Set(inputs.map(ObjectIdentifier.init))
        let grads = propagate(from: output, seed: seed, keep: wanted, retainGraph: retainGraph)
        return inputs.map { grads[ObjectIdentifier($0)]?.gradient ?? Tensor<S>(zeros: $0.shape) }
    }

    /// Reverse pass. Returns the gradients of the leaves that require one, plus any tensor in `keep`.
    static func propagate<S>(from output: Tensor<S>, seed: Tensor<S>?, keep: Set<ObjectIdentifier>,
                             retainGraph: Bool) -> [ObjectIdentifier: (tensor: Tensor<S>, gradient: Tensor<S>)] {
        validate { try checkBackward(from: output, seed: seed) }
        let start = seed ?? Tensor<S>(ones: output.shape)

        // Consumed from the end (reverse topological order) so that the list does not keep a
        // processed tensor alive: once its node has run and every user of it has run before,
        // nothing but the caller holds its storage, and it is freed mid-backward.
        var pending = topologicalOrder(from: output)
        var grads: [ObjectIdentifier: Tensor<S>] = [ObjectIdentifier(output): start]
        var results: [ObjectIdentifier: (tensor: Tensor<S>, gradient: Tensor<S>)] = [:]
        withoutRecording {
            while let tensor = pending.popLast() {
                let id = ObjectIdentifier(tensor)
                guard let g = grads[id] else { continue }
                if tensor.requiresGrad || keep.contains(id) { results[id] = (tensor, g) }
                guard let node = tensor.node else { continue }
                if !keep.contains(id) { grads[id] = nil }  // free as we go
                let inputGrads = node.backward(g)
                precondition(inputGrads.count == node.inputs.count, "\(node.op): backward returned \(inputGrads.count) gradients for \(node.inputs.count) inputs")
                for (input, ig) in zip(node.inputs, inputGrads) {
                    guard let ig, input.isTracked else { continue }
                    precondition(ig.shape == input.shape, "\(node.op): backward produced a gradient of shape \(shapeString(ig.shape)) for an input of shape \(shapeString(input.shape))")
                    let iid = ObjectIdentifier(input)
                    if let existing = grads[iid] {
                        grads[iid] = existing + ig  // used twice: gradients add up
                    } else {
                        grads[iid] = ig
                    }
                }
                if !retainGraph {
                    tensor.node = nil
                    tensor.graphReleased = true
                }
            }
        }
        return results
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

    /// Every tracked tensor reachable from `output`, inputs before the ops that use them.
    static func topologicalOrder<S>(from output: Tensor<S>) -> [Tensor<S>] {
        var order: [Tensor<S>] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep networks must not overflow the stack.
        var stack: [(Tensor<S>, Bool)] = [(output, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded {
                order.append(tensor)
                continue
            }
            let id = ObjectIdentifier(tensor)
            if visited.contains(id) { continue }
            visited.insert(id)
            stack.append((tensor, true))
            for input in tensor.node?.inputs ?? [] where input.isTracked && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
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
        for (tensor, g) in grads.values where tensor.requiresGrad {
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
