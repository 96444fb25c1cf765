import ArgumentParser
import FERData
import Experiments
import Training

struct ExampleImageFolder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-ImageFolder",
        abstract: "Train the baseline and LRN on your own images, one folder per class.",
        discussion: """
        --data (required) is a folder laid out as train/<class>/*.jpg|png and test/<class>/*.jpg|png; the \
        classes are the sorted folder names, the same in train and test. Defaults follow the \
        paper's RAF-DB protocol (ResNet18, 112×112, SGD lr 1e-4): from scratch, without \
        --pretrained, a larger --lr such as 0.01 and --backbone small train far faster.

        Ordinary photos rather than face crops: --align detects each photo's face with MTCNN \
        (the largest when there are several), aligns it to --image-size, caches the crop \
        (--align-cache) and trains on the crops; photos without a face are skipped and listed \
        in <output>/alignment-report.csv (Documentation/Faces.md).

        Examples:
          swift run -c release Example-ImageFolder --data ~/my-faces --method ce,hum+cld
          swift run -c release Example-ImageFolder --data ~/my-faces --backbone small --image-size 48 --lr 0.05 --method all
          swift run -c release Example-ImageFolder --data ~/my-photos --align --backbone small --image-size 48 --lr 0.05
        """)

    @OptionGroup var options: ExperimentOptions

    mutating func run() throws {
        let settings = try ExperimentSettings.resolve(options, dataset: .imageFolder)
        try ExperimentRunner.run(settings, build: ModelFactory.build)
    }
}

ExampleImageFolder.main()
