using RetirementBridge.Deleters.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace RetirementBridge.Deleters.Tests.TestKit;

// The README's worked example, as a test.
public sealed class AcmeCrmDeleterTests : IDisposable
{
    private readonly WireMockServer _acme = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    private Dictionary<string, string?> Settings => new()
    {
        ["Deleters:AcmeCrm:Enabled"] = "true",
        ["Deleters:AcmeCrm:BaseUrl"] = _acme.Url,
        ["Deleters:AcmeCrm:Token"] = "test-token",
    };

    private Task<DeletionOutcome> RunAsync() => DeleterTestKit.RunOnceAsync(
        (services, configuration) => services.AddAcmeCrmDeleter(configuration.GetSection("Deleters")),
        Settings, "acme-crm", SampleRetirement.Notification());

    [Fact]
    public async Task Erasure_accepted_is_deleted()
    {
        _acme.Given(Request.Create().UsingPost().WithPath("/v1/erasures")
                .WithHeader("Authorization", "Bearer test-token")
                .WithBody(new WireMock.Matchers.JsonMatcher("""{"user_id":4242}""")))
            .RespondWith(Response.Create().WithStatusCode(202));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
    }

    [Fact]
    public async Task Rate_limited_is_transient_with_retry_after()
    {
        _acme.Given(Request.Create().UsingPost().WithPath("/v1/erasures"))
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "120"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromMinutes(2), outcome.RetryAfter);
    }

    [Fact]
    public void A_missing_token_stops_start_up()
    {
        var settings = Settings;
        settings.Remove("Deleters:AcmeCrm:Token");

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(
            (services, configuration) => services.AddAcmeCrmDeleter(configuration.GetSection("Deleters")), settings));

        Assert.Equal("Deleters:AcmeCrm: Token is required", error.Message);
    }

    public void Dispose() => _acme.Dispose();
}
