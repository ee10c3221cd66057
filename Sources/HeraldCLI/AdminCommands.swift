import ArgumentParser
import HeraldClient
import HeraldCore

/// `herald tenants …`, `herald keys …`, `herald profiles …`: the admin key's tasks.
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "List, create, disable and enable tenants (admin key).",
        discussion: """
            Examples:
              HERALD_ADMIN_KEY=… herald tenants
              herald tenants create --name "Shop One" --quota 10000/month --events-url https://app.example.com/herald-events
              herald tenants disable shop-1
            """,
        subcommands: [List.self, Show.self, Create.self, Disable.self, Enable.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every tenant.")
        @OptionGroup var client: ClientOptions
        func run() async throws {
            let tenants = try await client.admin().tenants()
            AdminOutput.show(tenants, json: client.json, columns: ["id", "name", "status", "quota", "default_channel", "events_url"])
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One tenant.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var id: String
        func run() async throws { AdminOutput.show(try await client.admin().tenant(id: id), json: client.json) }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A new tenant (its id is made when --id is left out).")
        @OptionGroup var client: ClientOptions
        @Option(help: "1–64 of a-z, 0-9, - and _.") var id: String?
        @Option(help: "A name people read.") var name: String?
        @Option(help: "A quota such as 10000/month or 500/day.") var quota: String?
        @Option(name: .customLong("events-url"), help: "Where the tenant's status events go.") var eventsURL: String?

        func run() async throws {
            var body: [String: JSONValue] = [:]
            if let id { body["id"] = .string(id) }
            if let name { body["name"] = .string(name) }
            if let eventsURL { body["events_url"] = .string(eventsURL) }
            if let quota {
                let parts = quota.split(separator: "/")
                guard parts.count == 2, let limit = Int(parts[0]), ["day", "month"].contains(parts[1]) else {
                    throw ValidationError("--quota must look like 10000/month or 500/day")
                }
                body["quota"] = .object(["limit": .integer(Int64(limit)), "period": .string(String(parts[1]))])
            }
            AdminOutput.show(try await client.admin().createTenant(body), json: client.json)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a tenant: its keys get 401.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var id: String
        func run() async throws { AdminOutput.show(try await client.admin().setDisabled(true, tenant: id), json: client.json) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a tenant again.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var id: String
        func run() async throws { AdminOutput.show(try await client.admin().setDisabled(false, tenant: id), json: client.json) }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List, create and revoke a tenant's API keys (admin key).",
        discussion: """
            Examples:
              herald keys list shop-1
              herald keys create shop-1 --name checkout-service     (the secret is shown this once)
              herald keys revoke shop-1 key_01JD…
            """,
        subcommands: [List.self, Create.self, Revoke.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A tenant's keys, by prefix.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var tenant: String
        func run() async throws {
            AdminOutput.show(try await client.admin().keys(tenant: tenant), json: client.json, columns: ["id", "name", "prefix", "status", "created_at"])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A new key; its secret is shown this once.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var tenant: String
        @Option(help: "A label.") var name: String?
        func run() async throws { AdminOutput.show(try await client.admin().createKey(tenant: tenant, name: name), json: client.json) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var tenant: String
        @Argument(help: "The key's id.") var key: String
        func run() async throws { AdminOutput.show(try await client.admin().revokeKey(tenant: tenant, key: key), json: client.json) }
    }
}

struct ProfilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List, create, delete and check a tenant's sender profiles (admin key).",
        discussion: """
            Examples:
              herald profiles list shop-1
              herald profiles create shop-1 --name wa-main --channel whatsapp --default \\
                  --config '{"phone_number_id": "1065", "access_token": "EAAG…"}'
              herald profiles check shop-1 wa-main
            """,
        subcommands: [List.self, Show.self, Create.self, Delete.self, Check.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A tenant's profiles (credentials masked).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var tenant: String
        func run() async throws {
            AdminOutput.show(try await client.admin().profiles(tenant: tenant), json: client.json, columns: ["name", "channel", "default", "dry_run", "outlet_ids"])
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One profile (credentials masked).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var tenant: String
        @Argument(help: "The profile's name.") var name: String
        func run() async throws { AdminOutput.show(try await client.admin().profile(tenant: tenant, name: name), json: client.json) }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A new profile.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var tenant: String
        @Option(help: "Its name.") var name: String
        @Option(help: "whatsapp, twilio, botserver or webhook.") var channel: String
        @Option(help: "The provider's settings as a JSON object.") var config: String
        @Option(help: "Outlets whose messages use it, comma-separated.") var outlets: String?
        @Flag(name: .customLong("default"), help: "The tenant's profile for its channel.") var isDefault = false
        @Flag(name: .customLong("dry-run"), help: "Messages sent with it go nowhere.") var dryRun = false

        func run() async throws {
            guard let settings = JSONValue.decode(config.utf8)?.objectValue else { throw ValidationError("--config must be a JSON object") }
            var body: [String: JSONValue] = [
                "name": .string(name), "channel": .string(channel), "config": .object(settings),
                "default": .bool(isDefault), "dry_run": .bool(dryRun),
            ]
            if let outlets { body["outlet_ids"] = .array(outlets.split(separator: ",").map { .string(String($0)) }) }
            AdminOutput.show(try await client.admin().createProfile(tenant: tenant, body), json: client.json)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a profile no waiting message uses.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var tenant: String
        @Argument(help: "The profile's name.") var name: String
        func run() async throws {
            try await client.admin().deleteProfile(tenant: tenant, name: name)
            if !client.json { print("deleted \(name)") }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask the provider whether the credentials work.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The tenant's id.") var tenant: String
        @Argument(help: "The profile's name.") var name: String
        func run() async throws { AdminOutput.show(try await client.admin().checkProfile(tenant: tenant, name: name), json: client.json) }
    }
}

/// How admin answers are shown: JSON as it came, or a table of chosen fields.
enum AdminOutput {
    static func show(_ items: [JSONValue], json: Bool, columns: [String]) {
        if json {
            print(JSONWriter.string(.array(items)))
            return
        }
        Terminal.printTable([columns.map { $0.uppercased() }] + items.map { item in columns.map { text(item[$0]) } })
    }

    static func show(_ item: JSONValue, json: Bool) {
        if json {
            print(JSONWriter.string(item))
            return
        }
        let fields = (item.objectValue ?? [:]).sorted { $0.key < $1.key }
        Terminal.printTable([["FIELD", "VALUE"]] + fields.map { [$0.key, text($0.value)] })
    }

    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let text)?: text
        case let other?: JSONWriter.string(other)
        }
    }
}
