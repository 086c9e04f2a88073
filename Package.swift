// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "syncbridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "syncbridge", targets: ["syncbridge"]),
        .library(name: "JSONCore", targets: ["JSONCore"]),
        .library(name: "SyncBridgeCore", targets: ["SyncBridgeCore"]),
        .library(name: "Cron", targets: ["Cron"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .library(name: "JSONata", targets: ["JSONata"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/async-kit.git", from: "1.22.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        // Stand-alone JSON value type shared by the libraries and the product.
        .target(name: "JSONCore", swiftSettings: swiftSettings),
        // Five-field cron expressions and their fire times.
        .target(name: "Cron", swiftSettings: swiftSettings),
        // JSON Schema draft 2020-12 and draft-07 validation.
        .target(
            name: "JSONSchema", dependencies: ["JSONCore"], resources: [.copy("Metaschemas")], swiftSettings: swiftSettings
        ),
        .target(name: "JSONata", swiftSettings: swiftSettings),
        .target(
            name: "SyncBridgeCore",
            dependencies: ["JSONCore", "Cron", "JSONSchema", "JSONata"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "AsyncKit", package: "async-kit"), .product(name: "NIOPosix", package: "swift-nio"),
                "SyncBridgeCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Delivery",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                "SyncBridgeCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Connectors",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                "SyncBridgeCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Integrated accounts' credentials as every provider caller uses them: OAuth tokens renewed once, in time.
        .target(
            name: "Accounts",
            dependencies: [
                "SyncBridgeCore", "Storage", "Connectors",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Runs",
            dependencies: ["SyncBridgeCore", "Storage", "Connectors"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Engine",
            dependencies: [
                "JSONata", .product(name: "NIOCore", package: "swift-nio"),
                "SyncBridgeCore", "Storage", "Delivery", "Connectors", "Accounts", "Runs",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SyncBridgeServer",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "SyncBridgeCore", "Storage", "Delivery", "Connectors", "Accounts", "Runs",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ZendeskSandbox",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "JSONCore", "SyncBridgeCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `syncbridge bench …` measurements, and the reference job the demo runs too.
        .target(
            name: "Benchmarks",
            dependencies: [
                "JSONCore", "JSONata", "Cron", "SyncBridgeCore", "Storage", "Connectors", "Engine", "Runs", "SyncBridgeServer", "ZendeskSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "syncbridge",
            dependencies: [
                "Benchmarks", "Delivery", "JSONCore", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "SyncBridgeCore", "Storage", "SyncBridgeServer", "Cron", "JSONSchema", "JSONata", "ZendeskSandbox", "Engine", "Connectors", "Runs",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SyncBridgeTestSupport",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"), "JSONCore", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "Storage", "SyncBridgeServer", "SyncBridgeCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "JSONCoreTests", dependencies: ["JSONCore"], swiftSettings: swiftSettings),
        .testTarget(name: "JSONataTests", dependencies: ["JSONata", "SyncBridgeTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "JSONCore", "SyncBridgeTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ZendeskSandboxTests",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                "ZendeskSandbox", "JSONCore", "SyncBridgeCore", "SyncBridgeTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CronTests", dependencies: ["Cron", "JSONCore", "SyncBridgeTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DeliveryTests", dependencies: ["Delivery", "JSONCore", "SyncBridgeTestSupport"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Delivery", "JSONCore", .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "Engine", "Connectors", "Runs", "Storage", "SyncBridgeCore", "Cron", "ZendeskSandbox", "SyncBridgeTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SyncBridgeCoreTests", dependencies: ["SyncBridgeCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "SyncBridgeCore", "SyncBridgeTestSupport", .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncBridgeCLITests",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                "JSONCore", "Storage", "SyncBridgeCore", "SyncBridgeTestSupport", "ZendeskSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncBridgeServerTests",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                "SyncBridgeServer", "Storage", "SyncBridgeCore", "Delivery", "SyncBridgeTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
