using System.Diagnostics;
using static Scenarios.ScenarioReport;

namespace Scenarios;

/// <summary>
/// Growth: does the bridge slow down as its store fills? With 10³, 10⁵ and 10⁶ finished retirements already stored,
/// the CPU cost of accepting M more and of claiming and recording their deliveries, and the bridge's resident memory
/// while it drains.
/// </summary>
internal static class GrowthScenario
{
    private const int SendConcurrency = 16;

    public static async Task<ScenarioReport> RunAsync(ScenarioOptions options, CancellationToken cancellationToken)
    {
        int[] sizes = options.Smoke ? [100, 1_000] : [1_000, 100_000, 1_000_000];
        var fresh = options.Smoke ? 300 : 5_000;
        var results = new List<Measured>();
        foreach (var size in sizes)
            results.Add(await MeasureAsync(options, size, fresh, cancellationToken));

        var report = new ScenarioReport(options, "Growth: cost with the store already full, and memory during a drain");
        report.AddTable(
            $"{fresh} new notifications sent {SendConcurrency} at a time, then their deliveries drained to a Brevo fake " +
            "(no latency, 16 calls at once, no rate limit), with N finished retirements (each with its succeeded delivery) " +
            "already stored. CPU is the bridge process's own (user + system)" +
            (options.OnPostgres ? "; PostgreSQL's processes are not counted." : "."),
            ["already stored", "ingest req/s", "ingest CPU µs/req", "drain deliveries/s", "drain CPU µs/delivery", "peak RSS in drain MB", "prefill s"],
            results.Select(r => new[]
            {
                r.Stored.ToString("N0"), F(r.IngestRate, "0"), F(r.IngestCpuMicros, "0"), F(r.DrainRate, "0"), F(r.DrainCpuMicros, "0"),
                F(r.PeakResidentBytes / 1048576.0, "0"), F(r.PrefillSeconds, "0.0"),
            }));

        var ingestSpread = results.Max(r => r.IngestCpuMicros) / results.Min(r => r.IngestCpuMicros);
        var drainSpread = results.Max(r => r.DrainCpuMicros) / results.Min(r => r.DrainCpuMicros);
        var peak = results.Max(r => r.PeakResidentBytes) / 1048576.0;
        report.AddTarget("growth, ingest CPU per request across store sizes", "largest / smallest <= 1.5", F(ingestSpread), ingestSpread <= 1.5);
        report.AddTarget("growth, claim and record CPU per delivery across store sizes", "largest / smallest <= 1.5", F(drainSpread), drainSpread <= 1.5);
        report.AddTarget("resident memory during a drain", "<= 200 MB", F(peak, "0") + " MB", peak <= 200);
        return report;
    }

    private sealed record Measured(long Stored, double IngestRate, double IngestCpuMicros, double DrainRate, double DrainCpuMicros, long PeakResidentBytes, double PrefillSeconds);

    private static async Task<Measured> MeasureAsync(ScenarioOptions options, int stored, int fresh, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("rb-growth-").FullName;
        try
        {
            using var brevo = ProviderFakes.Brevo(TimeSpan.Zero);
            var store = await BenchStore.CreateAsync(options, directory, cancellationToken);
            var settings = BenchSettings.For(store, ProviderFakes.Settings("Brevo", brevo, concurrency: 16, batch: 1, requestsPerSecond: 100_000));
            settings["Dispatch:Enabled"] = "false";

            // The bridge creates its schema; the rows that fill it are then written straight into its tables.
            await using (await BridgeProcess.StartAsync(settings, Path.Combine(directory, "schema.log"), cancellationToken)) { }
            var prefill = Stopwatch.StartNew();
            await store.ExecuteAsync(Prefill.Sql(store.OnPostgres, stored), cancellationToken);
            var prefillSeconds = prefill.Elapsed.TotalSeconds;
            if (await store.CountAsync("SELECT COUNT(*) FROM retirements;", cancellationToken) != stored)
                throw new BenchFailure("the prefill did not write the rows it should");

            double ingestRate, ingestCpu;
            await using (var intake = await BridgeProcess.StartAsync(settings, Path.Combine(directory, "intake.log"), cancellationToken))
            {
                using var sender = new NotificationSender(intake.Url);
                // A short warm-up (JIT, connections, caches), not counted.
                await sender.SendManyAsync(10_000_001, Math.Min(500, fresh), SendConcurrency, cancellationToken);
                var cpu = intake.CpuTime();
                var clock = Stopwatch.StartNew();
                await sender.SendManyAsync(1, fresh, SendConcurrency, cancellationToken);
                ingestRate = fresh / clock.Elapsed.TotalSeconds;
                ingestCpu = (intake.CpuTime() - cpu).TotalMicroseconds / fresh;
            }

            settings["Dispatch:Enabled"] = "true";
            await using var drain = await BridgeProcess.StartAsync(settings, Path.Combine(directory, "drain.log"), cancellationToken);
            var cpuBefore = drain.CpuTime();
            var drainClock = Stopwatch.StartNew();
            long peak = 0;
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, drain.ResidentMemory().Current);
                    await Task.Delay(100, CancellationToken.None);
                }
            }, CancellationToken.None);
            await DeliveryWatch.WaitAllSucceededAsync(store, TimeSpan.FromMinutes(options.Smoke ? 2 : 10), cancellationToken);
            var drainSeconds = drainClock.Elapsed.TotalSeconds;
            var drainCpu = (drain.CpuTime() - cpuBefore).TotalMicroseconds;
            await sampling.CancelAsync();
            await sampler;
            var drained = fresh + Math.Min(500, fresh);
            return new Measured(stored, ingestRate, ingestCpu, drained / drainSeconds, drainCpu / drained,
                Math.Max(peak, drain.ResidentMemory().Peak), prefillSeconds);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
