import Foundation
import HeraldCore
import HeraldChannels
import HeraldServer
import HeraldStoreSQLite
import HeraldTestSupport
import Testing

struct ConfigurationLoaderTests {
    static func write(_ yaml: String) throws -> String {
        let path = try TemporaryDirectory.make().appendingPathComponent("herald.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsRunOutOfTheBox() throws {
        let configuration = try ConfigurationLoader(file: nil, environment: [:]).load()
        #expect(configuration.app.port == 8080)
        #expect(configuration.database.path == "herald.sqlite")
        #expect(configuration.database.durability == .full)
        #expect(configuration.dispatcher.leaseDuration == .seconds(30))
        #expect(try configuration.retryPolicy() == .webhookDefault)
        _ = try configuration.dispatcherConfiguration()
    }

    @Test func yamlThenEnvironmentThenFlags() throws {
        let path = try Self.write("""
            app:
              port: 9000
              environment: staging
            database:
              path: from-yaml.sqlite
            dispatcher:
              concurrency: 10
              lease_duration: 45s
            retry:
              schedule: [1s, 5s]
            webhook:
              url: https://yaml.test/hook
              headers:
                X-Team: payments
              endpoints:
                - url_prefix: https://partner.test/
                  secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                  bearer_token: partner-token
            """)
        let environment = [
            "HERALD_PORT": "9100",
            "HERALD_DISPATCH_CONCURRENCY": "20",
            "HERALD_RETRY_SCHEDULE": "1s,5s,30s",
            "HERALD_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "HERALD_LEASE_DURATION": "1m",
        ]
        let configuration = try ConfigurationLoader(file: path, environment: environment, overrides: [("app.port", "9200")]).load()
        #expect(configuration.app.port == 9200)
        #expect(configuration.app.environment == "staging")
        #expect(configuration.database.path == "from-yaml.sqlite")
        #expect(configuration.dispatcher.concurrency == 20)
        #expect(configuration.dispatcher.leaseDuration == .seconds(60))
        #expect(configuration.retry.schedule == [.seconds(1), .seconds(5), .seconds(30)])
        #expect(try configuration.retryPolicy().maxAttempts == 4)
        #expect(configuration.webhook.url == "https://yaml.test/hook")
        #expect(configuration.webhook.secret == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(configuration.webhook.headers == ["X-Team": "payments"])
        #expect(configuration.webhook.endpoints.first?.settings.bearerToken == "partner-token")
        #expect(configuration.webhook.endpoints.first?.tenants == [.default], "an entry without tenants serves only the default tenant")
    }

    @Test func webhookEndpointsAreForTheTenantsTheyListAndABadPrefixStopsStartUpNamingTheEntry() throws {
        let path = try Self.write("""
            webhook:
              endpoints:
                - url_prefix: https://partner.test/in
                  tenants: [shop-1, shop-2]
                  bearer_token: partner-token
            """)
        let configuration = try ConfigurationLoader(file: path, environment: [:]).load()
        #expect(configuration.webhook.endpoints.first?.tenants == [TenantID("shop-1"), TenantID("shop-2")])
        #expect(configuration.webhook.endpoints.first?.prefix.matches("https://partner.test/in/x") == true)
        #expect(configuration.webhook.endpoints.first?.prefix.matches("https://partner.test/inbox") == false)
        for (entry, problem) in [
            ("url_prefix: partner.test/in", "webhook.endpoints[1].url_prefix must be an absolute http:// or https:// URL"),
            ("url_prefix: https://partner.test/\n    tenants: shop-1", "webhook.endpoints[1].tenants must be a list of tenant ids"),
            ("url_prefix: https://partner.test/\n    token: x", "webhook.endpoints[1]: unknown setting 'token'"),
        ] {
            let bad = try Self.write("webhook:\n  endpoints:\n  - url_prefix: https://ok.test/\n  - \(entry)\n")
            let error = #expect(throws: HeraldError.self) { try ConfigurationLoader(file: bad, environment: [:]).load() }
            #expect(error?.message.hasPrefix(problem) == true, "\(String(describing: error))")
        }
    }

    @Test func webhookRateLimitsAreReadByHostAndBadOnesStopStartUp() throws {
        let configuration = try ConfigurationLoader(file: nil, environment: ["HERALD_WEBHOOK_RATE_LIMITS": "Hooks.Example.com=50/100, slow.test=0.5"]).load()
        #expect(configuration.webhook.rateLimits["hooks.example.com"] == HostRate(rate: 50, burst: 100))
        #expect(configuration.webhook.rateLimits["slow.test"] == HostRate(rate: 0.5, burst: 1))
        for bad in ["hooks.example.com", "=5", "x=0", "x=inf", "x=5/0", "x=5/2/3", "x=fast"] {
            #expect(throws: HeraldError.self, "\(bad)") {
                try ConfigurationLoader(file: nil, environment: ["HERALD_WEBHOOK_RATE_LIMITS": bad]).load()
            }
        }
    }

