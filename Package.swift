// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "restrack",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "restrack", targets: ["restrack"]),
        .executable(name: "restrack-bench", targets: ["restrack-bench"]),
        .library(name: "TrackerCore", targets: ["TrackerCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CPCI", pkgConfig: "libpci", providers: [.apt(["libpci-dev", "pci.ids"])]),
        .systemLibrary(name: "CNuma", pkgConfig: "numa", providers: [.apt(["libnuma-dev"])]),
        .target(name: "TrackerCore"),
        // The one bounded reader of files a path names (host documents,
        // sysfs, themes), apart from TrackerCore, which does no file I/O.
        .target(name: "BoundedFile"),
        .target(
            name: "HostProbes",
            dependencies: [
                "TrackerCore", "BoundedFile", "CPCI", "CNuma",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Ledger",
            dependencies: [
                "TrackerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libcurl's easy interface, typed for Swift (curl_easy_setopt is
        // variadic). libcurl4-openssl-dev provides the header and library.
        .target(name: "CCurlShim", linkerSettings: [.linkedLibrary("curl")]),
        // Publishing to / auditing against OpenStack Placement over HTTP
        // (libcurl, blocking on the calling thread: no new package).
        .target(
            name: "Placement",
            dependencies: ["TrackerCore", "CCurlShim"]
        ),
        .target(
            name: "Dashboard",
            dependencies: [
                "TrackerCore", "BoundedFile", "CNcursesw",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "restrack",
            dependencies: [
                "TrackerCore", "BoundedFile", "HostProbes", "Ledger", "Dashboard", "Placement",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release builds link the Swift runtime and Foundation statically:
            // the dynamic loader's relocations across a dozen Swift and ICU
            // libraries were 8 ms of every restrack start (3 ms static). The
            // objects are compiled against the shared modules, whose autolink
            // entries leave out Foundation's own static dependencies, so they
            // are named here. Debug builds and `swift test` are unchanged.
            linkerSettings: [
                .unsafeFlags([
                    // lld, which the toolchain ships: gold repeats glibc's
                    // link-time warning about mktemp in static Foundation.
                    "-use-ld=lld",
                    "-static-stdlib",
                    "-Xlinker", "--start-group",
                    "-lcurl",
                    "-lFoundation", "-lFoundationXML", "-l_CFXMLInterface", "-lFoundationEssentials", "-lFoundationInternationalization", "-lCoreFoundation",
                    "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
                    "-lswiftDispatch", "-lswiftSynchronization", "-lswift_RegexParser", "-lswift_StringProcessing",
                    "-lswift_Concurrency", "-lswiftGlibc",
                    "-Xlinker", "--end-group",
                    // FoundationXML's parser is the system libxml2 (shared:
                    // its static archive would drag in all of the system ICU).
                    "-lxml2",
                    "-lstdc++",
                ], .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        .executableTarget(
            name: "restrack-bench",
            dependencies: [
                "TrackerCore", "HostProbes", "Ledger", "Dashboard", "Placement",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the test targets share: the machine's test environment, the
        // seeded generator and the child-process helpers, one copy each.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TrackerCoreTests", dependencies: ["TrackerCore", "TestSupport"]),
        .testTarget(name: "HostProbesTests", dependencies: ["HostProbes", "BoundedFile", "TrackerCore", "TestSupport"]),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Ledger", "TrackerCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "BoundedFile", "TrackerCore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TrackerCore", "TestSupport"]),
        .testTarget(
            name: "PlacementTests",
            dependencies: ["Placement", "Ledger", "TrackerCore", "HostProbes", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The CLI's own types (the dashboard's ledger-backed claim service).
        .testTarget(
            name: "RestrackTests",
            dependencies: ["restrack", "Ledger", "TrackerCore", "HostProbes", "Dashboard"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
