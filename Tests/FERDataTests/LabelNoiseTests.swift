import FERData
import Foundation
import Testing

@Suite struct LabelNoiseTests {
    let names = ExpressionClasses.rafDB
    /// Class sizes that exercise rounding: 10 %, 20 %, 30 % of 15, 25, 5, 1 …
    let sizes = [15, 25, 5, 1, 40, 33, 7]
    var clean: [Int] { sizes.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) } }

    @Test(arguments: [0.1, 0.2, 0.3])
    func exactFractionFlipsRoundedCountPerClassAndNeverKeepsTheLabel(fraction: Double) throws {
        let noisy = try LabelNoise.inject(trainingLabels: clean, classNames: names, mode: .exactFraction(fraction), seed: 42)
        for c in 0..<7 {
            let members = clean.indices.filter { clean[$0] == c }
            let changed = members.filter { noisy.labels[$0] != c }.count
            #expect(changed == Int((fraction * Double(sizes[c])).rounded()), "class \(c)")
            #expect(noisy.matrix.counts[c][c] == sizes[c] - changed)
        }
        // Every chosen sample moved to another class (none "flipped" to itself).
        #expect(noisy.flippedIndices.count == noisy.matrix.flipped)
        #expect(noisy.matrix.flipped == sizes.map { Int((fraction * Double($0)).rounded()) }.reduce(0, +))
    }

    @Test func roundingIsHalfAwayFromZero() {
        #expect(LabelNoise.flipCount(classSize: 15, fraction: 0.1) == 2)  // 1.5 → 2
        #expect(LabelNoise.flipCount(classSize: 25, fraction: 0.1) == 3)  // 2.5 → 3
        #expect(LabelNoise.flipCount(classSize: 14, fraction: 0.1) == 1)  // 1.4 → 1
        #expect(LabelNoise.flipCount(classSize: 5, fraction: 0.3) == 2)   // 1.5 → 2
        #expect(LabelNoise.flipCount(classSize: 1, fraction: 0.3) == 0)
    }

    @Test func newLabelsAreUniformOverTheOtherClasses() throws {
        let many = Array(repeating: 2, count: 60_000)
        let noisy = try LabelNoise.inject(trainingLabels: many, classNames: names, mode: .exactFraction(0.3), seed: 1)
        let row = noisy.matrix.counts[2]
        #expect(row[2] == 42_000)
        for c in [0, 1, 3, 4, 5, 6] { #expect(abs(row[c] - 3000) < 250, "class \(c): \(row[c])") }
    }

    @Test func seededAndDifferentSeedsDiffer() throws {
        let a = try LabelNoise.inject(trainingLabels: clean, classNames: names, mode: .exactFraction(0.3), seed: 7)
        let b = try LabelNoise.inject(trainingLabels: clean, classNames: names, mode: .exactFraction(0.3), seed: 7)
        let c = try LabelNoise.inject(trainingLabels: clean, classNames: names, mode: .exactFraction(0.3), seed: 8)
        #expect(a.labels == b.labels && a.labels != c.labels)
    }

    @Test func perSampleProbabilityIsApproximate() throws {
        let labels = (0..<20_000).map { $0 % 7 }
        let noisy = try LabelNoise.inject(trainingLabels: labels, classNames: names, mode: .perSampleProbability(0.2), seed: 3)
        #expect(abs(noisy.matrix.noiseRate - 0.2) < 0.015, "rate \(noisy.matrix.noiseRate)")
        #expect(zip(labels, noisy.labels).allSatisfy { $0 == $1 || true })
        #expect(noisy.flippedIndices.allSatisfy { noisy.labels[$0] != labels[$0] })
    }

    @Test func pairFlipsMoveExactlyToThePartner() throws {
        let pairs = try LabelNoise.parsePairs("disgust:anger, Anger:DISGUST", classNames: names)
        #expect(pairs == [.init(from: 2, to: 5), .init(from: 5, to: 2)])
        let noisy = try LabelNoise.inject(trainingLabels: clean, classNames: names,
                                          mode: .pairFlips(pairs: pairs, fraction: 0.3), seed: 5)
        #expect(noisy.matrix.counts[2] == [0, 0, 3, 0, 0, 2, 0])   // 30 % of 5 → 2 (1.5 rounded up)
        #expect(noisy.matrix.counts[5] == [0, 0, 10, 0, 0, 23, 0]) // 30 % of 33 → 10
        for c in [0, 1, 3, 4, 6] { #expect(noisy.matrix.counts[c][c] == sizes[c]) }
    }

    @Test func pairSpecificationErrors() {
        let unknown = errorMessage { _ = try LabelNoise.parsePairs("disgust:angry", classNames: names) }
        #expect(unknown.contains("\"angry\"") && unknown.contains("Anger"), "\(unknown)")
        #expect(errorMessage { _ = try LabelNoise.parsePairs("disgust-anger", classNames: names) }.contains("malformed pair \"disgust-anger\""))
        #expect(errorMessage { _ = try LabelNoise.parsePairs("fear:fear", classNames: names) }.contains("to itself"))
        #expect(errorMessage { _ = try LabelNoise.parsePairs("fear:anger,fear:sadness", classNames: names) }.contains("two pairs"))
        #expect(errorMessage { _ = try LabelNoise.parsePairs(" ", classNames: names) }.contains("empty"))
        #expect(errorMessage { _ = try LabelNoise.inject(trainingLabels: [0], classNames: names, mode: .exactFraction(1.5), seed: 0) }
            .contains("1.5"))
        #expect(errorMessage { _ = try LabelNoise.inject(trainingLabels: [9], classNames: names, mode: .exactFraction(0.1), seed: 0) }
            .contains("label 9"))
    }

    @Test func matrixPrintsAndSavesAsCSV() throws {
        let matrix = NoiseMatrix(classNames: ["a", "b"], clean: [0, 0, 1, 1, 1], noisy: [0, 1, 1, 1, 0])
        #expect(matrix.counts == [[1, 1], [1, 2]] && matrix.flipped == 2 && abs(matrix.noiseRate - 0.4) < 1e-12)
        #expect(matrix.csv == "clean\\noisy,a,b\na,1,1\nb,1,2\n")
        #expect(matrix.table.contains("50.0%") && matrix.table.contains("33.3%") && matrix.table.contains("2 of 5"))
        let folder = TemporaryFolder()
        try matrix.save(csvPath: folder.file("noise.csv"))
        #expect(try String(contentsOfFile: folder.file("noise.csv"), encoding: .utf8) == matrix.csv)
    }
}
