// What the conformance kit cannot know about Acme Analytics (see AcmeAnalyticsDeleter.cs): change them with the doc.
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters;
using RetirementBridge.Deleters.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Xunit;

namespace AcmeAnalytics.Tests;

public sealed class AcmeAnalyticsDeleterTests : IDisposable
{
    private readonly WireMockServer _acme = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public AcmeAnalyticsDeleterTests() =>
        _acme.Given(Request.Create().UsingAnyMethod()).AtPriority(1000).RespondWith(Response.Create().WithStatusCode(418));

    private Dictionary<string, string?> Settings => new()
    {
        ["Deleters:AcmeAnalytics:Enabled"] = "true",
        ["Deleters:AcmeAnalytics:BaseUrl"] = _acme.Url,
        ["Deleters:AcmeAnalytics:ApiKey"] = "test-key",
    };

    private static DeleterTestKit CreateKit(Dictionary<string, string?> settings) => DeleterTestKit.Create(
        (services, configuration) => services.AddAcmeAnalyticsDeleter(configuration.GetSection("Deleters")), settings);

    [Fact]
    public async Task Acme_limits_are_the_defaults_and_an_override_changes_only_its_own_key()
    {
        var settings = Settings;
        settings["Deleters:AcmeAnalytics:RateLimit:Requests"] = "30";
        await using var kit = CreateKit(settings);

        var registration = kit.Registration("acme-analytics");

        Assert.Equal(100, registration.BatchSize);
        Assert.True(registration.ChecksJobs);
        // Per keeps Acme's minute: 30 requests per minute, not per second.
        Assert.Equal("30 requests per 00:01:00", registration.Options.RateLimit.ToString());
    }

    [Fact]
    public void A_batch_larger_than_Acme_takes_stops_start_up()
    {
        var settings = Settings;
        settings["Deleters:AcmeAnalytics:BatchSize"] = "500";

        var error = Assert.Throws<DeleterConfigurationException>(() => CreateKit(settings));

        Assert.Equal("Deleters:AcmeAnalytics: BatchSize must be between 1 and 100 (the provider's limit)", error.Message);
    }

    [Fact]
    public async Task A_job_Acme_does_not_know_is_permanent_never_gone()
    {
        _acme.Given(Request.Create().UsingGet().WithPath("/v2/deletion-jobs/job-42")).RespondWith(Response.Create().WithStatusCode(404));
        await using var kit = CreateKit(Settings);
        var item = SampleRetirement.Item(providerReference: "job-42");

        var outcome = (await kit.CheckJobsAsync("acme-analytics", [item])).For(item)!;

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("job-42", outcome.ProviderReference);
    }

    [Fact]
    public async Task A_dry_run_sends_nothing_and_says_what_it_would_send()
    {
        var settings = Settings;
        settings["Deleters:AcmeAnalytics:DryRun"] = "true";
        await using var kit = CreateKit(settings);
        var items = SampleRetirement.Batch(2);

        var results = await kit.EraseAsync("acme-analytics", items);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.DryRun, results.For(item)!.Kind));
        Assert.Contains("POST /v2/deletion-jobs", results.For(items[0])!.Reason);
        Assert.Empty(_acme.LogEntries);
    }

    public void Dispose() => _acme.Dispose();
}
