// swift-tools-version:6.0
import PackageDescription

// No unsafeFlags anywhere: other packages can depend on this one by version.
// OpenMP is reached through the runtime's own entry points (see Sources/CKernels/parallel.c).
let package = Package(
    name: "LRN",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Autodiff", targets: ["Autodiff"]),
        .library(name: "Layers", targets: ["Layers"]),
        .library(name: "LRN", targets: ["LRN"]),
        .library(name: "FERData", targets: ["FERData"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "FaceDetection", targets: ["FaceDetection"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "Distributed", targets: ["Distributed"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C kernels and the system libraries they and the image decoders link. oneDNN 2.x
        // (libdnnl-dev) is the float32 convolution engine (Sources/CKernels/conv_onednn.c); it is
        // linked here by name like OpenBLAS, since a module map's `link` only reaches Swift
        // importers, not C. omp5 first: the GOMP_* calls of OpenBLAS and oneDNN (both built on
        // libgomp) bind to LLVM's runtime, so one thread pool serves all three.
        .target(
            name: "CKernels",
            linkerSettings: [
                .linkedLibrary("omp5"),
                .linkedLibrary("dnnl"),
                .linkedLibrary("openblas"),
                .linkedLibrary("lapacke"),
                .linkedLibrary("m"),
            ]
        ),
        // Probes and switches only the tests use, kept out of CKernels' public header.
        .target(name: "CKernelsTestSupport", dependencies: ["CKernels"]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),

        // The library, in dependency order.
        .target(name: "Autodiff", dependencies: ["CKernels"]),
        .target(name: "Layers", dependencies: ["Autodiff"]),
        .target(name: "LRN", dependencies: ["Autodiff", "Layers"]),
        .target(name: "FERData", dependencies: ["Autodiff", "CTurboJPEG", "CPNG"]),
        // After training: the exported model file, prediction, contact sheets.
        // (FaceDetection: expressions of the faces found in ordinary photos.)
        .target(name: "Inference", dependencies: ["Autodiff", "Layers", "LRN", "FERData", "FaceDetection"]),
        // MTCNN face detection and alignment; the trained weights ship as resources (Weights/).
        .target(name: "FaceDetection", dependencies: ["Autodiff", "Layers", "FERData"], resources: [.copy("Weights")]),
        // The reusable loop (any model, any loss, Autodiff's optimisers), then the paper's
        // experiments on top of it: flags, data sets, the four objectives, the paper's tables.
        .target(name: "Training", dependencies: ["Autodiff", "Layers", "CKernels"]),
        // Data-parallel training over MPI (Documentation/Distributed.md): Training's
        // `ProcessGroup` on Open MPI, found through pkg-config. Only Distributed, Experiments
        // and the examples link MPI; the library products below Training do not.
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev"]), .brew(["open-mpi"])]),
        .target(name: "Distributed", dependencies: ["CMPI", "Training"]),
        .target(
            name: "Experiments",
            dependencies: [
                "Autodiff", "Layers", "LRN", "FERData", "Training", "Inference", "FaceDetection", "Distributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Runnable examples: one per experiment of the paper, plus the benchmarks.
        .executableTarget(name: "Example-RAFDB", dependencies: ["Experiments"], path: "Examples/RAFDB"),
        .executableTarget(name: "Example-AffectNet", dependencies: ["Experiments"], path: "Examples/AffectNet"),
        .executableTarget(name: "Example-FERPlus", dependencies: ["Experiments"], path: "Examples/FERPlus"),
        .executableTarget(name: "Example-ImageFolder", dependencies: ["Experiments"], path: "Examples/ImageFolder"),
        .executableTarget(name: "Example-Tables", dependencies: ["Experiments"], path: "Examples/Tables"),
        .executableTarget(
            name: "Example-Export",
            dependencies: ["Autodiff", "Inference", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Export"
        ),
        .executableTarget(
            name: "Example-Predict",
            dependencies: ["Autodiff", "Inference", "FaceDetection", "FERData", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Predict"
        ),
        .executableTarget(name: "Example-Audit", dependencies: ["Experiments", "Inference"], path: "Examples/Audit"),
        .executableTarget(name: "Example-Tutorial", dependencies: ["Autodiff", "Layers", "LRN", "Training", "Experiments"], path: "Examples/Tutorial"),
        .executableTarget(
            name: "Example-Faces",
            dependencies: ["Autodiff", "FaceDetection", "FERData", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Faces"
        ),
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["Autodiff", "Layers", "LRN", "CKernels"],
            path: "Examples/Benchmarks"
        ),

        // Fuzz targets (Documentation/Reliability.md): Scripts/fuzz.sh builds them with -D FUZZING
        // and -sanitize=fuzzer; a plain build replays the input files named on the command line.
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .target(
            name: "FuzzHarnesses",
            dependencies: ["CLibFuzzer", "CTurboJPEG", "Autodiff", "Layers", "FERData"],
            path: "Fuzz/Harnesses"
        ),
        .executableTarget(name: "Fuzz-PNG", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/PNG"),
        .executableTarget(name: "Fuzz-JPEG", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/JPEG"),
        .executableTarget(name: "Fuzz-SafeTensors", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/SafeTensors"),
        .executableTarget(name: "Fuzz-RAFDB", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/RAFDB"),
        .executableTarget(name: "Fuzz-FERPlus", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/FERPlus"),
        .executableTarget(name: "Fuzz-AffectNet", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/AffectNet"),

        // Runs the built example executables for the tests that check them end to end.
        .target(name: "ExecutableTestSupport", path: "Tests/ExecutableTestSupport"),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "CKernels", "CKernelsTestSupport"]),
        .testTarget(name: "LayersTests", dependencies: ["Autodiff", "Layers"]),
        .testTarget(name: "LRNTests", dependencies: ["Autodiff", "Layers", "LRN"]),
        .testTarget(name: "FERDataTests", dependencies: ["Autodiff", "FERData"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Experiments"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "Autodiff", "Layers", "LRN", "FERData", "FaceDetection", "ExecutableTestSupport"]),
        .testTarget(name: "FaceDetectionTests", dependencies: ["FaceDetection", "FERData", "Layers", "Autodiff", "ExecutableTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzHarnesses"]),
        // Data parallelism under mpirun: the tests start DistributedCheck with 1 and 2 processes.
        .executableTarget(name: "DistributedCheck", dependencies: ["Distributed", "Experiments", "Training", "LRN", "Layers", "Autodiff"],
                          path: "Tests/DistributedCheck"),
        .testTarget(name: "DistributedTests", dependencies: ["Training", "Distributed", "DistributedCheck"]),
    ],
    swiftLanguageModes: [.v5]
)
