import Autodiff
import ArgumentParser
import Foundation
import Inference

struct ExampleExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-Export",
        abstract: "Write a run's model.safetensors (the model alone, with its metadata) from its training checkpoint.",
        discussion: """
        Every training run writes model.safetensors itself; this converts runs trained before that, \
        or writes the file elsewhere. --run is one method's folder (e.g. runs/built-in-rafdb/hum-cld) or \
        its checkpoint.safetensors. The file loads in Example-Predict and, with Tools/lrn_model.py, in PyTorch \
        (Documentation/Checkpoints.md, "The exported model").

        Examples:
          swift run -c release Example-Export --run runs/built-in-rafdb/hum-cld
          swift run -c release Example-Export --run runs/built-in-rafdb/ce --output ce-model.safetensors --overwrite
        """)

    @Option(name: .customLong("run"), help: ArgumentHelp("A run folder (holding checkpoint.safetensors) or the checkpoint file.", valueName: "folder"))
    var runFolder: String

    @Option(help: ArgumentHelp("Where to write (default: model.safetensors in the run folder).", valueName: "file"))
    var output: String?

    @Flag(help: "Replace an existing output file.")
    var overwrite = false

    mutating func run() throws {
        Kernels.configure()  // threads for OpenBLAS too, and the storage cache's limit
        let start = Date()
        let (url, metadata) = try RunExport.export(run: URL(fileURLWithPath: runFolder), to: output.map { URL(fileURLWithPath: $0) }, overwrite: overwrite)
        let seconds = Date().timeIntervalSince(start)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        print("Wrote \(url.path) (\(size) bytes) in \(String(format: "%.2f", seconds)) s")
        print("  \(metadata.backbone.name) backbone \(metadata.backbone.widths), objective \(metadata.objective), \(metadata.classNames.count) classes: \(metadata.classNames.joined(separator: ", "))")
        print("  images \(metadata.imageSize)x\(metadata.imageSize), mean \(metadata.mean), std \(metadata.std); T = \(metadata.temperature), S = \(metadata.sampleCount), covariance \(metadata.covariance)")
    }
}

ExampleExport.main()
