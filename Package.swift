// swift-tools-version:6.0
import PackageDescription
import Foundation

// Without a CPU target Swift lowers SIMD fused multiply-adds to per-lane libm calls (~150x slower).
// DSCOPE_MARCH picks the target for portable binaries, e.g. DSCOPE_MARCH=x86-64-v3.
let kernelFlags: [SwiftSetting] = {
    #if arch(x86_64)
    let march = ProcessInfo.processInfo.environment["DSCOPE_MARCH"] ?? "native"
    let cpu: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=\(march)"])]
    #else
    let cpu: [SwiftSetting] = []
    #endif
    // Kernels stay optimised in debug builds so `swift test` runs at a usable speed.
    return cpu + [
        .unsafeFlags(["-O", "-enforce-exclusivity=unchecked"], .when(configuration: .debug)),
        .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    ]
}()

// The int8 kernels (C, so the integer dot-product intrinsics are at hand): the same CPU target,
// optimised in debug builds too. Instructions past the target are chosen at run time.
let cKernelFlags: [CSetting] = {
    #if arch(x86_64)
    let march = ProcessInfo.processInfo.environment["DSCOPE_MARCH"] ?? "native"
    let cpu: [CSetting] = [.unsafeFlags(["-march=\(march)"])]
    #else
    let cpu: [CSetting] = []
    #endif
    return cpu + [.unsafeFlags(["-O3"])]
}()

let package = Package(
    name: "DiffusionScope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dscope", targets: ["dscope"]),
        // For the libFuzzer package in fuzz/, which builds the parsers with sanitizers.
        .library(name: "Models", targets: ["Models"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        .target(name: "CKernels", cSettings: cKernelFlags),
        .target(name: "Kernels", dependencies: ["CKernels"], swiftSettings: kernelFlags),
        .target(name: "Models", dependencies: ["Kernels"],
                resources: [.copy("Resources/tiny-arith")]),
        .target(name: "Decoder", dependencies: ["Models"]),
        // A model whose forward runs in dscope-server (server/, docs/server.md).
        .target(name: "Remote", dependencies: ["Decoder"]),
        // Linked through the module map; pkg-config's -D flags would be dropped anyway (TUI.md).
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .target(name: "TUI", dependencies: ["Decoder", "CNcursesw"]),
        .executableTarget(name: "dscope", dependencies: [
            "TUI", "Decoder", "Models", "Kernels", "Remote",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Fixture readers more than one test target uses (not shipped in the dscope product).
        .target(name: "TestFixtures", dependencies: ["Models"], path: "Tests/TestFixtures"),
        .target(name: "DecoderTestFixtures", dependencies: ["Decoder"], path: "Tests/DecoderTestFixtures"),
        .target(name: "Tolerance", path: "Tests/Tolerance"),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "Tolerance"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "TestFixtures", "Tolerance"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "DecoderTests", dependencies: ["Decoder", "TestFixtures", "DecoderTestFixtures"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TUITests", dependencies: ["TUI"]),
        .testTarget(name: "DscopeTests", dependencies: ["dscope"]),
        .testTarget(name: "RemoteTests", dependencies: ["Remote", "Decoder", "Kernels", "Models", "DecoderTestFixtures"]),
        // Seeded mutations of every format through its loader (docs/robustness.md).
        .testTarget(name: "RobustnessTests", dependencies: ["Kernels", "Models", "Decoder", "TUI"],
                    exclude: ["Seeds"]),
    ],
    swiftLanguageModes: [.v5]
)
