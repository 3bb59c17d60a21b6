// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the binary and JSON parsers of ../Sources/Models. Kept out of the main
// package: an executable whose `main` comes from libFuzzer does not link without
// `-sanitize=fuzzer`, which would break a plain `swift build` there. See docs/robustness.md.
//
//   cd fuzz && swift build -Xswiftc -sanitize=fuzzer,address
//   .build/debug/FuzzGGUF -max_total_time=600 CORPUS_FOLDER
let package = Package(
    name: "DiffusionScopeFuzz",
    dependencies: [.package(name: "DiffusionScope", path: "..")],
    targets: [
        .target(name: "LibFuzzerDriver"),
        .executableTarget(name: "FuzzGGUF", dependencies: ["LibFuzzerDriver", .product(name: "Models", package: "DiffusionScope")]),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["LibFuzzerDriver", .product(name: "Models", package: "DiffusionScope")]),
        .executableTarget(name: "FuzzTokenizer", dependencies: ["LibFuzzerDriver", .product(name: "Models", package: "DiffusionScope")]),
    ],
    swiftLanguageModes: [.v5]
)
