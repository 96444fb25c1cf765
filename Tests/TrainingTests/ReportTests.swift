import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Autodiff
@testable import Training
@testable import Experiments

@Suite("Reports")
struct ReportTests {
    func result() -> RunResult {
        var m = ConfusionMatrix(classNames: ["Happiness", "Anger, hot"])
        m.add(truths: [0, 0, 1, 1], predictions: [0, 1, 1, 1])
        let history = [
            EpochRecord(epoch: 1, learningRate: 0.1, trainLoss: 1.5, trainAccuracy: 0.4, testAccuracy: 0.5, testMeanClassAccuracy: 0.5, seconds: 2),
            EpochRecord(epoch: 2, learningRate: 0.1, trainLoss: 0.9, trainAccuracy: 0.6, testAccuracy: 0.75, testMeanClassAccuracy: 0.75, seconds: 2),
        ]
        return RunResult(name: "ce noise 30%", settings: ["method": "ce"], history: history, confusion: m, noiseMatrix: [[9, 1], [2, 8]])
    }

    @Test("CSV files hold the values, with fields that contain commas quoted")
    func csv() {
        let r = result()
        #expect(Reports.historyCSV(r.history).split(separator: "\n")[2] == "2,0.1,0.9,0.6,0.75,0.75,2.000")
        #expect(Reports.confusionCSV(r.confusion) == "true\\predicted,Happiness,\"Anger, hot\"\nHappiness,1,1\n\"Anger, hot\",0,2\n")
        #expect(Reports.perClassCSV(r.confusion).contains("Happiness,2,1,0.5\n"))
        #expect(Reports.csv([["a\"b"]]) == "\"a\"\"b\"\n")
    }

    @Test("loss axes end at a round value just above the largest loss")
    func axis() {
        #expect(SVGCharts.niceCeiling(2.0045) == 2.5)
        #expect(SVGCharts.niceCeiling(1.0) == 1.0)
        #expect(SVGCharts.niceCeiling(7) == 8)
        #expect(abs(SVGCharts.niceCeiling(0.31) - 0.4) < 1e-12)
        #expect(SVGCharts.epochTicks(low: 1, high: 30) == [1, 6, 11, 16, 21, 26])
    }

    @Test("the JSON round-trips to the same result")
    func json() throws {
        let r = result()
        let decoded = try JSONDecoder().decode(RunResult.self, from: Data(try Reports.json(r).utf8))
        #expect(decoded == r)
        #expect(decoded.finalTestAccuracy == 0.75 && decoded.bestTestAccuracy == 0.75)
    }

    @Test("every report file is written, and the SVGs are well-formed XML with the data in them")
    func files() throws {
        let folder = try temporaryFolder("reports")
        let written = try Reports.write(result(), to: folder)
        for url in written.all { #expect(FileManager.default.fileExists(atPath: url.path), "\(url.path)") }
        #expect(written.json.lastPathComponent == "ce-noise-30--results.json")
        for svg in [written.curvesSVG, written.confusionSVG] {
            let data = try Data(contentsOf: svg)
            let parser = XMLParser(data: data)
            #expect(parser.parse(), "\(svg.lastPathComponent) is not well-formed: \(String(describing: parser.parserError))")
        }
        let confusion = try String(contentsOf: written.confusionSVG, encoding: .utf8)
        #expect(confusion.contains(">Anger, hot</text>"))
        #expect(confusion.contains(">50%</text>") && confusion.contains(">100%</text>"))
        let curves = try String(contentsOf: written.curvesSVG, encoding: .utf8)
        #expect(curves.components(separatedBy: "<polyline").count == 4)  // loss, train acc, test acc
        // No temporary files are left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}

@Suite("Checkpoint files")
struct CheckpointFileTests {
    @Test("tensors and metadata round-trip bit for bit; the layout is safetensors")
    func roundTrip() throws {
        let url = try temporaryFolder("ckpt").appendingPathComponent("a.safetensors")
        let t = Autodiff.Tensor<Float>(shape: [2, 3], scalars: [1, -2, .pi, 0, Float.leastNonzeroMagnitude, 1e30])
        try CheckpointFile(tensors: ["w": t, "b": Autodiff.Tensor(shape: [1], scalars: [5])], metadata: ["k": "v"]).write(to: url)
        let bytes = try Data(contentsOf: url)
        let headerLength = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + 7 * 4)
        let back = try CheckpointFile.read(from: url)
        #expect(back.metadata == ["k": "v"])
        #expect(back.tensors["w"]!.shape == [2, 3])
        #expect(back.tensors["w"]!.scalars.map(\.bitPattern) == t.scalars.map(\.bitPattern))
    }

    @Test("a missing, truncated or foreign file is refused with a message naming it and the fault")
    func unreadable() throws {
        let folder = try temporaryFolder("bad")
        func message(_ url: URL) -> String {
            do { _ = try TrainingCheckpoint.read(from: url); return "no error" } catch { return "\(error)" }
        }
        let missing = folder.appendingPathComponent("missing.safetensors")
        #expect(message(missing) == "cannot read checkpoint \(missing.path): no such file")

        let short = folder.appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: short)
        #expect(message(short) == "cannot read checkpoint \(short.path): safetensors: file is 3 bytes, too small for the 8-byte header length")

        let text = folder.appendingPathComponent("notes.safetensors")
        try Data("hello world, this is not a checkpoint".utf8).write(to: text)
        #expect(message(text).hasPrefix("cannot read checkpoint \(text.path): safetensors: header length"))

        let good = folder.appendingPathComponent("good.safetensors")
        try CheckpointFile(tensors: ["w": Autodiff.Tensor<Float>(shape: [4], scalars: [1, 2, 3, 4])], metadata: [:]).write(to: good)
        #expect(message(good).contains("not a training checkpoint"))
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try Data(contentsOf: good).dropLast(4).write(to: truncated)
        #expect(message(truncated) == "cannot read checkpoint \(truncated.path): safetensors: tensors need 16 bytes of data but the file holds 12 after the header")
    }
}
