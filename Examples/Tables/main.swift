import ArgumentParser
import Foundation
import FERData
import Experiments
import Training

struct ExampleTables: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-Tables",
        abstract: "Run the paper's Tables 1-3 and print them in the paper's layout, the paper's numbers beside ours.",
        discussion: """
        Table 1: synthetic label noise 10/20/30 % on RAF-DB and AffectNet, baseline (CE) vs LRN.
        Table 2: the ablation CE / CE+CLD / HUM / HUM+CLD on the clean RAF-DB and AffectNet.
        Table 3: LRN on the clean RAF-DB, AffectNet and FERPlus.

        RAF-DB comes from --data (or the built-in synthetic data set when absent, with its quick \
        settings); AffectNet from --affectnet, FERPlus from --ferplus. Columns of data sets not \
        given print "-". --noise and --method are set by each table. Each cell is one training \
        run in <output>/<dataset>-noise<N>-<method>/. Every data set, flag and cell folder is \
        checked before the first cell trains; a cell folder holding an earlier run is refused unless \
        --resume or --overwrite is given. With --resume, started cells continue from their \
        checkpoints (finished ones are read back, not trained again) and cells without one train \
        from epoch 1; at least one cell must have a checkpoint. Tables are saved as CSV in --output.

        Examples:
          swift run -c release Example-Tables --table 1
          swift run -c release Example-Tables --data ~/RAF-DB/basic --affectnet ~/AffectNet --ferplus ~/FERPlus
          (after a kill, or to read the tables again: the same command plus --resume)
        """)

    @OptionGroup var options: ExperimentOptions

    @Option(help: "Which table: 1, 2, 3 or all.")
    var table: String = "all"

    @Option(help: ArgumentHelp("AffectNet's root folder (training.csv, validation.csv).", valueName: "path"))
    var affectnet: String?

    @Option(help: ArgumentHelp("FERPlus's root folder (fer2013.csv, fer2013new.csv).", valueName: "path"))
    var ferplus: String?

    mutating func validate() throws {
        guard ["1", "2", "3", "all"].contains(table) else { throw ValidationError("--table must be 1, 2, 3 or all; got \(table)") }
        if options.noise != nil || options.method != nil {
            throw ValidationError("--noise and --method are set by each table; leave them out (use Example-RAFDB for a single run)")
        }
    }

    mutating func run() throws {
        let run = PaperTableRun(options: options, tables: table == "all" ? ["1", "2", "3"] : [table], affectNet: affectnet, ferPlus: ferplus)
        for (url, t) in try run.run(build: ModelFactory.build) {
            print("\n" + t.formatted() + "\n(saved as \(url.path))")
        }
    }
}

ExampleTables.main()
