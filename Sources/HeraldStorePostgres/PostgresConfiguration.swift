import Foundation
public import HeraldCore
import PostgresNIO

/// Where the PostgreSQL store connects and how it batches, read from a `postgres://` URL:
///
/// ```
/// postgres://herald:secret@db.internal:5432/herald?sslmode=require&schema=herald
/// ```
///
/// Query options: `sslmode` (`disable`, `prefer` or `require`; `prefer` when absent), `schema`
/// (created by ``PostgresStore/migrate()`` and put first on the search path; `public` when absent).
public struct PostgresConfiguration: Sendable {
    /// How the connection uses TLS.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The schema Herald's tables live in.
    public var schema: String?
    /// The most connections this process opens.
    public var maxConnections: Int
    /// How long a request waits for a connection before the store reports itself unavailable
    /// (so the API answers 503 rather than hanging while the database is down).
    public var acquireTimeout: Duration
    public var groupCommitWindow: Duration
    public var groupCommitMaxBatch: Int
    /// The most messages waiting to be stored; past it an enqueue fails at once with
    /// ``StoreError/busy(_:)`` (backpressure) instead of memory growing.
    public var maxPendingWrites = 20_000

    public init(
        host: String,
        port: Int = 5432,
        username: String,
        password: String? = nil,
        database: String,
        tls: TLSMode = .prefer,
        schema: String? = nil,
        maxConnections: Int = 20,
        acquireTimeout: Duration = .seconds(5),
        groupCommitWindow: Duration = .microseconds(200),
        groupCommitMaxBatch: Int = 1000
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.schema = schema
        self.maxConnections = maxConnections
        self.acquireTimeout = acquireTimeout
        self.groupCommitWindow = groupCommitWindow
        self.groupCommitMaxBatch = groupCommitMaxBatch
    }

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL with its password replaced by `***`, fit for a log line or an error message.
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "postgres://…"
    }

    /// Reads a `postgres://user:password@host:port/database?sslmode=…&schema=…` URL.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` naming what is wrong.
    public init(url text: String) throws(HeraldError) {
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw .invalidConfiguration("database.url must look like postgres://user:password@host:5432/database (got a malformed URL)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidConfiguration("database.url has no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidConfiguration("database.url has no user name (postgres://USER@host/database)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw .invalidConfiguration("database.url has no database name (postgres://user@host/DATABASE)")
        }
        self.init(
            host: host,
            port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database
        )
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: item.value ?? "") else {
                    throw .invalidConfiguration("database.url sslmode must be disable, prefer or require (got '\(item.value ?? "")')")
                }
                tls = mode
            case "schema":
                guard let schema = item.value, Self.isPlainIdentifier(schema) else {
                    throw .invalidConfiguration("database.url schema must be 1–63 of a-z, 0-9 and _, starting with a letter")
                }
                self.schema = schema
            default:
                throw .invalidConfiguration("database.url has an unknown option '\(item.name)' (known: sslmode, schema)")
            }
        }
    }

    /// The pool configuration PostgresNIO takes.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectTimeout = .seconds(5)
        if let schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        configuration.options.additionalStartupParameters.append(("application_name", "herald"))
        return configuration
    }

    /// Whether `text` can be used unquoted as a schema name.
    static func isPlainIdentifier(_ text: String) -> Bool {
        guard (1...63).contains(text.utf8.count), let first = text.utf8.first,
              (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
