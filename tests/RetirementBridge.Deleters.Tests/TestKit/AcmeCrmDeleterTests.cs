// The provider-specific tests docs/adding-a-deleter.md shows (see AcmeCrmDeleter.cs): change them together.
using RetirementBridge.Deleters;
using RetirementBridge.Deleters.Testing;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Xunit;

namespace AcmeCrm.Tests;

public sealed class AcmeCrmDeleterTests : IDisposable
{
    private readonly WireMockServer _acme = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public AcmeCrmDeleterTests() =>
        // WireMock answers an unmatched request 404, which the deleter reads as "gone": a wrong path would pass.
        _acme.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
            .RespondWith(Response.Create().WithStatusCode(418));

    private Dictionary<string, string?> Settings => new()
    {
        ["Deleters:AcmeCrm:Enabled"] = "true",
        ["Deleters:AcmeCrm:BaseUrl"] = _acme.Url,
        ["Deleters:AcmeCrm:Token"] = "test-token",
    };

    private Task<DeletionOutcome> RunAsync() => DeleterTestKit.EraseOnceAsync(
        (services, configuration) => services.AddAcmeCrmDeleter(configuration.GetSection("Deleters")),
        Settings, "acme-crm", SampleRetirement.Item());

    [Fact]
    public async Task Erasure_accepted_is_deleted()
    {
        _acme.Given(Request.Create().UsingPost().WithPath("/v1/erasures")
                .WithHeader("Authorization", "Bearer test-token")
                .WithBody(new JsonMatcher("""{"user_id":4242}""")))
            .RespondWith(Response.Create().WithStatusCode(202));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
    }

    [Fact]
    public async Task Rate_limited_with_X_RateLimit_Reset_waits_that_long()
    {
        _acme.Given(Request.Create().UsingPost().WithPath("/v1/erasures"))
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("X-RateLimit-Reset", "90"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(90), outcome.RetryAfter);
    }

    [Fact]
    public async Task Rate_limited_with_Retry_After_waits_that_long()
    {
        _acme.Given(Request.Create().UsingPost().WithPath("/v1/erasures"))
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "120"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromMinutes(2), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_but_fails()
    {
        // Followed, the POST would come back as a GET to /login, whose 200 would read as "deleted".
        _acme.Given(Request.Create().UsingPost().WithPath("/v1/erasures"))
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "/login"));
        _acme.Given(Request.Create().UsingGet().WithPath("/login"))
            .RespondWith(Response.Create().WithStatusCode(200));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Single(_acme.LogEntries);
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
