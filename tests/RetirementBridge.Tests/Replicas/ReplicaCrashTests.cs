using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using RetirementBridge.Tests.Infrastructure;
using WireMock.Server;
using Xunit.Abstractions;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests.Replicas;

/// <summary>
/// Three bridge processes on one PostgreSQL database behind a round-robin "load balancer" (the test), thousands of
/// notifications, and one replica killed with SIGKILL while it is sending; a fourth replica starts in its place.
/// </summary>
[Collection(LoadTests.Name)]
public sealed class ReplicaCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Learners = 2000;
    private const int RequestsPerSecond = 100;

    private readonly WireMockServer _provider = Start();
    private readonly ConcurrentDictionary<long, int> _erasures = new();
    private readonly List<BridgeProcess> _replicas = [];
    private readonly string _root = TestPaths.NewTempDirectory();
    private string _database = "";

    public async Task InitializeAsync() => _database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
            await replica.DisposeAsync();
        _provider.Stop();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_replica_killed_mid_run_loses_no_acknowledged_learner_repeats_at_most_its_calls_in_flight_and_the_rate_limit_holds()
    {
        // The provider counts each learner it is asked to erase (the webhook deleter sends one learner per request).
        _provider.Given(WebhookPost()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithCallback(request =>
        {
            var learner = JsonDocument.Parse(request.Body!).RootElement.GetProperty("data").GetProperty("lms_user_id").GetInt64();
            _erasures.AddOrUpdate(learner, 1, (_, n) => n + 1);
            return new WireMock.ResponseMessage { StatusCode = 200 };
        }).WithDelay(TimeSpan.FromMilliseconds(50))); // a provider that takes a moment: calls are in flight at the kill
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
            _replicas.Add(await StartReplicaAsync(i));

        var learners = Enumerable.Range(0, Learners).Select(_ => TestLearner.Create()).ToList();
        var victim = _replicas[0];
        var sending = SendAllAsync(learners);

        // Kill the first replica once the provider has seen a fifth of the learners: it is sending by then.
        await Eventually.GetAsync(() => Task.FromResult(_erasures.Count), seen => seen >= Learners / 5, "a fifth of the erasures", TimeSpan.FromSeconds(120));
        await victim.KillAsync();
        var killedAt = clock.Elapsed;
        // Its leases stay as they were for seconds after the kill (until they lapse): exactly what it had in flight.
        var inFlightAtKill = await LearnersInProgressOwnedByAsync(victim);
        _replicas.Add(await StartReplicaAsync(3));

        var acknowledged = await sending;
        await Eventually.GetAsync(() => UnfinishedAsync(), left => left == 0, "every delivery to succeed", TimeSpan.FromSeconds(180));
        var finishedAt = clock.Elapsed;

        var missing = acknowledged.Count(l => !_erasures.ContainsKey(l.LmsUserId));
        var repeated = _erasures.Count(e => e.Value > 1);
        var times = RequestRates.Times(_provider);
        output.WriteLine($"replicas: 3, then #1 killed with SIGKILL at {killedAt.TotalSeconds:0.0} s and #4 started");
        output.WriteLine($"acknowledged learners: {acknowledged.Count}; erased at the provider: {_erasures.Count}; missing: {missing}");
        output.WriteLine($"deliveries in flight on the killed replica: {inFlightAtKill.Count}; learners erased twice: {repeated}; more than twice: {_erasures.Count(e => e.Value > 2)}");
        output.WriteLine($"provider requests: {times.Count}; limit {RequestsPerSecond}/s; most in any 1 s: {RequestRates.MostWithin(times, TimeSpan.FromSeconds(1))}; " +
            $"all delivered after {finishedAt.TotalSeconds:0.0} s");

        Assert.Equal(Learners, acknowledged.Count);
        Assert.Equal(0, missing);
        Assert.All(_erasures.Values, n => Assert.InRange(n, 1, 2));
        // Only what the killed replica had in flight may have reached the provider twice.
        Assert.All(_erasures.Where(e => e.Value > 1), e => Assert.Contains(e.Key, inFlightAtKill));
        RequestRates.AssertHeldTo(RequestsPerSecond, times, "webhook (three replicas)");
        foreach (var replica in _replicas)
            AssertNoPii(replica.Output, learners);
    }

    private Task<BridgeProcess> StartReplicaAsync(int index)
    {
        var directory = Path.Combine(_root, $"replica-{index}");
        Directory.CreateDirectory(directory);
        return BridgeProcess.StartAsync(directory, Merge(TestBridge.BaseSettings(directory), Webhook(_provider), new()
        {
            ["Store:Provider"] = "Postgres",
            ["Store:Postgres:ConnectionString"] = _database,
            ["Deleters:Webhook:RateLimit:Requests"] = RequestsPerSecond.ToString(),
            ["Deleters:Webhook:RateLimit:Per"] = "00:00:01",
            ["Deleters:Webhook:MaxConcurrency"] = "16",
            // Short, so the killed replica's deliveries are taken over within seconds.
            ["Dispatch:Lease"] = "00:00:05",
            // Thousands of requests and attempts: keep the output to warnings (it is still checked for identities).
            ["Serilog:MinimumLevel:Override:Serilog.AspNetCore"] = "Warning",
            ["Serilog:MinimumLevel:Override:RetirementBridge"] = "Warning",
        }));
    }

    /// <summary>Sends every notification round-robin over the live replicas, eight at a time. A send that fails (the
    /// replica died under it) is sent again, with the same webhook-id, to the next one, as the LMS plugin retries.
    /// Returns the learners acknowledged with 202.</summary>
    private async Task<List<TestLearner>> SendAllAsync(List<TestLearner> learners)
    {
        var acknowledged = new ConcurrentBag<TestLearner>();
        var next = -1;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await Parallel.ForEachAsync(learners, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (learner, _) =>
        {
            var body = learner.Notification().ToJsonString();
            var webhookId = $"msg_{Guid.NewGuid():N}";
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var live = _replicas.Where(r => r.ExitCode is null).ToList();
                var replica = live[(int)((uint)Interlocked.Increment(ref next) % live.Count)];
                using var request = TestBridge.SignedRequest(body, webhookId);
                request.RequestUri = new Uri(replica.BaseAddress!, request.RequestUri!);
                try
                {
                    using var response = await client.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        acknowledged.Add(learner);
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // The replica is gone: the next attempt goes to another.
                }
            }
        });
        return [.. acknowledged];
    }

    private async Task<HashSet<long>> LearnersInProgressOwnedByAsync(BridgeProcess replica)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT r.lms_user_id FROM deliveries d JOIN retirements r ON r.id = d.retirement_id " +
            "WHERE d.status = 'in_progress' AND d.lease_owner LIKE @owner", connection);
        command.Parameters.AddWithValue("owner", $"%/{replica.ProcessId}/%");
        var learners = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            learners.Add(reader.GetInt64(0));
        return learners;
    }

    private async Task<int> UnfinishedAsync() =>
        Convert.ToInt32(await ScalarAsync("SELECT count(*) FROM deliveries WHERE status <> 'succeeded'")) +
        Learners - Convert.ToInt32(await ScalarAsync("SELECT count(*) FROM deliveries"));

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static void AssertNoPii(string output, IEnumerable<TestLearner> learners)
    {
        foreach (var learner in learners)
        {
            foreach (var form in learner.PiiForms())
                Assert.False(output.Contains(form, StringComparison.OrdinalIgnoreCase), "a replica's output contains a learner's identity");
        }
    }
}

/// <summary>
/// Tests that load the whole machine (several bridge processes at full speed) run alone, after the others: on two
/// cores they would otherwise starve the database of other tests past its statement timeout, and those would
/// answer 503 as they should under such load, failing for a reason that is not theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadTests
{
    public const string Name = "Load tests (run alone)";
}
