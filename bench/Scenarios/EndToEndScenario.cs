using System.Diagnostics;
using static Scenarios.ScenarioReport;

namespace Scenarios;

/// <summary>
/// End to end: notifications sent at a steady rate to a bridge with two deleters (Braze, batching; Brevo, one learner
/// per request), both providers answering in 20 ms; for each learner, the time from its 202 to its last deleter done.
/// </summary>
internal static class EndToEndScenario
{
    public static async Task<ScenarioReport> RunAsync(ScenarioOptions options, CancellationToken cancellationToken)
    {
        var (rate, seconds) = options.Smoke ? (50, 2) : (20, 30);
        var count = rate * seconds;
        var latency = TimeSpan.FromMilliseconds(20);
        var directory = Directory.CreateTempSubdirectory("rb-e2e-").FullName;
        try
        {
            using var braze = ProviderFakes.Braze(latency);
            using var brevo = ProviderFakes.Brevo(latency);
            var store = await BenchStore.CreateAsync(options, directory, cancellationToken);
            // Brevo's own default (10 requests/s) is below the arrival rate and would make this a queueing figure;
            // both limits are raised above it so the figure is the pipeline's.
            var deleters = ProviderFakes.Settings("Braze", braze, concurrency: 4, batch: 50, requestsPerSecond: 300)
                .Concat(ProviderFakes.Settings("Brevo", brevo, concurrency: 4, batch: 1, requestsPerSecond: 100))
                .ToDictionary();
            await using var bridge = await BridgeProcess.StartAsync(BenchSettings.For(store, deleters), Path.Combine(directory, "bridge.log"), cancellationToken);
            using var sender = new NotificationSender(bridge.Url);
            // Warm-up, not counted: the first notifications and provider calls pay for JIT compilation and connections.
            var warmUp = rate;
            await sender.SendManyAsync(1_000_001, warmUp, 4, cancellationToken);
            await DeliveryWatch.WaitAllSucceededAsync(store, TimeSpan.FromMinutes(2), cancellationToken);

            // Open loop: notification i leaves at i / rate whatever the answers before it, as retirements arrive.
            var sends = new List<Task<(long SentAt, Accepted Accepted)>>(count);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                    await Task.Delay(due, cancellationToken);
                var number = i + 1;
                sends.Add(Task.Run(async () => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), await sender.SendAsync(number, cancellationToken)), cancellationToken));
            }
            var accepted = await Task.WhenAll(sends);
            await DeliveryWatch.WaitAllSucceededAsync(store, TimeSpan.FromMinutes(options.Smoke ? 2 : 5), cancellationToken);

            var done = new Dictionary<string, long>();
            await store.ReadAsync("SELECT retirement_id, MAX(completed_at), COUNT(*) FROM deliveries GROUP BY retirement_id;", row =>
            {
                if (row.GetInt64(2) != 2)
                    throw new BenchFailure("a retirement does not have exactly its two deliveries");
                done[row.GetString(0)] = row.GetInt64(1);
            }, cancellationToken);
            if (done.Count != count + warmUp)
                throw new BenchFailure($"{done.Count} retirements recorded for {count + warmUp} notifications accepted");
            var toDone = accepted.Select(a => (double)(done[a.Accepted.RetirementId] - a.Accepted.AnsweredAtMs)).Order().ToArray();
            var toAnswer = accepted.Select(a => (double)(a.Accepted.AnsweredAtMs - a.SentAt)).Order().ToArray();

            var report = new ScenarioReport(options, "End to end: webhook answer to every deleter done");
            report.AddTable(
                $"{count} notifications at {rate}/s (open loop); Braze (batches of up to 50, 4 at once) and Brevo (one learner per " +
                "request, 4 at once), both answering in 20 ms. Time from the 202 to the learner's last delivery recorded " +
                $"(both clocks are this machine's), after {rate} notifications of warm-up.",
                ["measure", "n", "p50 ms", "p90 ms", "p99 ms", "max ms"],
                [
                    ["202 to every deleter done", count.ToString(), Ms(Percentile(toDone, 50)), Ms(Percentile(toDone, 90)), Ms(Percentile(toDone, 99)), Ms(toDone[^1])],
                    ["send to 202", count.ToString(), Ms(Percentile(toAnswer, 50)), Ms(Percentile(toAnswer, 90)), Ms(Percentile(toAnswer, 99)), Ms(toAnswer[^1])],
                ]);
            report.AddTarget("end to end, 202 to every deleter done (providers at 20 ms)", "reported (p50, p99)",
                $"p50 {Ms(Percentile(toDone, 50))} ms, p99 {Ms(Percentile(toDone, 99))} ms", null);
            return report;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
