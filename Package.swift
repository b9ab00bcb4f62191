// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "TokenPlan",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "tokenplan", targets: ["tokenplan"]),
    .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    .library(name: "CurveFitting", targets: ["CurveFitting"]),
    .library(name: "TokenPlanCore", targets: ["TokenPlanCore"]),
    .library(name: "Demand", targets: ["Demand"]),
    .library(name: "Forecasting", targets: ["Forecasting"]),
    .library(name: "Serving", targets: ["Serving"]),
    .library(name: "Capacity", targets: ["Capacity"]),
    .library(name: "Report", targets: ["Report"]),
    .library(name: "RunStore", targets: ["RunStore"]),
    .library(name: "ShardFormat", targets: ["ShardFormat"]),
    .library(name: "Documents", targets: ["Documents"]),
    .library(name: "OutputSafety", targets: ["OutputSafety"]),
    .library(name: "TokenPlan", targets: ["TokenPlan"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // CBLAS (OpenBLAS) + LAPACKE (netlib LAPACKE over OpenBLAS's liblapack).
    // lapacke.pc only adds -llapacke; the module map links openblas itself.
    .systemLibrary(
      name: "CLinearAlgebra", pkgConfig: "lapacke",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
    // exp/log over arrays through glibc's libmvec (vector math), dispatched at run time.
    .target(name: "CVectorMath", linkerSettings: [.linkedLibrary("mvec", .when(platforms: [.linux]))]),
    .target(name: "LinearAlgebra", dependencies: ["CLinearAlgebra", "CVectorMath"], exclude: ["README.md"]),
    // renameat2 (atomic exchange of an output directory), which Swift's Glibc does not import.
    .target(name: "CPosix"),
    .target(name: "CurveFitting", dependencies: ["LinearAlgebra"]),
    // The common floor: calendar dates and quarters, located user errors, the seeded generator,
    // JSON values, the tool's version and default seed. No dependencies.
    .target(name: "TokenPlanCore"),
    .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "Demand", dependencies: ["TokenPlanCore", "LinearAlgebra", "CZlib"], exclude: ["README.md"]),
    .target(
      name: "Forecasting", dependencies: ["TokenPlanCore", "CurveFitting", "Demand", "LinearAlgebra"],
      exclude: ["README.md"]),
    // Tokens to GPU-seconds: published serving measurements with their conditions, a calibrated
    // roofline estimator (KV-bounded batch, MoE experts touched), and the latency operating point.
    .target(name: "Serving", dependencies: ["LinearAlgebra"], exclude: ["README.md"]),
    .target(
      name: "Capacity",
      dependencies: ["TokenPlanCore", "LinearAlgebra", "Serving", .product(name: "Yams", package: "Yams")],
      exclude: ["README.md"]),
    // The run store: SQLite and libpq as system libraries (no Swift package to build; the
    // alternatives, GRDB and postgres-nio, cost minutes of build on 2 cores and pull in NIO).
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
    .target(name: "RunStore", dependencies: ["TokenPlanCore", "CSQLite", "CLibPQ"], exclude: ["README.md"]),
    .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
    .target(name: "XLSXReport", dependencies: ["CXLSXWriter"]),
    // cairo + pango for the PDF report and PNG charts; pangocairo.pc brings cairo, pango and glib.
    .systemLibrary(
      name: "CCairo", pkgConfig: "pangocairo", providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
    // The document model and its plain renderers (Markdown, LaTeX); no C.
    .target(name: "Report"),
    // The PDF and PNG renderers: the only code that sees cairo and pango.
    .target(name: "ReportPDF", dependencies: ["Report", "CCairo"]),
    // A sharded forecast's results on disk (result.bin, manifest.json) and their merge: the
    // format apart from the pipeline that writes it.
    .target(
      name: "ShardFormat",
      dependencies: [
        "TokenPlanCore", "Demand", "Forecasting", "LinearAlgebra", .product(name: "Crypto", package: "swift-crypto"),
      ], exclude: ["README.md"]),
    // What TokenPlan writes, written safely: an output directory replaced only when it is the
    // tool's own, locked, staged and published atomically; single files likewise; checked stdout.
    .target(name: "OutputSafety", dependencies: ["TokenPlanCore", "CPosix"], exclude: ["README.md"]),
    // A run's documents, built from its typed results: the report's tables, charts and text,
    // the workbook, the notebook, the CSV/JSON tables, and the writers of every output file.
    .target(
      name: "Documents",
      dependencies: [
        "TokenPlanCore", "Demand", "Forecasting", "Serving", "Capacity", "RunStore", "Report", "ReportPDF", "XLSXReport",
      ], exclude: ["README.md"]),
    .target(
      name: "TokenPlan",
      dependencies: [
        "TokenPlanCore", "CurveFitting", "Demand", "Forecasting", "Serving", "Capacity", "LinearAlgebra", "XLSXReport", "Report",
        "ReportPDF", "CPosix", "RunStore", "ShardFormat", "Documents", "OutputSafety",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      exclude: ["README.md"]),
    // The CLI's sources import only TokenPlan and ArgumentParser. The stage modules are listed
    // too because TokenPlan's public types hold theirs: SwiftPM recompiles a target only when a
    // listed dependency's module changes, and a stale CLI would read a changed layout wrongly.
    .executableTarget(
      name: "tokenplan",
      dependencies: [
        "TokenPlan", "TokenPlanCore", "LinearAlgebra", "CurveFitting", "Demand", "Forecasting", "Serving", "Capacity", "Report",
        "XLSXReport", "RunStore", "ShardFormat", "Documents", "OutputSafety",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // libFuzzer targets (scripts/fuzz.sh builds them with -sanitize=fuzzer -DFUZZING); the
    // ordinary build replays corpus files, which the tests run over Fuzz/corpus/.
    .target(name: "FuzzSupport"),
    .executableTarget(name: "fuzz-demand-loader", dependencies: ["TokenPlanCore", "Demand", "FuzzSupport"], path: "Sources/FuzzDemandLoader"),
    .executableTarget(name: "fuzz-plan-reader", dependencies: ["TokenPlanCore", "Capacity", "FuzzSupport"], path: "Sources/FuzzPlanReader"),
    .executableTarget(
      name: "fuzz-shard-decoder", dependencies: ["ShardFormat", "Forecasting", "FuzzSupport"], path: "Sources/FuzzShardDecoder"),
    .executableTarget(
      name: "fuzz-run-store-reader", dependencies: ["RunStore", "CSQLite", "TokenPlanCore", "FuzzSupport"],
      path: "Sources/FuzzRunStoreReader"),
    // Shared by the test targets only (the package root, for reading datasets/).
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
    .testTarget(name: "RunStoreTests", dependencies: ["RunStore", "TokenPlanCore", "TestSupport"], exclude: ["schema-v1.sql"]),
    .testTarget(name: "ReportTests", dependencies: ["Report", "ReportPDF", "TestSupport"]),
    .testTarget(name: "XLSXReportTests", dependencies: ["XLSXReport", "TestSupport"]),
    .testTarget(name: "CurveFittingTests", dependencies: ["CurveFitting", "LinearAlgebra", "TestSupport"]),
    .testTarget(name: "DemandTests", dependencies: ["TokenPlanCore", "Demand", "LinearAlgebra", "TestSupport"]),
    .testTarget(name: "CapacityTests", dependencies: ["TokenPlanCore", "Capacity", "Serving", "LinearAlgebra", "TestSupport"]),
    .testTarget(name: "ServingTests", dependencies: ["Serving", "LinearAlgebra", "TestSupport"]),
    .testTarget(
      name: "ForecastingTests", dependencies: ["TokenPlanCore", "Forecasting", "Demand", "CurveFitting", "LinearAlgebra", "TestSupport"],
      exclude: ["reference"]),
    .testTarget(
      name: "TokenPlanCLITests",
      dependencies: [
        "TokenPlan", "TokenPlanCore", "LinearAlgebra", "CurveFitting", "Demand", "Forecasting", "Serving", "Capacity", "Report",
        "XLSXReport", "RunStore", "ShardFormat", "Documents", "OutputSafety", "tokenplan", "TestSupport", .product(name: "Yams", package: "Yams"),
      ],
      exclude: ["reference", "readback", "Snapshots", "Fixtures"]),
  ]
)
