import ArgumentParser
import Foundation
import HeraldClient
import HeraldCore

/// Flags shared by the commands that talk to a running Herald server.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Herald's address (default: HERALD_URL, else http://localhost:8080).")
    var server: String?

    @Option(name: .long, help: "The API key (default: HERALD_API_KEY; for tenants, keys and profiles HERALD_ADMIN_KEY).")
    var key: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Option(name: .long, help: "The longest one call to the server may take, such as 30s (connecting takes at most 5s of it).")
    var timeout = "60s"

    /// A client for the server and key given.
    /// - Throws: `ValidationError` naming what is missing.
    func herald() throws -> Herald {
        Herald(serverURL: try serverURL(), apiKey: try apiKey(), httpClient: CommandLineHTTPClient.shared, timeout: try callTimeout())
    }

    func callTimeout() throws -> Duration {
        guard let duration = DurationText.parse(timeout), duration > .zero else {
            throw ValidationError("--timeout must be a duration such as 30s (got '\(timeout)')")
        }
        return duration
    }

    /// An admin client: `--key`, else `HERALD_ADMIN_KEY`.
    func admin() throws -> HeraldAdmin {
        guard let key = key ?? ProcessInfo.processInfo.environment["HERALD_ADMIN_KEY"], !key.isEmpty else {
            throw ValidationError("give the admin key with --key or HERALD_ADMIN_KEY")
        }
        return HeraldAdmin(serverURL: try serverURL(), adminKey: key, httpClient: CommandLineHTTPClient.shared, timeout: try callTimeout())
    }

    func serverURL() throws -> URL {
        let text = server ?? ProcessInfo.processInfo.environment["HERALD_URL"] ?? "http://localhost:8080"
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()), url.host != nil else {
            throw ValidationError("--server / HERALD_URL must be an http(s) URL such as http://localhost:8080 (got '\(text)')")
        }
        return url
    }

    func apiKey() throws -> String {
        guard let key = key ?? ProcessInfo.processInfo.environment["HERALD_API_KEY"], !key.isEmpty else {
            throw ValidationError("give the API key with --key or HERALD_API_KEY")
        }
        return key
    }
}