    @Test func canonicalEnvironmentNamesWork() throws {
        let configuration = try ConfigurationLoader(file: nil, environment: [
            "HERALD_APP_PORT": "7000", "HERALD_DATABASE_DURABILITY": "normal", "HERALD_DISPATCHER_BATCH_SIZE": "5",
        ]).load()
        #expect(configuration.app.port == 7000)
        #expect(configuration.database.durability == .normal)
        #expect(configuration.dispatcher.batchSize == 5)
    }

    @Test func exponentialStrategyUsesTheFormulaKeys() throws {
        let configuration = try ConfigurationLoader(file: nil, environment: [
            "HERALD_RETRY_STRATEGY": "exponential", "HERALD_RETRY_INITIAL_DELAY": "1s",
            "HERALD_RETRY_MAX_DELAY": "30s", "HERALD_RETRY_MAX_ATTEMPTS": "4",
        ]).load()
        var expected = RetryPolicy.chatDefault
        expected.minimumThrottledDelay = .seconds(60)
        #expect(try configuration.retryPolicy() == expected)
    }

    @Test(arguments: [
        ["HERALD_PORT": "eighty"],
        ["HERALD_PORT": "70000"],
        ["HERALD_LEASE_DURATION": "forever"],
        ["HERALD_RETRY_SCHEDULE": "1s,,2s"],
        ["HERALD_DATABASE_DURABILITY": "sometimes"],
        ["HERALD_DISPATCH_CONCURRENCY": "0"],
        ["HERALD_DISPATCHER_PAUSED": "maybe"],
        ["HERALD_LOG_LEVEL": "loud"],
    ])
    func badValuesAreNamed(environment: [String: String]) {
        do {
            _ = try ConfigurationLoader(file: nil, environment: environment).load()
            Issue.record("accepted \(environment)")
        } catch {
            #expect(error.code == "invalid_configuration")
            #expect(error.message.contains(environment.values.first!))
        }
    }

