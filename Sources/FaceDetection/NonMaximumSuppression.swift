/// Greedy non-maximum suppression: take the best-scoring box, drop every remaining box that
/// overlaps it by more than the threshold, repeat.
public struct NonMaximumSuppression: Sendable {
    public enum Overlap: Sendable {
        /// Intersection over union.
        case union
        /// Intersection over the smaller box's area (IoM): also removes a small box lying
        /// inside a larger one, which IoU keeps.
        case minimum
    }

    public var threshold: Float
    public var overlap: Overlap
    /// Areas as pixel counts, (x2 - x1 + 1) · (y2 - y1 + 1), as the original MTCNN code
    /// measures them; otherwise continuous areas (x2 - x1) · (y2 - y1) as torchvision does.
    /// The reference pipeline uses continuous IoU and pixel-count IoM.
    public var countsPixels: Bool

    public init(threshold: Float, overlap: Overlap, countsPixels: Bool) {
        precondition(threshold >= 0 && threshold <= 1, "NonMaximumSuppression: threshold \(threshold) outside 0...1")
        self.threshold = threshold; self.overlap = overlap; self.countsPixels = countsPixels
    }

    /// Indices of the boxes kept, best score first (ties: lower index first).
    public func select(_ boxes: [DetectionBox], scores: [Float]) -> [Int] {
        precondition(boxes.count == scores.count, "NonMaximumSuppression: \(boxes.count) boxes, \(scores.count) scores")
        let one: Float = countsPixels ? 1 : 0
        let order = boxes.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let areas = boxes.map { ($0.x2 - $0.x1 + one) * ($0.y2 - $0.y1 + one) }
        var suppressed = [Bool](repeating: false, count: boxes.count)
        var kept: [Int] = []
        for (position, i) in order.enumerated() where !suppressed[i] {
            kept.append(i)
            let a = boxes[i]
            for j in order[(position + 1)...] where !suppressed[j] {
                let b = boxes[j]
                let w = max(0, min(a.x2, b.x2) - max(a.x1, b.x1) + one)
                let h = max(0, min(a.y2, b.y2) - max(a.y1, b.y1) + one)
                let inter = w * h
                let ratio = overlap == .union ? inter / (areas[i] + areas[j] - inter) : inter / min(areas[i], areas[j])
                if ratio > threshold { suppressed[j] = true }
            }
        }
        return kept
    }
}
