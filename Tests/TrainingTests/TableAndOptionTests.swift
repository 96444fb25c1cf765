import ArgumentParser
import LRN
import Testing
@testable import Training
@testable import Experiments

@Suite("Paper tables")
struct PaperTableTests {
    @Test("Table 1 carries the paper's numbers and ours in the paper's column order")
    func table1() {
        let t = PaperTables.table1(ours: [.ce: [30: [.rafdb: 0.7012]], .humCLD: [30: [.rafdb: 0.7534]]])
        #expect(t.columns == ["Method", "RAF-DB 10%", "AffectNet 10%", "RAF-DB 20%", "AffectNet 20%", "RAF-DB 30%", "AffectNet 30%"])
        #expect(t.rows[4] == ["Our Method (paper)", "85.45", "59.49", "83.41", "58.21", "81.84", "57.09"])
        #expect(t.rows[5] == ["Baseline (ours)", "-", "-", "-", "-", "70.12", "-"])
        #expect(t.rows[6].last == "-" && t.rows[6][5] == "75.34")
    }

    @Test("Table 2 and Table 3 rows")
    func tables2and3() {
        let t2 = PaperTables.table2(ours: [.hum: [.rafdb: 0.5]])
        #expect(t2.rows[2] == ["LRN", "L_cls", "88.35", "50.00", "60.59", "-"])
        let t3 = PaperTables.table3(ours: [.ferplus: 0.8])
        #expect(t3.rows.first == ["DLP-CNN [1]", "80.89", "54.47", "-"])
        #expect(t3.rows.last == ["LRN (ours, this implementation)", "-", "-", "80.00"])
    }

    @Test("a printed table has aligned columns; its CSV has one line per row")
    func formatting() {
        var t = ResultTable(title: "T", columns: ["name", "acc"], notes: ["note"])
        t.addRow(["long name", "1.00"])
        t.addRow(["x", "99.50"])
        #expect(t.formatted() == "T\nname         acc\n----------------\nlong name   1.00\nx          99.50\nnote")
        #expect(t.csv() == "name,acc\nlong name,1.00\nx,99.50\n")
    }
}

@Suite("Command-line options")
struct OptionTests {
    func message(_ arguments: [String]) -> String? {
        do {
            _ = try ExperimentOptions.parse(arguments)
            return nil
        } catch {
            return ExperimentOptions.message(for: error)
        }
    }

    @Test("defaults parse; every flag is accepted")
    func accepted() throws {
        let o = try ExperimentOptions.parse(["--data", "/d", "--noise", "0.3", "--noise-mode", "pairs", "--noise-pairs", "disgust:anger",
                                             "--method", "all", "--epochs", "3", "--batch-size", "8", "--lr", "0.01", "--optimizer", "adam",
                                             "--backbone", "small", "--image-size", "48", "--mc-samples", "10", "--temperature", "0.5",
                                             "--lambda", "0.5", "--seed", "4", "--pretrained", "w.safetensors", "--output", "out",
                                             "--resume", "--threads", "2"])
        #expect(o.method == .all && o.method!.methods.count == 4)
        #expect(try ExperimentOptions.parse(["--method", "hum+cld,ce"]).method!.methods == [.humCLD, .ce])
        #expect(o.noiseMode == .pairs && o.optimizer == .adam && o.backbone == .small && o.resume)
        #expect(try ExperimentOptions.parsePairs(o.noisePairs!).map { "\($0.source)>\($0.target)" } == ["disgust>anger"])
        let defaults = try ExperimentOptions.parse([])
        #expect(defaults.method == nil && defaults.temperature == 0.7 && defaults.lambda == 1 && !defaults.resume)
    }

    @Test("--sync-batch-norm reaches the settings; off by default")
    func syncBatchNorm() throws {
        #expect(try ExperimentSettings.resolve(try ExperimentOptions.parse(["--sync-batch-norm"]), dataset: .rafDB).synchronizeBatchNorm)
        #expect(!(try ExperimentSettings.resolve(try ExperimentOptions.parse([]), dataset: .rafDB).synchronizeBatchNorm))
    }