    @Test func unknownYAMLKeysAreRefused() throws {
        let path = try Self.write("app:\n  prot: 9000\n")
        #expect(throws: HeraldError.invalidConfiguration("\(path): unknown setting 'app.prot': did you mean 'app.port'?")) {
            try ConfigurationLoader(file: path, environment: [:]).load()
        }
    }

    @Test func aLeaseShorterThanTheTimeoutIsRefused() throws {
        let configuration = try ConfigurationLoader(file: nil, environment: ["HERALD_LEASE_DURATION": "5s", "HERALD_WEBHOOK_TIMEOUT": "10s"]).load()
        #expect(throws: HeraldError.self) { try configuration.dispatcherConfiguration() }
    }

    @Test func providerSettingsAndTheirVariables() throws {
        let configuration = try ConfigurationLoader(file: nil, environment: [
            "HERALD_PUBLIC_URL": "https://herald.example.test", "HERALD_DEFAULT_CHANNEL": "whatsapp",
            "HERALD_WHATSAPP_BASE_URL": "http://127.0.0.1:9999", "HERALD_WHATSAPP_APP_SECRET": "app-secret",
            "HERALD_WHATSAPP_VERIFY_TOKEN": "verify-me", "HERALD_TWILIO_BASE_URL": "http://127.0.0.1:9998",
            "HERALD_WHATSAPP_ERROR_CODES": "131000=fail,131026=retry", "HERALD_RETRY_WHATSAPP_SCHEDULE": "2s,4s",
            "HERALD_RETRY_MAX_THROTTLED_WAIT": "10m", "HERALD_DISPATCHER_DRY_RUN": "true",
        ]).load()
        #expect(configuration.app.publicURL == "https://herald.example.test")
        #expect(configuration.app.defaultChannel == "whatsapp")
        #expect(configuration.whatsapp.baseURL == "http://127.0.0.1:9999")
        #expect(configuration.whatsapp.apiVersion == "v26.0")
        #expect(configuration.whatsapp.appSecret == "app-secret")
        #expect(configuration.whatsapp.verifyToken == "verify-me")
        #expect(configuration.twilio.baseURL == "http://127.0.0.1:9998")
        #expect(configuration.whatsapp.errorTable.codes[131000] == .fail)
        #expect(configuration.whatsapp.errorTable.codes[131026] == .retry)
        #expect(configuration.dispatcher.dryRun)
        let whatsapp = try configuration.retryPolicy(channel: "whatsapp")
        #expect(whatsapp.maxAttempts == 3)
        #expect(whatsapp.maxThrottledWait == .seconds(600))
        #expect(try configuration.retryPolicy(channel: "twilio").maxAttempts == 4)
        #expect(throws: HeraldError.self) {
            try ConfigurationLoader(file: nil, environment: ["HERALD_WHATSAPP_ERROR_CODES": "131000=maybe"]).load()
        }
    }

    @Test func aPostgresURLWhereASQLiteFileIsExpectedMeansPostgres() throws {
        let url = "postgres://herald:s3cret@db.internal:5432/herald"
        let fromEnvironment = try ConfigurationLoader(file: nil, environment: ["HERALD_DATABASE": url]).load()
        #expect(fromEnvironment.database.url == url)
        #expect(fromEnvironment.database.path == "herald.sqlite")
        let fromFlag = try ConfigurationLoader(file: nil, environment: [:], overrides: [("database.path", url)]).load()
        #expect(fromFlag.database.url == url)
        // The same database named twice is fine; two different ones stop start-up, naming both.
        #expect(try ConfigurationLoader(file: nil, environment: ["HERALD_DATABASE": url, "HERALD_DATABASE_URL": url]).load().database.url == url)
        do {
            _ = try ConfigurationLoader(file: nil, environment: ["HERALD_DATABASE_URL": "postgres://other@db2/herald"], overrides: [("database.path", url)]).load()
            Issue.record("two different databases should be refused")
        } catch {
            #expect(error.message.contains("postgres://herald:***@db.internal:5432/herald"))
            #expect(error.message.contains("postgres://other@db2/herald"))
            #expect(!error.message.contains("s3cret"))
        }
    }

    @Test func aMisspelledEnvironmentVariableStopsStartUpNamingTheClosestOne() throws {
        let error = #expect(throws: HeraldError.self) {
            try ConfigurationLoader(file: nil, environment: ["HERALD_DISPATCHER_BATCHSIZE": "5"]).load()
        }
        #expect(error?.message == "unknown environment variable HERALD_DISPATCHER_BATCHSIZE: did you mean HERALD_DISPATCHER_BATCH_SIZE?")
        let unrelated = #expect(throws: HeraldError.self) {
            try ConfigurationLoader(file: nil, environment: ["HERALD_COMPLETELY_DIFFERENT_THING": "1"]).load()
        }
        #expect(error != nil)
        #expect(unrelated?.message.contains("configuration reference") == true, "\(unrelated?.message ?? "")")
    }

    @Test func theVariablesOfTheCLITestsAndExamplesAreKnown() throws {
        let environment = [
            "HERALD_URL": "http://localhost:8080", "HERALD_API_KEY": "k", "HERALD_ADMIN_KEY": "a", "HERALD_TEST_POSTGRES_URL": "postgres://x",
            "HERALD_REQUIRE_POSTGRES": "1", "HERALD_BINARY": "/x", "HERALD_BIN": "/x", "HERALD_WAKE_TEST": "1", "HERALD_EXAMPLE_COUNT": "5",
            "HERALD_DATABASE": "h.sqlite", "HERALD_PORT": "8081",
        ]
        let configuration = try ConfigurationLoader(file: nil, environment: environment).load()
        #expect(configuration.app.port == 8081)
        // Other programs' variables are none of Herald's business.
        _ = try ConfigurationLoader(file: nil, environment: ["HERALDRY": "x", "PATH": "/bin"]).load()
    }

    @Test func everyProblemOfAFileIsReportedAtOnceWithTheClosestKnownKey() throws {
        let path = try Self.write("""
            dispatcher:
              batchsize: 5
              concurrency: lots
            webhook:
              timout: 5s
            """)
        let error = #expect(throws: HeraldError.self) { try ConfigurationLoader(file: path, environment: [:]).load() }
        let message = try #require(error?.message)
        #expect(message.hasPrefix("3 problems in the configuration:"), "\(message)")
        #expect(message.contains("unknown setting 'dispatcher.batchsize': did you mean 'dispatcher.batch_size'?"), "\(message)")
        #expect(message.contains("unknown setting 'webhook.timout': did you mean 'webhook.timeout'?"), "\(message)")
        #expect(message.contains("dispatcher.concurrency"), "\(message)")
    }
}
