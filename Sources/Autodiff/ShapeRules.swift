// Shape rules of the core ops (reshape, expand, permute, reductions, matmul). Each throws a
// `ShapeError` naming the op, every shape involved and the offending value; the ops call them
// through `validate { }` before any kernel runs, and tests call them to check the messages.

extension Shapes {
    /// Normalises `axis` (negative counts from the end) for a tensor of shape `shape`, which must
    /// have at least one dimension.
    public static func axis(_ axis: Int, of shape: [Int], op: String) throws -> Int {
        let a = axis < 0 ? axis + shape.count : axis
        guard a >= 0, a < shape.count else {
            throw ShapeError(op, "axis \(axis) is out of range for \(shapeString(shape)) (rank \(shape.count))")
        }
        return a
    }

    /// `reshaped`: the target shape with a -1 hole filled in.
    public static func reshape(_ shape: [Int], to newShape: [Int]) throws -> [Int] {
        let count = elementCount(shape)
        func failure(_ why: String) -> ShapeError {
            ShapeError("reshape", "cannot reshape \(shapeString(shape)) (\(count) elements) to \(shapeString(newShape)): \(why)")
        }
        var target = newShape
        let holes = target.indices.filter { target[$0] == -1 }
        if holes.count > 1 { throw failure("only one dimension may be -1") }
        if let bad = target.first(where: { $0 < -1 }) { throw failure("negative dimension \(bad)") }
        if let hole = holes.first {
            let known = target.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
            if known == 0 || count % known != 0 { throw failure("\(count) is not a multiple of \(known)") }
            target[hole] = count / known
        }
        if elementCount(target) != count { throw failure("the target has \(elementCount(target)) elements") }
        return target
    }

    /// `expanded(to:)`: `shape` must broadcast to exactly `target`.
    public static func expand(_ shape: [Int], to target: [Int]) throws {
        let fits = shape.count <= target.count && zip(shape.reversed(), target.reversed()).allSatisfy { $0 == $1 || $0 == 1 }
        if !fits {
            throw ShapeError("expand", "cannot expand \(shapeString(shape)) to \(shapeString(target)): each dimension must equal the target's or be 1")
        }
    }

    /// `permuted`: `order` must be a permutation of 0..<rank.
    public static func permutation(_ order: [Int], of shape: [Int]) throws {
        if order.count != shape.count || Set(order) != Set(0..<shape.count) {
            throw ShapeError("permute", "\(order) is not a permutation of the \(shape.count) dimensions of \(shapeString(shape))")
        }
    }

    /// Reduction axes, normalised (negative counts from the end), sorted, without repeats.
    public static func reductionAxes(_ axes: [Int], of shape: [Int], op: String) throws -> [Int] {
        var seen = Set<Int>()
        for axis in axes {
            let a = axis < 0 ? axis + shape.count : axis
            guard a >= 0, a < Swift.max(shape.count, 1) else {
                throw ShapeError(op, "axis \(axis) is out of range for \(shapeString(shape)) (rank \(shape.count))")
            }
            guard seen.insert(a).inserted else {
                throw ShapeError(op, "axis \(axis) is repeated in \(axes) for \(shapeString(shape))")
            }
        }
        return seen.sorted()
    }

    /// `sum(toShape:)`: `target` must be a shape that `shape` was broadcast from.
    public static func reduction(_ shape: [Int], to target: [Int]) throws {
        do {
            try expand(target, to: shape)
        } catch {
            throw ShapeError("sum(toShape:)", "cannot reduce \(shapeString(shape)) to \(shapeString(target)): \(shapeString(target)) does not broadcast to \(shapeString(shape))")
        }
    }

    /// `matmul`: op(a) · op(b) over the last two dimensions with broadcast batch dimensions.
    /// Returns (m, n, k, batch shape).
    public static func matmul(_ a: [Int], transposeA: Bool, _ b: [Int], transposeB: Bool) throws -> (m: Int, n: Int, k: Int, batch: [Int]) {
        let shown = "\(shapeString(a))\(transposeA ? "ᵀ" : "") · \(shapeString(b))\(transposeB ? "ᵀ" : "")"
        guard a.count >= 2, b.count >= 2 else {
            throw ShapeError("matmul", "operands need at least 2 dimensions, got \(shown)")
        }
        let m = transposeA ? a[a.count - 1] : a[a.count - 2]
        let k = transposeA ? a[a.count - 2] : a[a.count - 1]
        let kb = transposeB ? b[b.count - 1] : b[b.count - 2]
        let n = transposeB ? b[b.count - 2] : b[b.count - 1]
        guard k == kb else {
            throw ShapeError("matmul", "inner dimensions differ: \(shown) (\(k) vs \(kb))")
        }
        do {
            let batch = try broadcast(Array(a.dropLast(2)), Array(b.dropLast(2)), op: "matmul")
            return (m, n, k, batch)
        } catch {
            throw ShapeError("matmul", "batch dimensions of \(shown) cannot be broadcast together")
        }
    }
}