    @Test("--method takes the paper's four and the names a program offers; another name is refused naming it and the choices")
    func methodNames() throws {
        let o = try ExperimentOptions.parse(["--data", "/d", "--method", "ce,gce"])
        #expect(o.method!.methods == [.ce, MethodName("gce")])
        #expect(throws: TrainingError.invalidOption("--method gce: no such method; expected one of ce, ce+cld, hum, hum+cld, a comma-separated list of them, or all")) {
            try ExperimentSettings.resolve(o, dataset: .rafDB)
        }
        let settings = try ExperimentSettings.resolve(o, dataset: .rafDB, customMethods: [MethodName("gce")])
        #expect(settings.methods == [.ce, MethodName("gce")])
        #expect(settings.fingerprint(for: MethodName("gce")).entries["method"] == "gce")
        #expect(MethodName.paper.map(\.rawValue) == ["ce", "ce+cld", "hum", "hum+cld"])
        #expect(MethodName.paper.map(\.objective) == Objective.allCases)
    }

    @Test("invalid values are refused with a message naming the flag and the value")
    func refused() {
        #expect(message(["--noise", "30"])!.contains("--noise must be a fraction in [0, 1), e.g. 0.3 for 30 %; got 30.0"))
        #expect(message(["--epochs", "0"])!.contains("--epochs must be at least 1; got 0"))
        #expect(message(["--lr=-1"])!.contains("--lr must be a positive number"))
        #expect(message(["--method", "svm!"])!.contains("svm!"))
        #expect(message(["--noise-mode", "pairs"])!.contains("--noise-mode pairs needs --noise-pairs"))
        #expect(message(["--noise-pairs", "disgust-anger"])!.contains("'disgust-anger' is not source:target"))
        #expect(message(["--temperature", "0"])!.contains("--temperature must be positive"))
        #expect(message(["--image-size", "4"])!.contains("--image-size must be between 16 and 1024 pixels; got 4"))
        #expect(message(["--threads", "0"])!.contains("--threads must be at least 1"))
    }

    /// The settings' schedule fields are public: a bad value set in code is an error naming
    /// them, not a trap inside `plan`.
    @Test("a schedule set out of range in code is an error naming the field")
    func scheduleOutOfRange() throws {
        var settings = try ExperimentSettings.resolve(try ExperimentOptions.parse(["--schedule", "step"]), dataset: .rafDB)
        #expect(try settings.plan(resuming: []).schedule.learningRate(epoch: 10, baseLearningRate: 1) == 0.1)
        settings.decayEvery = 0
        #expect {
            try settings.plan(resuming: [])
        } throws: { error in
            "\(error)".contains("ExperimentSettings.decayEvery 0") && "\(error)".contains("stepSize must be >= 1")
        }
    }

    @Test("--help tells the truth about --data: only Example-RAFDB and Example-Tables have a built-in data set")
    func helpAboutData() throws {
        let help = ExperimentOptions.helpMessage(columns: 1000)
        #expect(help.contains("Required, except by Example-RAFDB and Example-Tables"))
        #expect(!help.contains("Without it, a built-in synthetic data set is generated and used"))
        // The defaults the help states are the ones resolve() applies.
        let builtIn = try ExperimentSettings.resolve(try ExperimentOptions.parse([]), dataset: .rafDB)
        #expect(help.contains("\(builtIn.epochs) on the built-in data") && help.contains("\(builtIn.learningRate) on the built-in data"))
        #expect(help.contains("Default: adam for AffectNet and the built-in data, else sgd") && builtIn.optimizer == .adam)
        #expect(throws: TrainingError.self) { try ExperimentSettings.resolve(try ExperimentOptions.parse([]), dataset: .imageFolder) }
    }

    @Test("a negative number after a numeric flag is its value (no '=' needed), so the flag's own check names it")
    func negativeValues() throws {
        #expect(message(["--noise", "-0.1"])!.contains("--noise must be a fraction in [0, 1), e.g. 0.3 for 30 %; got -0.1"))
        #expect(message(["--lr", "-1"])!.contains("--lr must be a positive number; got -1.0"))
        #expect(message(["--epochs", "-2"])!.contains("--epochs must be at least 1; got -2"))
        #expect(message(["--hum-init-scale", "-1"])!.contains("--hum-init-scale must be 0"))
        #expect(message(["--lambda", "-0.5"])!.contains("--lambda must be zero or positive; got -0.5"))
        #expect(try ExperimentOptions.parse(["--noise", "0.2", "--resume"]).resume)
        // A flag where a value belongs is named as an invalid value of the option before it.
        #expect(message(["--epochs", "--resume"])!.contains("--epochs"))
    }
}
