using System.Diagnostics;
using System.Net.Http.Json;
using WireMock.Server;
using static Scenarios.ScenarioReport;

namespace Scenarios;

/// <summary>
/// Drain: N retirements already stored (as after an outage or a backfill) reach a provider fake with a set latency,
/// concurrency and rate limit; the time is held against the bound max(calls × latency / concurrency,
/// N / (batch × rate)), and against a one-learner-at-a-time pipeline like Open edX's retirement scripts.
/// </summary>
internal static class DrainScenario
{
    private sealed record Run(string Provider, string Section, int Learners, int Batch, int Concurrency, int Rate, TimeSpan Latency, int PipelineSample);

    public static async Task<ScenarioReport> RunAsync(ScenarioOptions options, CancellationToken cancellationToken)
    {
        var latency = TimeSpan.FromMilliseconds(50);
        Run[] runs = options.Smoke
            ? [new("Braze", "Braze", 500, 50, 4, 20, latency, 10), new("Brevo", "Brevo", 100, 1, 8, 200, latency, 10)]
            // Braze at 10 requests/s: the rate is the bound. Brevo at 4 calls at once: the latency is.
            : [new("Braze", "Braze", 10_000, 50, 4, 10, latency, 100), new("Brevo", "Brevo", 2_000, 1, 4, 200, latency, 100)];

        var report = new ScenarioReport(options, "Drain a backlog to a provider");
        var rows = new List<string[]>();
        foreach (var run in runs)
        {
            var result = await DrainAsync(options, run, cancellationToken);
            var bound = Math.Max(Math.Ceiling((double)run.Learners / run.Batch) * run.Latency.TotalSeconds / run.Concurrency,
                (double)run.Learners / (run.Batch * run.Rate));
            var pipeline = await OneAtATimeAsync(run, cancellationToken);
            rows.Add([
                run.Provider, run.Learners.ToString(), run.Batch.ToString(), run.Concurrency.ToString(), $"{run.Rate}/s",
                Ms(run.Latency.TotalMilliseconds), result.Requests.ToString(), F(result.Seconds), F(run.Learners / result.Seconds, "0.0"),
                F(bound), F(result.Seconds / bound, "0.000"), F(pipeline * run.Learners, "0"), F(pipeline * run.Learners / result.Seconds, "0.0"),
                F(result.PeakResidentBytes / 1048576.0, "0"),
            ]);
            report.AddTarget($"drain, {run.Provider} ({(run.Batch > 1 ? $"batches of {run.Batch}" : "one learner per request")})",
                "time / bound <= 1.2", F(result.Seconds / bound, "0.000") + " (" + F(result.Seconds) + " s)", result.Seconds / bound <= 1.2);
        }
        report.AddTable(
            "Drain: N retirements already stored, from the provider's first request to the last delivery recorded. Bound: " +
            "max(ceil(N / batch) x latency / concurrency, N / (batch x rate)). Open edX-style: one learner per request, " +
            "one request at a time, no limiter (as edx-platform's scripts/user_retirement call each vendor), timed on the " +
            "first learners and scaled to N.",
            ["provider", "N", "batch", "concurrency", "rate limit", "latency ms", "requests", "drain s", "learners/s", "bound s",
             "time / bound", "Open edX-style s", "faster by", "bridge peak RSS MB"],
            rows);
        return report;
    }

    private sealed record Drained(double Seconds, int Requests, long PeakResidentBytes);

    private static async Task<Drained> DrainAsync(ScenarioOptions options, Run run, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("rb-drain-").FullName;
        try
        {
            using var fake = run.Section == "Braze" ? ProviderFakes.Braze(run.Latency) : ProviderFakes.Brevo(run.Latency);
            var store = await BenchStore.CreateAsync(options, directory, cancellationToken);
            var settings = BenchSettings.For(store, ProviderFakes.Settings(run.Section, fake, run.Concurrency, run.Batch, run.Rate));

            // The backlog: accepted by a bridge that does not dispatch.
            settings["Dispatch:Enabled"] = "false";
            await using (var intake = await BridgeProcess.StartAsync(settings, Path.Combine(directory, "intake.log"), cancellationToken))
            {
                using var sender = new NotificationSender(intake.Url);
                await sender.SendManyAsync(1, run.Learners, 16, cancellationToken);
            }
            var stored = await store.CountAsync("SELECT COUNT(*) FROM deliveries WHERE status = 'pending';", cancellationToken);
            if (stored != run.Learners)
                throw new BenchFailure($"{stored} deliveries pending after {run.Learners} notifications were accepted");

            settings["Dispatch:Enabled"] = "true";
            await using var bridge = await BridgeProcess.StartAsync(settings, Path.Combine(directory, "drain.log"), cancellationToken);
            await DeliveryWatch.WaitAllSucceededAsync(store, TimeSpan.FromMinutes(options.Smoke ? 2 : 10), cancellationToken);
            var first = ProviderFakes.FirstRequestAt(fake) ?? throw new BenchFailure("the provider fake saw no request");
            var last = DateTimeOffset.FromUnixTimeMilliseconds(await DeliveryWatch.LastCompletedAtAsync(store, cancellationToken));
            return new Drained((last - new DateTimeOffset(first, TimeSpan.Zero)).TotalSeconds, fake.LogEntries.Count(), bridge.ResidentMemory().Peak);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Seconds per learner of a one-at-a-time pipeline over a fake of the same latency.</summary>
    private static async Task<double> OneAtATimeAsync(Run run, CancellationToken cancellationToken)
    {
        using var fake = run.Section == "Braze" ? ProviderFakes.Braze(run.Latency) : ProviderFakes.Brevo(run.Latency);
        using var client = new HttpClient { BaseAddress = new Uri(fake.Url!) };
        var clock = Stopwatch.StartNew();
        for (var n = 1; n <= run.PipelineSample; n++)
        {
            using var request = run.Section == "Braze"
                ? new HttpRequestMessage(HttpMethod.Post, "/users/delete") { Content = JsonContent.Create(new { external_ids = new[] { n.ToString() } }) }
                : new HttpRequestMessage(HttpMethod.Delete, $"/v3/contacts/bench.learner.{n}%40example.invalid?identifierType=email_id");
            if (run.Section == "Braze")
                request.Headers.Add("Authorization", $"Bearer {ProviderFakes.BrazeKey}");
            else
                request.Headers.Add("api-key", ProviderFakes.BrevoKey);
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new BenchFailure($"the one-at-a-time pipeline got {(int)response.StatusCode} from the {run.Provider} fake");
        }
        return clock.Elapsed.TotalSeconds / run.PipelineSample;
    }
}
