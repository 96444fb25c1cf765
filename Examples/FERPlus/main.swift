import ArgumentParser
import FERData
import Experiments
import Training

struct ExampleFERPlus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-FERPlus",
        abstract: "Train LRN (or any objective) on FERPlus with the paper's protocol.",
        discussion: """
        --data (required) is the folder holding fer2013.csv (FER2013's pixels) and fer2013new.csv (FERPlus's \
        votes). Labels are the majority vote over the 8 emotions; rows whose majority is unknown \
        or not-a-face are dropped. The 48×48 grey images are resized to --image-size (112 by \
        default). Protocol as RAF-DB: SGD momentum 0.9, weight decay 1e-4, lr 1e-4.

        Example:
          swift run -c release Example-FERPlus --data ~/data/FERPlus --method hum+cld
        """)

    @OptionGroup var options: ExperimentOptions

    mutating func run() throws {
        let settings = try ExperimentSettings.resolve(options, dataset: .ferPlus)
        try ExperimentRunner.run(settings, build: ModelFactory.build)
    }
}

ExampleFERPlus.main()
