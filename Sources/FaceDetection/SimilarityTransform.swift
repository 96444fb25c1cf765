/// A 2-D similarity (rotation, uniform scale, translation, no reflection):
/// x' = a·x − b·y + tx, y' = b·x + a·y + ty.
public struct SimilarityTransform: Equatable, Sendable {
    public var a: Double, b: Double, tx: Double, ty: Double

    public init(a: Double, b: Double, tx: Double, ty: Double) {
        self.a = a; self.b = b; self.tx = tx; self.ty = ty
    }

    public func apply(x: Double, y: Double) -> (x: Double, y: Double) {
        (a * x - b * y + tx, b * x + a * y + ty)
    }

    /// The inverse map (a similarity too); nil when the scale is zero.
    public var inverse: SimilarityTransform? {
        let norm = a * a + b * b
        guard norm > 0 else { return nil }
        let ia = a / norm, ib = -b / norm
        return SimilarityTransform(a: ia, b: ib, tx: -(ia * tx - ib * ty), ty: -(ib * tx + ia * ty))
    }

    /// The 3x3 matrix [[a, −b, tx], [b, a, ty], [0, 0, 1]], row by row.
    public var matrix: [[Double]] { [[a, -b, tx], [b, a, ty], [0, 0, 1]] }

    /// The least-squares similarity mapping `source` onto `target` (Umeyama 1991). In 2-D,
    /// with the rotation written as (a, b), the problem is linear and Umeyama's estimate has
    /// this closed form: centre both point sets, then a = Σ(s·t)/Σ|s|², b = Σ(s×t)/Σ|s|².
    /// nil when the source points all coincide (no scale can be estimated).
    public static func estimate(from source: [(x: Double, y: Double)], to target: [(x: Double, y: Double)]) -> SimilarityTransform? {
        precondition(source.count == target.count && source.count >= 2,
                     "SimilarityTransform.estimate: need as many source as target points, at least 2 (got \(source.count) and \(target.count))")
        let n = Double(source.count)
        let sx = source.map(\.x).reduce(0, +) / n, sy = source.map(\.y).reduce(0, +) / n
        let dx = target.map(\.x).reduce(0, +) / n, dy = target.map(\.y).reduce(0, +) / n
        var dot = 0.0, cross = 0.0, norm = 0.0
        for (s, t) in zip(source, target) {
            let px = s.x - sx, py = s.y - sy, qx = t.x - dx, qy = t.y - dy
            dot += px * qx + py * qy
            cross += px * qy - py * qx
            norm += px * px + py * py
        }
        guard norm > 0, norm.isFinite else { return nil }
        let a = dot / norm, b = cross / norm
        return SimilarityTransform(a: a, b: b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy))
    }
}
