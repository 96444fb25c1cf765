import Foundation
import Layers
import Testing
@testable import Training
@testable import Experiments

@Suite("Pretraining study")
struct PretrainingStudyTests {
    @Test("the quick pretraining study trains the clean run first, starts the pretrained cells from its model file, and reads all back with --resume")
    func pretrainingEndToEnd() throws {
        let options = try StudyTests.dataOptions()
        let study = Study.named("pretraining", scale: .quick)!
        let output = try temporaryFolder("study-pretraining")
        let silent = ProgressDisplay(style: .silent)
        let runs = try StudyRunner.run(study, options: options, output: output, resume: false, overwrite: false, progress: silent)
        #expect(runs.map(\.cell) == ["ce", "ce", "lrn", "lrn", "ce pretrained", "ce pretrained", "lrn pretrained", "lrn pretrained"])

        let modelFile = output.appendingPathComponent("pretraining/model.safetensors")
        let pretrainingRun = try JSONDecoder().decode(StudyRun.self, from: Data(contentsOf: output.appendingPathComponent("pretraining/run.json")))
        #expect(pretrainingRun.result.settings["noise"] == "0.0" && pretrainingRun.result.settings["data"]?.contains("seed=1") == true)
        // The clean set is not the study's data: 48 images of its own.
        #expect(pretrainingRun.result.settings["training_images"] == "48")
        for run in runs {
            let pretrained = run.result.settings["pretrained"]
            #expect(pretrained == (run.cell.hasSuffix("pretrained") ? modelFile.path : "none"), "\(run.cell)")
        }
        // The file holds the backbone the pretrained cells load.
        let model = ModelFactory.make(method: .ce, settings: try ExperimentSettings.resolve(options, dataset: .rafDB).withSmallBackbone, classCount: 7)
        #expect(try ModelFactory.loadPretrainedBackbone(model, from: modelFile).contains("under \"backbone.\""))

        // Nothing is trained over without being asked, the pretraining run included.
        try FileManager.default.removeItem(at: output.appendingPathComponent("ce"))
        try FileManager.default.removeItem(at: output.appendingPathComponent("lrn"))
        try FileManager.default.removeItem(at: output.appendingPathComponent("ce-pretrained"))
        try FileManager.default.removeItem(at: output.appendingPathComponent("lrn-pretrained"))
        #expect { try StudyRunner.run(study, options: options, output: output, resume: false, overwrite: false, progress: silent) }
            throws: { "\($0)".contains("pretraining run of an earlier study") }
        let before = try Data(contentsOf: modelFile)
        let again = try StudyRunner.run(study, options: options, output: output, resume: true, overwrite: false, progress: silent)
        #expect(again.count == runs.count)
        #expect(try Data(contentsOf: modelFile) == before)
    }
}

extension ExperimentSettings {
    /// The quick studies' backbone, for building a model to load their files into.
    var withSmallBackbone: ExperimentSettings {
        var s = self
        s.backbone = .small
        return s
    }
}
