/// A shape that does not fit an operation. The message names the op and every shape involved,
/// so a user can find the offending line without a debugger.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
    public let op: String
    public let message: String

    public init(_ op: String, _ message: String) {
        self.op = op
        self.message = message
    }

    public var description: String { "\(op): \(message)" }
}

/// Formats a shape the way PyTorch prints it: [64, 3, 112, 112].
@inlinable public func shapeString(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

/// Runs a shape validation inside an op. Ops are non-throwing for ease of use (like arithmetic);
/// an invalid shape stops the program with the error's message before any kernel runs.
@inline(__always) func validate<T>(_ body: () throws -> T) -> T {
    do {
        return try body()
    } catch {
        fatalError("\(error)")
    }
}

public enum Shapes {
    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides of a contiguous tensor.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = acc
            acc *= shape[d]
        }
        return strides
    }

    /// NumPy broadcasting: align shapes at the right; each pair of sizes must match or be 1.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 {
                out[i] = da
            } else if da == 1 {
                out[i] = db
            } else {
                throw ShapeError(op, "shapes \(shapeString(a)) and \(shapeString(b)) cannot be broadcast together (dimension \(i): \(da) vs \(db))")
            }
        }
        return out
    }

    /// Normalises a possibly negative axis for a tensor of rank `rank`.
    public static func axis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < max(rank, 1) else {
            throw ShapeError(op, "axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return a
    }
}
