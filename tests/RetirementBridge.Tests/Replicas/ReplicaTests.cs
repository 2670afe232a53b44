using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests.Replicas;

/// <summary>
/// Two bridges on one PostgreSQL database, as two replicas behind a load balancer: what one commits wakes the other,
/// and a provider's limits (calls at once, requests per second) hold for both together.
/// </summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    private readonly WireMockServer _webhook = Start();
    private string _database = "";

    public async Task InitializeAsync() => _database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

    public Task DisposeAsync()
    {
        _webhook.Dispose();
        return Task.CompletedTask;
    }

    private Dictionary<string, string?> OnPostgres(Dictionary<string, string?> more) => Merge(new()
    {
        ["Store:Provider"] = "Postgres",
        ["Store:Postgres:ConnectionString"] = _database,
    }, Webhook(_webhook), more);

    [Fact]
    public async Task Work_committed_through_one_replica_wakes_the_other_at_once_not_at_its_next_poll()
    {
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        // The receiving replica sends nothing; the other would not look at the store for an hour on its own.
        await using var receiving = await TestBridge.StartAsync(OnPostgres(new() { ["Dispatch:Enabled"] = "false" }));
        await using var sending = await TestBridge.StartAsync(OnPostgres(new() { ["Dispatch:IdlePoll"] = "01:00:00" }));
        // The first one may be found by the sending replica's first look at the store; by the time it has succeeded,
        // that replica has gone idle for an hour, so only a wake-up from the other replica's commit finds the second.
        foreach (var round in new[] { 1, 2 })
        {
            var learner = receiving.NewLearner();
            sending.Track(learner);
            var id = await receiving.RetireAsync(learner);
            await receiving.WaitForDeliveryAsync(id, "webhook", "succeeded", TimeSpan.FromSeconds(60));
            Assert.Equal(round, _webhook.LogEntries.Count());
        }
    }

    [Fact]
    public async Task Two_replicas_together_run_no_more_calls_at_once_than_the_deleters_MaxConcurrency()
    {
        var running = 0;
        var most = 0;
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithCallback(_ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(40); // a provider that takes a moment, so calls overlap when allowed to
            Interlocked.Decrement(ref running);
            return new WireMock.ResponseMessage { StatusCode = 200 };
        }));
        var limits = new Dictionary<string, string?> { ["Deleters:Webhook:MaxConcurrency"] = "2" };
        await using var first = await TestBridge.StartAsync(OnPostgres(limits));
        await using var second = await TestBridge.StartAsync(OnPostgres(limits));

        var ids = await RetireThroughBothAsync(first, second, 40);
        foreach (var id in ids)
            await first.WaitForDeliveryAsync(id, "webhook", "succeeded", TimeSpan.FromSeconds(60));

        Assert.Equal(40, _webhook.LogEntries.Count());
        // Each replica alone may run 2; per-process slots would let the pair run up to 4.
        Assert.InRange(most, 1, 2);
    }

    [Fact]
    public async Task Two_replicas_together_send_no_more_requests_than_the_deleters_rate_limit()
    {
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        var limits = new Dictionary<string, string?>
        {
            ["Deleters:Webhook:RateLimit:Requests"] = "10",
            ["Deleters:Webhook:RateLimit:Per"] = "00:00:01",
        };
        await using var first = await TestBridge.StartAsync(OnPostgres(limits));
        await using var second = await TestBridge.StartAsync(OnPostgres(limits));

        var ids = await RetireThroughBothAsync(first, second, 80);
        foreach (var id in ids)
            await first.WaitForDeliveryAsync(id, "webhook", "succeeded", TimeSpan.FromSeconds(60));

        var times = RequestRates.Times(_webhook);
        Assert.Equal(80, times.Count);
        // A budget per replica would let the pair send 20 per second and finish in half the time.
        RequestRates.AssertHeldTo(10, times, "webhook (two replicas)");
    }

    /// <summary>Alternates notifications between the replicas, as a load balancer would; returns the retirement ids.</summary>
    private static async Task<List<string>> RetireThroughBothAsync(TestBridge first, TestBridge second, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (through, other) = i % 2 == 0 ? (first, second) : (second, first);
            var learner = through.NewLearner();
            other.Track(learner); // either replica's logs must not show it
            ids.Add(await through.RetireAsync(learner));
        }
        return ids;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
