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

        --study NAME runs a multi-seed study instead of the tables (Documentation/Reproducing.md, \
        "The study runner"): \(Study.names.joined(separator: ", ")). Each cell trains once per seed in \
        <output>/<cell>/seed-<seed>/; the study writes <name>-runs.csv, <name>-summary.csv (mean ± std \
        over seeds), <name>-differences.csv (paired differences between cells, seed by seed), \
        <name>-runs.json and SVG charts into --output and prints the summary and the differences. \
        On the built-in data, noise-levels and objectives are Tables 1 and 2 with seeds. \
        --scale quick runs a tiny grid (a few dozen 32×32 images, one or two epochs) that checks \
        the pipeline in about a minute.

        Examples:
          swift run -c release Example-Tables --study memorisation --output runs/study-memorisation
          swift run -c release Example-Tables --study seeds --scale quick
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

    @Option(help: ArgumentHelp("Run a multi-seed study instead of the tables: \(Study.names.joined(separator: ", ")).", valueName: "name"))
    var study: String?

    @Option(help: "The study's size: full (what Reproducing.md reports) or quick (a tiny grid that checks the runner).")
    var scale: StudyScale = .full

    @Option(help: ArgumentHelp("The study's seeds, comma-separated (default: the study's own, 3 to 5 at full scale).", valueName: "list"))
    var seeds: String?

    mutating func validate() throws {
        if let study {
            guard Study.names.contains(study) else { throw ValidationError("--study must be one of \(Study.names.joined(separator: ", ")); got \(study)") }
            guard table == "all" else { throw ValidationError("--study and --table exclude each other: a study runs its own grid") }
            _ = try parsedSeeds()
        } else if seeds != nil {
            throw ValidationError("--seeds is for --study")
        }
        guard ["1", "2", "3", "all"].contains(table) else { throw ValidationError("--table must be 1, 2, 3 or all; got \(table)") }
        if options.noise != nil || options.method != nil {
            throw ValidationError("--noise and --method are set by each table; leave them out (use Example-RAFDB for a single run)")
        }
    }

    /// `--seeds 0,1,2` → [0, 1, 2]; nil when not given.
    func parsedSeeds() throws -> [UInt64]? {
        guard let seeds else { return nil }
        let values = seeds.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--seeds must be comma-separated non-negative integers such as 0,1,2; got \(seeds)")
        }
        return values.map { $0! }
    }

    mutating func run() throws {
        if let name = study, var chosen = Study.named(name, scale: scale) {
            if let list = try parsedSeeds() { chosen.seeds = list }
            let output = URL(fileURLWithPath: options.output ?? "runs/study-\(name)\(scale == .quick ? "-quick" : "")")
            let runs = try StudyRunner.run(chosen, options: options, output: output, resume: options.resume, overwrite: options.overwrite)
            let table = try StudyReport.write(runs, study: chosen, scale: scale, output: output)
            let differences = StudyReport.differences(runs, study: chosen)
            print("\n" + table.formatted() + "\n\n" + differences.formatted() + "\n(files in \(output.path))")
            return
        }
        let run = PaperTableRun(options: options, tables: table == "all" ? ["1", "2", "3"] : [table], affectNet: affectnet, ferPlus: ferplus)
        for (url, t) in try run.run(build: ModelFactory.build) {
            print("\n" + t.formatted() + "\n(saved as \(url.path))")
        }
    }
}

ExampleTables.main()
