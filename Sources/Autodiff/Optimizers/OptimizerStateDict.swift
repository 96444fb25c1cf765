/// Writing and reading optimiser state dicts.
///
/// Counters and the learning rate must come back exactly, in Float32 state dicts too (a Float
/// cannot hold 1e-4 as a Double or a step count above 2^24), so they are stored as the 64 bits
/// of an Int or a Double split into four 16-bit chunks, most significant first: shape [4], each
/// value an integer in 0...65535, exact in both scalar types.
enum ExactScalarCoding {
    static func tensor<S: TensorScalar>(bits: UInt64) -> Tensor<S> {
        let chunks = (0..<4).map { S(Double((bits >> (16 * (3 - UInt64($0)))) & 0xFFFF)) }
        return Tensor(shape: [4], scalars: chunks)
    }

    static func tensor<S: TensorScalar>(integer: Int) -> Tensor<S> {
        tensor(bits: UInt64(bitPattern: Int64(integer)))
    }

    static func tensor<S: TensorScalar>(double: Double) -> Tensor<S> {
        tensor(bits: double.bitPattern)
    }

    /// The 64 bits, or nil when the tensor is not four integer chunks in 0...65535.
    static func bits<S: TensorScalar>(_ tensor: Tensor<S>) -> UInt64? {
        guard tensor.shape == [4] else { return nil }
        var bits: UInt64 = 0
        for value in tensor.scalars {
            let chunk = Double(value)
            guard chunk >= 0, chunk <= 65535, chunk == chunk.rounded() else { return nil }
            bits = bits << 16 | UInt64(chunk)
        }
        return bits
    }
}

/// Collects an optimiser's state into a dict of fresh tensors.
struct StateDictWriter<Scalar: TensorScalar> {
    private(set) var dict: [String: Tensor<Scalar>] = [:]

    mutating func put(_ key: String, copyOf tensor: Tensor<Scalar>) { dict[key] = tensor.copy() }
    mutating func put(_ key: String, integer: Int) { dict[key] = ExactScalarCoding.tensor(integer: integer) }
    mutating func put(_ key: String, double: Double) { dict[key] = ExactScalarCoding.tensor(double: double) }
}

/// Reads a state dict, collecting every problem (missing key, wrong shape, bad counter, unused
/// key) so that one error names them all; the optimiser applies nothing until `finish()` passed.
struct StateDictReader<Scalar: TensorScalar> {
    let state: [String: Tensor<Scalar>]
    let owner: String
    private var used: Set<String> = []
    private var problems: [String] = []

    init(_ state: [String: Tensor<Scalar>], owner: String) {
        self.state = state
        self.owner = owner
    }

    private mutating func fetch(_ key: String) -> Tensor<Scalar>? {
        used.insert(key)
        guard let tensor = state[key] else {
            problems.append("missing key '\(key)'")
            return nil
        }
        return tensor
    }

    /// A tensor that must have `shape` (that of the parameter it belongs to, described by `what`).
    mutating func tensor(_ key: String, shape: [Int], for what: String) -> Tensor<Scalar>? {
        guard let tensor = fetch(key) else { return nil }
        guard tensor.shape == shape else {
            problems.append("'\(key)' has shape \(shapeString(tensor.shape)), expected \(shapeString(shape)) for \(what)")
            return nil
        }
        return tensor
    }

    mutating func integer(_ key: String, atLeast minimum: Int = 0) -> Int? {
        guard let tensor = fetch(key) else { return nil }
        guard let bits = ExactScalarCoding.bits(tensor) else {
            problems.append("'\(key)' is not an exactly encoded integer (expected shape [4] of 16-bit chunks, got \(tensor))")
            return nil
        }
        let value = Int(Int64(bitPattern: bits))
        guard value >= minimum else {
            problems.append("'\(key)' is \(value), expected >= \(minimum)")
            return nil
        }
        return value
    }

    mutating func double(_ key: String, isValid: (Double) -> Bool, expected: String) -> Double? {
        guard let tensor = fetch(key) else { return nil }
        guard let bits = ExactScalarCoding.bits(tensor) else {
            problems.append("'\(key)' is not an exactly encoded number (expected shape [4] of 16-bit chunks, got \(tensor))")
            return nil
        }
        let value = Double(bitPattern: bits)
        guard isValid(value) else {
            problems.append("'\(key)' is \(value), expected \(expected)")
            return nil
        }
        return value
    }

    /// Throws one error listing every problem, unused keys included (a dict from another
    /// optimiser or another model is then recognised at once).
    func finish() throws {
        var all = problems
        let unexpected = state.keys.filter { !used.contains($0) }.sorted(by: naturalOrder)
        if !unexpected.isEmpty {
            all.append("unexpected key\(unexpected.count == 1 ? "" : "s") " + unexpected.map { "'\($0)'" }.joined(separator: ", "))
        }
        if !all.isEmpty {
            throw OptimizerError.invalidState("\(owner).loadStateDict: " + all.joined(separator: "; "))
        }
    }
}

/// "exp_avg.2" before "exp_avg.10", for readable messages.
private func naturalOrder(_ a: String, _ b: String) -> Bool {
    let (pa, ia) = splitIndex(a), (pb, ib) = splitIndex(b)
    return pa != pb ? pa < pb : (ia ?? -1) < (ib ?? -1)
}

private func splitIndex(_ key: String) -> (String, Int?) {
    guard let dot = key.lastIndex(of: "."), let index = Int(key[key.index(after: dot)...]) else { return (key, nil) }
    return (String(key[..<dot]), index)
}
