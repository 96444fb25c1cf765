import ArgumentParser
import FERData
import Experiments
import Training

struct ExampleRAFDB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-RAFDB",
        abstract: "Train the baseline and LRN on RAF-DB (basic) and compare them.",
        discussion: """
        Without --data, generates a built-in synthetic data set of faces in RAF-DB's layout \
        (cached, so later runs reuse it), injects 30 % label noise, trains CE and LRN \
        (HUM + CLD) on a small backbone, and prints the comparison: a few minutes on 2 cores.

        With --data PATH (the folder holding EmoLabel/list_patition_label.txt and \
        Image/aligned/), runs the paper's protocol: ResNet18, 112×112 images, SGD momentum 0.9, \
        weight decay 1e-4, lr 1e-4 ×0.1 every 10 epochs, batch 64, S = 1000, T = 0.7, λ₁ = 1. \
        Add --pretrained with MS-Celeb-1M ResNet18 weights to match the paper.

        Examples:
          swift run -c release Example-RAFDB
          swift run -c release Example-RAFDB --data ~/data/RAF-DB/basic --noise 0.3 --method all
          swift run -c release Example-RAFDB --data ~/data/RAF-DB/basic --train-list noisy30.txt
        """)

    @OptionGroup var options: ExperimentOptions

    @Option(name: .customLong("train-list"), help: ArgumentHelp("An alternative training label list in RAF-DB's format (e.g. a published 10/20/30 % noisy list); the test set keeps the clean labels.", valueName: "file"))
    var trainList: String?

    mutating func run() throws {
        let settings = try ExperimentSettings.resolve(options, dataset: .rafDB)
        try ExperimentRunner.run(settings, data: .init(trainingLabelList: trainList), build: ModelFactory.build)
    }
}

ExampleRAFDB.main()
