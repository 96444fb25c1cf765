// Shape rules of the indexing and selection ops. Each throws a `ShapeError` naming the op, the
// shapes and the offending value; the ops call them through `validate { }` before any kernel runs,
// and tests call them directly to check the messages.

extension Shapes {
    /// `slice`: the axis and the result's shape.
    public static func slice(_ shape: [Int], axis: Int, range: Range<Int>) throws -> (axis: Int, shape: [Int]) {
        let a = try Shapes.axis(axis, of: shape, op: "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            throw ShapeError("slice", "range \(range) is out of bounds for axis \(a) (size \(shape[a])) of \(shapeString(shape))")
        }
        var out = shape
        out[a] = range.count
        return (a, out)
    }

    /// `indexSelect`: the axis and the result's shape.
    public static func indexSelect(_ shape: [Int], axis: Int, indices: [Int]) throws -> (axis: Int, shape: [Int]) {
        let a = try Shapes.axis(axis, of: shape, op: "indexSelect")
        try checkIndices(indices, size: shape[a], axis: a, shape: shape, op: "indexSelect")
        var out = shape
        out[a] = indices.count
        return (a, out)
    }

    /// `gather(alongAxis:)`: one index per position of the other axes; the result drops `axis`.
    public static func gather(_ shape: [Int], axis: Int, indices: [Int]) throws -> (axis: Int, shape: [Int]) {
        let a = try Shapes.axis(axis, of: shape, op: "gather")
        var out = shape
        out.remove(at: a)
        let positions = elementCount(out)
        guard indices.count == positions else {
            throw ShapeError("gather", "\(indices.count) indices for \(shapeString(shape)) along axis \(a); expected one per position of the other axes, \(shapeString(out)) = \(positions)")
        }
        try checkIndices(indices, size: shape[a], axis: a, shape: shape, op: "gather")
        return (a, out)
    }

    static func checkIndices(_ indices: [Int], size: Int, axis: Int, shape: [Int], op: String) throws {
        if let position = indices.firstIndex(where: { $0 < 0 || $0 >= size }) {
            throw ShapeError(op, "index \(indices[position]) (at position \(position)) is out of range 0..<\(size) for axis \(axis) of \(shapeString(shape))")
        }
    }

    /// `concat`: every shape equal except along `axis`. Returns the axis and the result's shape.
    public static func concat(_ shapes: [[Int]], axis: Int) throws -> (axis: Int, shape: [Int]) {
        guard let first = shapes.first else { throw ShapeError("concat", "needs at least one tensor, got none") }
        let a = try Shapes.axis(axis, of: first, op: "concat")
        var out = first
        for (k, s) in shapes.enumerated().dropFirst() {
            let matches = s.count == first.count && s.indices.allSatisfy { $0 == a || s[$0] == first[$0] }
            guard matches else {
                throw ShapeError("concat", "tensor \(k) has shape \(shapeString(s)), tensor 0 has \(shapeString(first)): every dimension except axis \(a) must match")
            }
            out[a] += s[a]
        }
        return (a, out)
    }

    /// `stack`: equal shapes; the new axis may be 0...rank (negative counts from the end).
    public static func stack(_ shapes: [[Int]], axis: Int) throws -> (axis: Int, shape: [Int]) {
        guard let first = shapes.first else { throw ShapeError("stack", "needs at least one tensor, got none") }
        let a = axis < 0 ? axis + first.count + 1 : axis
        guard a >= 0, a <= first.count else {
            throw ShapeError("stack", "axis \(axis) is out of range for stacking tensors of shape \(shapeString(first)) (allowed \(-first.count - 1)...\(first.count))")
        }
        if let k = shapes.firstIndex(where: { $0 != first }) {
            throw ShapeError("stack", "tensor \(k) has shape \(shapeString(shapes[k])), tensor 0 has \(shapeString(first)): stacked tensors must have equal shapes")
        }
        var out = first
        out.insert(shapes.count, at: a)
        return (a, out)
    }

    /// `fillLowerTriangular`: [..., n(n+1)/2] -> [..., n, n].
    public static func fillLowerTriangular(_ shape: [Int], size n: Int) throws -> [Int] {
        guard n >= 1 else { throw ShapeError("fillLowerTriangular", "size \(n) must be at least 1") }
        let m = n * (n + 1) / 2
        guard let last = shape.last, last == m else {
            throw ShapeError("fillLowerTriangular", "last dimension of \(shapeString(shape)) must be n(n+1)/2 = \(m) for size \(n)")
        }
        return shape.dropLast() + [n, n]
    }

    /// `where`: the broadcast shape of the condition and both branches.
    public static func select(condition: [Int], _ a: [Int], _ b: [Int]) throws -> [Int] {
        do {
            return try broadcast(broadcast(condition, a, op: "where"), b, op: "where")
        } catch {
            throw ShapeError("where", "condition \(shapeString(condition)), a \(shapeString(a)) and b \(shapeString(b)) cannot be broadcast together")
        }
    }

    /// `clamp`: the bounds must be ordered (a missing bound is unbounded).
    public static func clampBounds(min: Double?, max: Double?) throws {
        if let lo = min, lo.isNaN { throw ShapeError("clamp", "min is NaN") }
        if let hi = max, hi.isNaN { throw ShapeError("clamp", "max is NaN") }
        if let lo = min, let hi = max, lo > hi {
            throw ShapeError("clamp", "min \(lo) is greater than max \(hi)")
        }
    }

    /// `dropout`: a probability in [0, 1].
    public static func dropoutProbability(_ p: Double) throws {
        guard p >= 0, p <= 1 else { throw ShapeError("dropout", "probability \(p) is outside [0, 1]") }
    }

    /// `oneHot`: every label in 0..<classes.
    public static func oneHot(_ labels: [Int], classes: Int) throws -> [Int] {
        guard classes >= 1 else { throw ShapeError("oneHot", "classes must be at least 1, got \(classes)") }
        if let position = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw ShapeError("oneHot", "label \(labels[position]) (at position \(position)) is out of range 0..<\(classes)")
        }
        return [labels.count, classes]
    }
}
