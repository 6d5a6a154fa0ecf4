// swift-tools-version:6.0
// Latent: a Jupyter kernel that teaches autoencoders.
// Dependencies point one way: latent -> JupyterKernel -> Session -> Language, Pictures, Neural, Datasets
// -> Support -> C shims.
import PackageDescription

// Numeric code is unusable unoptimised; the engine and pictures are always built with -O
// so that even `swift test` in debug runs the real MNIST in seconds.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "Latent",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "latent", targets: ["latent"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C shims: Debian's libraries through pkg-config, wrapped into throwing Swift above them.
        .systemLibrary(
            name: "CZeroMQ", path: "Sources/CZeroMQ", pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // Hand-written C kernels no library here offers (sparse-by-dense products), built with
        // -O3 in every configuration and compiled for AVX-512, AVX2 and plain x86-64;
        // -fno-math-errno lets square roots vectorise.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),

        // What the numeric targets share: SplitMix64 and the seeded generator it starts (xoshiro256**),
        // and the one team of threads (LATENT_THREADS) that the engine and the pictures run on.
        .target(name: "Support", dependencies: ["CKernels"], swiftSettings: optimised),
        // The words a model is made of (activations, padding, pooling, initialisations), defined
        // once for the parser, the session and the engine. No dependencies.
        .target(name: "Terms"),

        // Data files: gzip through zlib, IDX parsing, the bundled MNIST with its checksums; zlib's
        // CRC-32 for the session's saved model files.
        .target(
            name: "Datasets",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: optimised),
        // The numeric engine: tensors over BLAS, layers, losses, optimizers, training.
        // -fno-math-errno: square roots become sqrtps instead of errno-setting sqrtf calls, so the
        // optimizer loops vectorise.
        .target(
            name: "Neural", dependencies: ["Terms", "Support", "CBLAS", "CKernels"],
            swiftSettings: optimised + [.unsafeFlags(["-Xcc", "-fno-math-errno"])]),
        // The lesson language: lexer, parser, syntax tree, diagnostics. Only the shared words.
        .target(name: "Language", dependencies: ["Terms"]),
        // PNG / APNG over zlib, digit grids, SVG charts; PCA, KernelPCA, t-SNE.
        .target(name: "Pictures", dependencies: ["Support", "CZlib", "CBLAS"], swiftSettings: optimised),
        // The interpreter: names -> datasets, models, settings; statements; MIME bundles.
        .target(name: "Session", dependencies: ["Language", "Pictures", "Neural", "Datasets", "Support"]),
        // Jupyter messaging over ZeroMQ, HMAC signing, threads, kernelspec install.
        .target(
            name: "JupyterKernel",
            dependencies: [
                "Session", "CZeroMQ",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "latent",
            dependencies: [
                "JupyterKernel", "Session",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Benchmarks (`make bench`): each prints Latent's figure beside the reference's, as a ratio.
        .executableTarget(
            name: "NeuralBench", dependencies: ["Neural", "Datasets", "Support"], path: "bench/NeuralBench"),
        .executableTarget(
            name: "PicturesBench", dependencies: ["Pictures", "Datasets"], path: "bench/PicturesBench"),
        .executableTarget(name: "SessionBench", dependencies: ["Session"], path: "bench/SessionBench"),

        .testTarget(
            name: "NeuralTests", dependencies: ["Neural", "Datasets", "Support"],
            resources: [.copy("Reference")], swiftSettings: optimised),
        .testTarget(name: "SupportTests", dependencies: ["Support"], swiftSettings: optimised),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "LanguageTests", dependencies: ["Language", "Neural", "Support"]),
        .testTarget(
            name: "PicturesTests", dependencies: ["Pictures", "Datasets"], resources: [.copy("Reference")]),
        .testTarget(
            name: "SessionTests", dependencies: ["Session", "Datasets"],
            resources: [.copy("scripts"), .copy("Fixtures")]),
        .testTarget(name: "JupyterKernelTests", dependencies: ["JupyterKernel"]),
    ]
)
