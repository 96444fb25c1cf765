import ArgumentParser
import FERData
import Experiments
import Training

struct ExampleAffectNet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-AffectNet",
        abstract: "Train LRN (or any objective) on AffectNet with the paper's protocol.",
        discussion: """
        --data (required) is the folder holding training.csv and validation.csv (and the image folders they \
        name). The validation set (500 images per class) is the test set. The paper's protocol: \
        ResNet18, 112×112, Adam lr 1e-4 ×0.1 every 10 epochs, class-balanced batches of 64 (every \
        class in every batch), S = 1000, T = 0.7, λ₁ = 1.

        Examples:
          swift run -c release Example-AffectNet --data ~/data/AffectNet --method all
          swift run -c release Example-AffectNet --data ~/data/AffectNet --noise 0.2 --method ce
        """)

    @OptionGroup var options: ExperimentOptions

    @Option(parsing: .unconditional, help: "7 (without contempt) or 8 classes.")
    var classes: Int = 8

    mutating func validate() throws {
        guard classes == 7 || classes == 8 else { throw ValidationError("--classes must be 7 or 8; got \(classes)") }
    }

    mutating func run() throws {
        let settings = try ExperimentSettings.resolve(options, dataset: .affectNet)
        try ExperimentRunner.run(settings, data: .init(affectNetClasses: classes), build: ModelFactory.build)
    }
}

ExampleAffectNet.main()
