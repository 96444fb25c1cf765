import Autodiff
import FERData
import Foundation
import Testing

/// A diagnostic, not part of CI (set FERDATA_PROBE=1, best in release): is the built-in data set
/// learnable but not trivial? Trains a softmax regression on fixed random convolution features
/// (16 random 5×5 filters on grey 48×48, ReLU, 4×4 average pooling) — a stand-in for a small
/// CNN whose first layer is not trained — and prints test accuracy and the confusion matrix.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FERDATA_PROBE"] == "1"))
struct LearnabilityProbe {
    @Test func randomFeatureClassifierOnSyntheticFaces() throws {
        let folder = TemporaryFolder()
        let start = Date()
        try SyntheticRAFDB.generate(at: folder.file("synthetic"), configuration: .init())
        print("generated 2000 + 600 images in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        let (train, test) = try RAFDB.load(root: folder.file("synthetic"))
        let side = 48, filters = 16, k = 5, pooled = (side - k + 1) / 4
        var g = RandomGenerator(seed: 1)
        let bank = (0..<(filters * k * k)).map { _ in Float(g.normal()) / Float(k) }
        let transform = ImageTransform(size: side, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])

        func features(_ dataset: ImageFileDataset) throws -> [[Float]] {
            try (0..<dataset.count).map { i in
                let chw = transform.apply(try dataset.loadImage(at: i), flip: false)
                var grey = [Float](repeating: 0, count: side * side)
                for p in 0..<(side * side) { grey[p] = (chw[p] + chw[side * side + p] + chw[2 * side * side + p]) / 3 }
                var out = [Float](repeating: 0, count: filters * pooled * pooled + 1)
                out[out.count - 1] = 1
                for f in 0..<filters {
                    for y in 0..<(pooled * 4) {
                        for x in 0..<(pooled * 4) {
                            var s: Float = 0
                            for dy in 0..<k { for dx in 0..<k { s += bank[f * k * k + dy * k + dx] * grey[(y + dy) * side + x + dx] } }
                            out[f * pooled * pooled + (y / 4) * pooled + x / 4] += max(0, s) / 16
                        }
                    }
                }
                return out
            }
        }
        let xTrain = try features(train), xTest = try features(test)
        let d = xTrain[0].count, c = 7
        var w = [Float](repeating: 0, count: d * c)
        var order = Array(0..<train.count)
        for epoch in 0..<30 {
            g.shuffle(&order)
            let lr: Float = 0.01 / Float(1 + epoch / 10)
            for i in order {
                let x = xTrain[i]
                var logits = (0..<c).map { j in (0..<d).reduce(Float(0)) { $0 + w[j * d + $1] * x[$1] } }
                let m = logits.max()!
                logits = logits.map { exp($0 - m) }
                let z = logits.reduce(0, +)
                for j in 0..<c {
                    let grad = logits[j] / z - (j == train.label(at: i) ? 1 : 0)
                    for t in 0..<d { w[j * d + t] -= lr * grad * x[t] }
                }
            }
        }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: c), count: c)
        for (i, x) in xTest.enumerated() {
            let scores = (0..<c).map { j in (0..<d).reduce(Float(0)) { $0 + w[j * d + $1] * x[$1] } }
            confusion[test.label(at: i)][scores.indices.max { scores[$0] < scores[$1] }!] += 1
        }
        let correct = (0..<c).reduce(0) { $0 + confusion[$1][$1] }
        let accuracy = Double(correct) / Double(test.count)
        print("test accuracy \(String(format: "%.3f", accuracy)) (majority class \(String(format: "%.3f", Double(test.classCounts.max()!) / Double(test.count))))")
        print(NoiseMatrix(classNames: test.classNames, clean: test.labels, noisy: (0..<test.count).map { i in
            let s = (0..<c).map { j in (0..<d).reduce(Float(0)) { $0 + w[j * d + $1] * xTest[i][$1] } }
            return s.indices.max { s[$0] < s[$1] }!
        }).table.replacingOccurrences(of: "Realised label noise (rows: clean label, columns: noisy label)",
                                       with: "Confusion (rows: true, columns: predicted)"))
        #expect(accuracy > 0.5)
    }
}
