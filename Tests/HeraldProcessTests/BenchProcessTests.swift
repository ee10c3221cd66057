import Foundation
import HeraldCore
import Testing

/// `herald bench` as a user runs it: it starts its own sink and server, drives every step
/// through the API and reports what it measured; every message it counted arrived.
struct BenchProcessTests {
    @Test(.timeLimit(.minutes(3)))
    func theBenchRunsEveryStepAndReportsWhatItMeasured() async throws {
        let (status, out, err) = try await CommandLineProcessTests.herald(
            ["bench", "--count", "600", "--connections", "8", "--batch", "100", "--rate", "100", "--latency-duration", "2s", "--json"],
            port: 1
        )
        #expect(status == 0, "\(err)")
        let report = try #require(JSONValue.decode(Array(out.utf8))?.objectValue, "\(out)\n\(err)")
        for step in ["ingest", "drain", "end_to_end"] {
            let rate = try #require(report[step]?.objectValue, "\(step)")
            #expect(rate["messages"]?.integerValue == 600, "\(step): every message accepted and counted")
            #expect((rate["per_second"]?.doubleValue ?? 0) > 0, "\(step)")
        }
        let latency = try #require(report["latency"]?.objectValue)
        #expect(latency["messages"]?.integerValue == 200)
        let p50 = try #require(latency["p50_ms"]?.doubleValue)
        let p99 = try #require(latency["p99_ms"]?.doubleValue)
        #expect(p50 <= p99)
        #expect((report["idle_memory_bytes"]?.integerValue ?? 0) > 1_000_000)
        #expect((report["peak_memory_bytes"]?.integerValue ?? 0) >= (report["idle_memory_bytes"]?.integerValue ?? 0))
        #expect(report["refused"]?.integerValue == 0)
        #expect(err.contains("1/4 ingest"))
    }

    @Test func badSettingsAreRefusedBeforeAnythingStarts() async throws {
        let (status, _, err) = try await CommandLineProcessTests.herald(["bench", "--processes", "2"], port: 1)
        #expect(status != 0)
        #expect(err.contains("needs a shared PostgreSQL"))
        let (batchStatus, _, batchErr) = try await CommandLineProcessTests.herald(["bench", "--batch", "5000"], port: 1)
        #expect(batchStatus != 0)
        #expect(batchErr.contains("--batch 1 to 1000"))
    }
}
