using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Xunit;

namespace RetirementBridge.Deleters.Testing.Conformance;

/// <summary>
/// The conformance kit: inherit it in a deleter's test class, say how the deleter is registered and how its provider
/// answers (in the provider's own paths, bodies and status codes, on <see cref="Provider"/>), and every scenario a
/// provider puts a deleter through is run through the bridge's own pipeline and checked for the right outcome: erased,
/// not there, 429 with and without a wait, 5xx, a timeout, a dropped or refused connection, an unexpected body, a
/// redirect, one bad learner in a batch, and for asynchronous providers a job that finishes or fails (a job that never
/// finishes is the dispatcher's: <c>JobDeadline</c>). No outcome may carry a learner's email or username, and no
/// request may go anywhere the arrangement did not expect.
/// </summary>
public abstract class DeleterConformanceTests : IAsyncLifetime
{
    /// <summary>Answers any request no arrangement expected; WireMock's own 404 would read as "gone".</summary>
    public const int UnexpectedRequestStatus = 418;

    protected DeleterConformanceTests() =>
        Provider = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], DisableJsonBodyParsing = true });

    /// <summary>The provider's fake, on loopback.</summary>
    protected WireMockServer Provider { get; }

    /// <summary>The deleter's stable name ("braze").</summary>
    protected abstract string DeleterName { get; }

    /// <summary>Its configuration section under Deleters ("Braze").</summary>
    protected abstract string SectionName { get; }

    /// <summary>The registration the host calls, e.g. <c>services.AddBuiltInDeleters(configuration.GetSection("Deleters"))</c>.</summary>
    protected abstract void Register(IServiceCollection services, IConfiguration configuration);

    /// <summary>The provider's own settings (credentials, ids), keys relative to the section: ["ApiKey"] = "...".</summary>
    protected abstract IDictionary<string, string?> ProviderSettings();

    /// <summary>The provider erases these learners (or, when asynchronous, accepts the job <see cref="JobReference"/>).</summary>
    protected abstract void ArrangeErased(IReadOnlyList<ErasureItem> items);

    /// <summary>The provider does not know these learners. False when it has no such answer (it accepts any id).</summary>
    protected virtual bool ArrangeNotThere(IReadOnlyList<ErasureItem> items) => false;

    /// <summary>The provider says "too many requests" its own way, with or without how long to wait.</summary>
    protected abstract void ArrangeRateLimited(TimeSpan? wait);

    /// <summary>The provider erases all but <paramref name="bad"/>, which it names as refused. False when it cannot say which.</summary>
    protected virtual bool ArrangeOneRefused(IReadOnlyList<ErasureItem> items, ErasureItem bad) => false;

    /// <summary>True for providers that accept an erasure as a job and finish it later.</summary>
    protected virtual bool IsAsynchronous => false;

    /// <summary>The job reference <see cref="ArrangeErased"/> makes the provider answer with, when asynchronous.</summary>
    protected virtual string JobReference => "job-conformance-1";

    /// <summary>The provider reports job <paramref name="reference"/> as still running, finished, or failed.</summary>
    protected virtual void ArrangeJob(string reference, JobState state) =>
        throw new NotSupportedException("An asynchronous deleter's test class overrides ArrangeJob.");

    public enum JobState { Running, Finished, Failed }

    /// <summary>
    /// True for a provider whose contract makes every 2xx an erasure whatever the body (a generic webhook receiver):
    /// <see cref="An_unexpected_body_is_never_success"/> then does not apply. Leave it false for a provider that
    /// documents its success answer (a 204, a 202 with a job id, a JSON count): anything else, such as a proxy's or a
    /// maintenance page's 200, must not count as an erasure.
    /// </summary>
    protected virtual bool AnySuccessStatusMeansErased => false;

    protected DeleterTestKit Kit { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Kit = CreateKit(Provider.Url!);
        await WarmUpAsync();
        Provider.Given(Request.Create()).AtPriority(int.MaxValue).RespondWith(Response.Create().WithStatusCode(UnexpectedRequestStatus));
    }

    private static readonly HttpClient WarmUpClient = new();

    /// <summary>
    /// The first request a test process makes to WireMock takes seconds (2 to 3.5 s measured on a 2-core machine):
    /// paid here, it cannot make the slow-provider scenario's short timeout fire for the wrong reason. The request and
    /// its log entry are gone before the scenario starts.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var mapping = Guid.NewGuid();
        Provider.Given(Request.Create().UsingGet().WithPath("/__conformance-kit-warm-up")).WithGuid(mapping)
            .RespondWith(Response.Create().WithStatusCode(200));
        using (await WarmUpClient.GetAsync(new Uri(Provider.Url + "/__conformance-kit-warm-up"))) { }
        Provider.DeleteMapping(mapping);
        Provider.ResetLogEntries();
    }

    public async Task DisposeAsync()
    {
        await Kit.DisposeAsync();
        Provider.Dispose();
    }

    /// <summary>A kit against <paramref name="baseUrl"/>; <paramref name="timeout"/> overrides the deleter's own. Only the
    /// slow-provider scenario shortens it: a short timeout everywhere would also cut off a cold first request (JIT).</summary>
    protected DeleterTestKit CreateKit(string baseUrl, TimeSpan? timeout = null, bool dryRun = false)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Deleters:{SectionName}:Enabled"] = "true",
            [$"Deleters:{SectionName}:BaseUrl"] = baseUrl,
        };
        foreach (var (key, value) in ProviderSettings())
            settings[$"Deleters:{SectionName}:{key}"] = value;
        if (timeout is { } t)
            settings[$"Deleters:{SectionName}:Timeout"] = t.ToString("c");
        if (dryRun)
            settings[$"Deleters:{SectionName}:DryRun"] = "true";
        return DeleterTestKit.Create(Register, settings);
    }

    /// <summary>Learners for one call: three, or as many as the deleter's batch takes if fewer.</summary>
    protected IReadOnlyList<ErasureItem> Learners() => SampleRetirement.Batch(Math.Min(3, Kit.Registration(DeleterName).BatchSize));

    private DeletionOutcomeKind ErasedKind => IsAsynchronous ? DeletionOutcomeKind.Pending : DeletionOutcomeKind.Deleted;

    private async Task<DeletionResults> EraseAsync(IReadOnlyList<ErasureItem> items)
    {
        var results = await Kit.EraseAsync(DeleterName, items);
        AssertNoIdentityIn(results, items);
        return results;
    }

    [Fact]
    public async Task Erased_learners_are_each_reported_erased()
    {
        var items = Learners();
        ArrangeErased(items);
        var results = await EraseAsync(items);
        Assert.All(items, item => Assert.Equal(ErasedKind, results.For(item)!.Kind));
        if (IsAsynchronous)
            Assert.All(items, item => Assert.Equal(JobReference, results.For(item)!.ProviderReference));
        AssertOnlyExpectedRequests();
    }

    [Fact]
    public async Task A_disabled_deleter_registers_nothing_and_its_settings_are_not_checked()
    {
        await using var kit = DeleterTestKit.Create(Register, new Dictionary<string, string?> { [$"Deleters:{SectionName}:Enabled"] = "false" });
        Assert.Empty(kit.Services.GetServices<DeleterRegistration>());
    }

    [Fact]
    public async Task A_dry_run_sends_nothing_and_says_what_one_call_would_send()
    {
        await using var kit = CreateKit(Provider.Url!, dryRun: true);
        var registration = kit.Registration(DeleterName);
        var items = SampleRetirement.Batch(Math.Min(3, registration.BatchSize));

        var results = await kit.EraseAsync(DeleterName, items);

        AssertNoIdentityIn(results, items);
        Assert.DoesNotContain("@", registration.RequestShape);
        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.DryRun, results.For(item)!.Kind);
            Assert.Equal($"dry run: would erase {items.Count} learner(s) in one call: {registration.RequestShape}", results.For(item)!.Reason);
        });
        Assert.Empty(Provider.LogEntries);
    }

    [Fact]
    public async Task Learners_the_provider_does_not_know_are_gone()
    {
        var items = Learners();
        if (!ArrangeNotThere(items))
            return; // the provider accepts any id: "erased" is its only answer, covered above
        var results = await EraseAsync(items);
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Gone, results.For(item)!.Kind));
        AssertOnlyExpectedRequests();
    }

    [Fact]
    public async Task A_429_with_a_wait_is_transient_and_carries_the_wait()
    {
        var items = Learners();
        ArrangeRateLimited(TimeSpan.FromSeconds(120));
        var results = await EraseAsync(items);
        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
            Assert.InRange(outcome.RetryAfter!.Value, TimeSpan.FromSeconds(115), TimeSpan.FromSeconds(121));
        });
    }

    [Fact]
    public async Task A_429_without_a_wait_is_transient()
    {
        var items = Learners();
        ArrangeRateLimited(null);
        var results = await EraseAsync(items);
        AssertTransientNotTimedOut(items, results);
    }

    [Fact]
    public async Task A_server_error_is_transient()
    {
        var items = Learners();
        Provider.Given(Request.Create()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(503).WithBody("upstream unavailable"));
        var results = await EraseAsync(items);
        AssertTransientNotTimedOut(items, results);
    }

    [Fact]
    public async Task A_provider_slower_than_the_timeout_is_transient()
    {
        await using var kit = CreateKit(Provider.Url!, TimeSpan.FromMilliseconds(500));
        var items = SampleRetirement.Batch(Math.Min(3, kit.Registration(DeleterName).BatchSize));
        Provider.Given(Request.Create()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)));
        var results = await kit.EraseAsync(DeleterName, items);
        AssertNoIdentityIn(results, items);
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Transient, results.For(item)!.Kind));
    }

    [Fact]
    public async Task A_dropped_connection_is_transient()
    {
        // Not WireMock's FaultType.EMPTY_RESPONSE: WireMock.Net 1.25 on Kestrel answers that with an empty 200.
        await using var dropping = DroppingListener.Start();
        await using var kit = CreateKit(dropping.Url);
        var items = SampleRetirement.Batch(Math.Min(3, kit.Registration(DeleterName).BatchSize));
        var results = await kit.EraseAsync(DeleterName, items);
        AssertNoIdentityIn(results, items);
        AssertTransientNotTimedOut(items, results);
        Assert.True(dropping.Connections > 0, "the deleter never connected");
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        await using var kit = CreateKit(RefusedUrl());
        var items = SampleRetirement.Batch(Math.Min(3, kit.Registration(DeleterName).BatchSize));
        var results = await kit.EraseAsync(DeleterName, items);
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Transient, results.For(item)!.Kind));
    }

    [Fact]
    public async Task An_unexpected_body_is_never_success()
    {
        if (AnySuccessStatusMeansErased)
            return; // the provider's contract is the status code alone
        var items = Learners();
        Provider.Given(Request.Create()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "text/html").WithBody("<html><body>Maintenance</body></html>"));
        var results = await EraseAsync(items);
        Assert.All(items, item => Assert.False(results.For(item)!.IsSuccess, "an unreadable answer was taken for an erasure"));
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        // Followed, a POST comes back as a GET to wherever the redirect points, and that page's 200 would read as
        // "erased". Every client the HttpClientFactory builds refuses redirects; a client made with new HttpClient()
        // (or by a provider's SDK) does not, nor does it get the deleter's rate limit.
        var items = Learners();
        Provider.Given(Request.Create().WithPath("/__conformance-kit-redirected")).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{}"));
        Provider.Given(Request.Create()).AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", Provider.Url + "/__conformance-kit-redirected"));
        var results = await EraseAsync(items);
        Assert.All(items, item => Assert.False(results.For(item)!.IsSuccess, "a redirect was taken for an erasure"));
        Assert.DoesNotContain(Provider.LogEntries, e => e.RequestMessage.Path == "/__conformance-kit-redirected");
    }

    [Fact]
    public async Task One_refused_learner_in_a_batch_fails_alone()
    {
        var items = Learners();
        if (items.Count < 2 || !ArrangeOneRefused(items, items[1]))
            return; // one learner per call, or a provider that cannot say which learner it refused
        var results = await EraseAsync(items);
        Assert.False(results.For(items[1])!.IsSuccess);
        Assert.NotEqual(DeletionOutcomeKind.Pending, results.For(items[1])!.Kind);
        Assert.All(items.Where(i => i != items[1]), item => Assert.Equal(ErasedKind, results.For(item)!.Kind));
    }

    [Fact]
    public async Task An_accepted_job_is_followed_until_it_finishes()
    {
        if (!IsAsynchronous)
            return;
        var items = await AcceptedJobAsync();
        ArrangeJob(JobReference, JobState.Running);
        var running = await CheckAsync(items);
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Pending, running.For(item)!.Kind));
        Provider.ResetMappings();
        InitializeCatchAll();
        ArrangeJob(JobReference, JobState.Finished);
        var finished = await CheckAsync(items);
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Deleted, finished.For(item)!.Kind));
    }

    [Fact]
    public async Task A_failed_job_is_a_visible_failure()
    {
        if (!IsAsynchronous)
            return;
        var items = await AcceptedJobAsync();
        ArrangeJob(JobReference, JobState.Failed);
        var results = await CheckAsync(items);
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Permanent, results.For(item)!.Kind));
    }

    /// <summary>Erases a batch, which the provider accepts as <see cref="JobReference"/>; returns the items as a check sends them.</summary>
    private async Task<IReadOnlyList<ErasureItem>> AcceptedJobAsync()
    {
        var items = Learners();
        ArrangeErased(items);
        var accepted = await EraseAsync(items);
        Provider.ResetMappings();
        InitializeCatchAll();
        return items.Select(item => item with { ProviderReference = accepted.For(item)!.ProviderReference }).ToList();
    }

    private async Task<DeletionResults> CheckAsync(IReadOnlyList<ErasureItem> items)
    {
        var results = await Kit.CheckJobsAsync(DeleterName, items);
        AssertNoIdentityIn(results, items);
        return results;
    }

    private void InitializeCatchAll() =>
        Provider.Given(Request.Create()).AtPriority(int.MaxValue).RespondWith(Response.Create().WithStatusCode(UnexpectedRequestStatus));

    /// <summary>Transient, and for the provider's answer, not because the deleter hung until the timeout.</summary>
    private static void AssertTransientNotTimedOut(IReadOnlyList<ErasureItem> items, DeletionResults results) =>
        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
            Assert.False(outcome.Reason?.StartsWith("timed out", StringComparison.Ordinal) == true, "the deleter hung until its timeout");
        });

    /// <summary>Fails when any request reached a path no arrangement expected.</summary>
    protected void AssertOnlyExpectedRequests()
    {
        var unexpected = Provider.LogEntries.Where(e => e.ResponseMessage.StatusCode is int code && code == UnexpectedRequestStatus).ToList();
        Assert.True(unexpected.Count == 0,
            $"the deleter sent {unexpected.Count} request(s) no arrangement expected, e.g. {unexpected.FirstOrDefault()?.RequestMessage.Method} {unexpected.FirstOrDefault()?.RequestMessage.Path}");
    }

    /// <summary>
    /// Fails when the deleter put a learner's email or username in an outcome's reason or reference. The bridge's
    /// pipeline withholds such text before it is stored, so the kit looks for the mark it leaves as well.
    /// </summary>
    protected static void AssertNoIdentityIn(DeletionResults results, IEnumerable<ErasureItem> items)
    {
        var identities = items.SelectMany(i => new[] { i.Learner.Email, i.Learner.Username }).ToList();
        foreach (var outcome in results.Outcomes.Values)
        {
            foreach (var text in new[] { outcome.Reason, outcome.ProviderReference })
            {
                Assert.False(text is not null && identities.Any(id => text.Contains(id, StringComparison.OrdinalIgnoreCase)),
                    "an outcome holds a learner's email or username");
                Assert.False(text == OutcomeGuardBehavior<EraseLearners>.Withheld,
                    "the deleter put a learner's email or username in an outcome (the pipeline withheld it)");
            }
        }
    }

    /// <summary>Accepts connections, reads what arrives, and closes each without answering.</summary>
    private sealed class DroppingListener : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _connections;

        private DroppingListener()
        {
            _listener.Start();
            _loop = Task.Run(AcceptAsync);
        }

        public static DroppingListener Start() => new();

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    // The request's head (and usually its body) arrives; then the connection closes unanswered.
                    await client.GetStream().ReadAtLeastAsync(new byte[8192], 1, throwOnEndOfStream: false, _stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                    // the client gave up first: next connection
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }

    private static string RefusedUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
