using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.HubSpot;
using RetirementBridge.Deleters.Testing;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.HubSpot.HubSpotFake;

namespace RetirementBridge.Deleters.Tests.HubSpot;

public sealed class HubSpotDeleterTests : IDisposable
{
    /// <summary>The deleter's own registration, as BuiltInDeleters calls it.</summary>
    internal static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddHubSpotDeleter(configuration.GetSection("Deleters:HubSpot"));

    private readonly HubSpotFake _hubspot = new();

    private Task<DeletionOutcome> RunAsync() => RunAsync(_hubspot.Settings());

    private static async Task<DeletionOutcome> RunAsync(Dictionary<string, string?> settings, ErasureItem? item = null) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(Register, settings, HubSpotRegistration.Name, item ?? SampleRetirement.Item()));

    // What is sent, and what counts as erased or gone.

    [Fact]
    public async Task Looks_the_contact_up_by_lower_cased_email_then_gdpr_deletes_it_with_the_token()
    {
        _hubspot.Contact(SampleEmail);
        _hubspot.GdprDelete(SampleEmail);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal(
            [("GET", $"{ContactsPath}/{SampleEmail}"), ("POST", GdprDeletePath)],
            _hubspot.Requests.Select(r => (r.Method, r.Path)));
        Assert.Equal("email", Assert.Single(_hubspot.Lookups).Query!["idProperty"].Single());
        Assert.True(IsGdprDeleteOf(Assert.Single(_hubspot.Deletions).Body, SampleEmail));
        Assert.All(_hubspot.Requests, r => Assert.Equal($"Bearer {AccessToken}", r.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task A_contact_HubSpot_does_not_have_is_gone_and_never_gdpr_deleted()
    {
        // gdpr-delete of an unknown address would put it on HubSpot's blocklist.
        _hubspot.NoContact(SampleEmail);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Single(_hubspot.Lookups);
        Assert.Empty(_hubspot.Deletions);
    }

    [Fact]
    public async Task A_contact_gone_between_lookup_and_gdpr_delete_is_gone()
    {
        _hubspot.Contact(SampleEmail);
        _hubspot.GdprDelete(SampleEmail, ObjectNotFound(SampleEmail));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
    }

    [Fact]
    public async Task A_404_that_is_not_HubSpots_OBJECT_NOT_FOUND_is_permanent_not_gone()
    {
        // A proxy's or load balancer's 404 (a wrong BaseUrl) would otherwise count every learner as gone.
        _hubspot.Lookup(SampleEmail, Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html")
            .WithBody("<html><body><h1>404 Not Found</h1></body></html>"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("lookup: HTTP 404 without HubSpot's OBJECT_NOT_FOUND (check BaseUrl)", outcome.Reason);
        Assert.Empty(_hubspot.Deletions);
    }

    [Fact]
    public async Task A_gdpr_delete_404_that_is_not_HubSpots_is_permanent_not_gone()
    {
        _hubspot.Contact(SampleEmail);
        _hubspot.GdprDelete(SampleEmail, Response.Create().WithStatusCode(404));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("gdpr-delete: HTTP 404 without HubSpot's OBJECT_NOT_FOUND (check BaseUrl)", outcome.Reason);
    }

    [Fact]
    public async Task A_lookup_200_without_the_contacts_id_is_not_proof_and_nothing_is_deleted()
    {
        _hubspot.Lookup(SampleEmail, Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{}"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("lookup: unexpected answer (HTTP 200)", outcome.Reason);
        Assert.Empty(_hubspot.Deletions);
    }

    [Fact]
    public async Task A_gdpr_delete_answer_other_than_204_is_not_success()
    {
        _hubspot.Contact(SampleEmail);
        _hubspot.GdprDelete(SampleEmail, Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html>ok</html>"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("gdpr-delete: unexpected answer (HTTP 200)", outcome.Reason);
    }

    [Fact]
    public async Task A_learner_without_an_email_is_permanent_and_HubSpot_is_not_asked()
    {
        var outcome = await RunAsync(_hubspot.Settings(), SampleRetirement.Item(SampleRetirement.Learner(email: "  ")));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("the learner has no email address", outcome.Reason);
        Assert.Empty(_hubspot.Requests);
    }

    [Fact]
    public async Task Each_learner_of_a_call_gets_its_own_lookup_and_outcome()
    {
        // The bridge sends one learner per call (MaxBatchSize 1); the handler still answers for every item it gets.
        var there = SampleRetirement.Item(SampleRetirement.NthLearner(1));
        var notThere = SampleRetirement.Item(SampleRetirement.NthLearner(2));
        _hubspot.Contact("learner.1@example.com");
        _hubspot.GdprDelete("learner.1@example.com");
        _hubspot.NoContact("learner.2@example.com");

        await using var kit = DeleterTestKit.Create(Register, _hubspot.Settings());
        var results = await kit.EraseAsync(HubSpotRegistration.Name, [there, notThere]);

        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(there)!.Kind);
        Assert.Equal(DeletionOutcomeKind.Gone, results.For(notThere)!.Kind);
        Assert.Single(_hubspot.Deletions);
    }

    // Rate limits: HubSpot's 429 names its policy.

    [Theory]
    [InlineData("SECONDLY")]
    [InlineData("TEN_SECONDLY_ROLLING")]
    public async Task A_burst_limit_429_without_Retry_After_waits_the_10_second_window(string policy)
    {
        _hubspot.Everything(RateLimited(policy));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(10), outcome.RetryAfter);
        Assert.Equal($"lookup: HTTP 429 ({policy} limit)", outcome.Reason);
        Assert.Empty(_hubspot.Deletions);
    }

    [Fact]
    public async Task A_daily_limit_429_without_Retry_After_waits_an_hour()
    {
        _hubspot.Everything(RateLimited("DAILY"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromHours(1), outcome.RetryAfter);
        Assert.Equal("lookup: HTTP 429 (DAILY limit)", outcome.Reason);
    }

    [Fact]
    public async Task A_429_with_Retry_After_waits_that_long()
    {
        _hubspot.Everything(RateLimited("DAILY", TimeSpan.FromSeconds(7)));

        var outcome = await RunAsync();

        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_on_the_gdpr_delete_is_transient()
    {
        _hubspot.Contact(SampleEmail);
        _hubspot.GdprDelete(SampleEmail, RateLimited("SECONDLY", TimeSpan.FromSeconds(3)));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), outcome.RetryAfter);
        Assert.Equal("gdpr-delete: HTTP 429 (SECONDLY limit)", outcome.Reason);
    }

    [Fact]
    public async Task A_429_without_a_readable_body_still_waits()
    {
        _hubspot.Everything(Response.Create().WithStatusCode(429).WithBody("Too Many Requests"));

        var outcome = await RunAsync();

        Assert.Equal("lookup: HTTP 429", outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(10), outcome.RetryAfter);
    }

    // Errors.

    [Fact]
    public async Task A_rejected_token_is_permanent_and_names_the_scopes()
    {
        _hubspot.Everything(Unauthorized());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("lookup: HTTP 401, token rejected (check scopes crm.objects.contacts.write and .read)", outcome.Reason);
    }

    [Fact]
    public async Task A_token_without_the_write_scope_is_permanent_on_the_gdpr_delete()
    {
        _hubspot.Contact(SampleEmail);
        _hubspot.GdprDelete(SampleEmail, MissingScopes());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("gdpr-delete: HTTP 403, token rejected (check scopes crm.objects.contacts.write and .read)", outcome.Reason);
    }

    [Fact]
    public async Task Another_client_error_is_permanent_with_HubSpots_category_but_never_its_message()
    {
        _hubspot.Contact(SampleEmail);
        _hubspot.GdprDelete(SampleEmail, Error(400, "VALIDATION_ERROR", $"Email {SampleEmail} is not valid", new { email = new[] { SampleEmail } }));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("gdpr-delete: HTTP 400 VALIDATION_ERROR", outcome.Reason);
    }

    [Fact]
    public async Task A_category_that_is_not_a_constant_is_left_out()
    {
        _hubspot.Lookup(SampleEmail, Error(400, $"bad {SampleEmail}", "bad"));

        var outcome = await RunAsync();

        Assert.Equal("lookup: HTTP 400", outcome.Reason);
    }

    [Fact]
    public async Task A_server_error_on_the_lookup_is_transient_and_nothing_is_deleted()
    {
        _hubspot.Lookup(SampleEmail, Error(502, "INTERNAL_ERROR", "Bad gateway"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("lookup: HTTP 502", outcome.Reason);
        Assert.Empty(_hubspot.Deletions);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_but_fails()
    {
        _hubspot.Lookup(SampleEmail, Response.Create().WithStatusCode(302).WithHeader("Location", "/login"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Single(_hubspot.Requests);
    }

    [Fact]
    public async Task A_refused_connection_is_transient_and_its_reason_names_no_url()
    {
        var outcome = await RunAsync(HubSpotFake.Settings(Loopback.RefusedUrl()));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("lookup: connection failed", outcome.Reason);
    }

    // Options: defaults, limits, validation, dry run.

    [Fact]
    public async Task Defaults_are_HubSpots_address_and_limits()
    {
        var settings = _hubspot.Settings();
        settings.Remove("Deleters:HubSpot:BaseUrl");
        await using var kit = DeleterTestKit.Create(Register, settings);

        var registration = kit.Registration("hubspot");
        var options = kit.Services.GetRequiredService<HubSpotOptions>();
        Assert.Equal(new Uri("https://api.hubapi.com"), options.EffectiveBaseUrl());
        Assert.Equal((1, 1), (registration.BatchSize, options.MaxBatchSize));
        Assert.Equal((100, TimeSpan.FromSeconds(10)), (options.RateLimit.Requests, options.RateLimit.Per));
        Assert.Equal(4, registration.MaxConcurrency);
        Assert.False(registration.ChecksJobs);
    }

    [Fact]
    public async Task Operators_raise_the_rate_limit_for_higher_tiers()
    {
        var settings = _hubspot.Settings();
        settings["Deleters:HubSpot:RateLimit:Requests"] = "190";
        await using var kit = DeleterTestKit.Create(Register, settings);

        Assert.Equal(190, kit.Registration("hubspot").Options.RateLimit.Requests);
        Assert.Equal(TimeSpan.FromSeconds(10), kit.Registration("hubspot").Options.RateLimit.Per);
    }

    public static TheoryData<string, string?, string> BadSettings => new()
    {
        // key, value (null: left out), expected message
        { "AccessToken", null, "Deleters:HubSpot: AccessToken is required" },
        { "AccessToken", "   ", "Deleters:HubSpot: AccessToken is required" },
        { "AccessToken", "pat-na1-s3cr3t\nInjected: header", "Deleters:HubSpot: AccessToken must not contain spaces or line breaks" },
        { "BatchSize", "2", "Deleters:HubSpot: BatchSize must be 1 (the provider takes one learner per request)" },
        { "BaseUrl", "http://hubspot-proxy.internal", "Deleters:HubSpot: BaseUrl must use https (http only for a loopback address)" },
        { "RateLimit:Requests", "0", "Deleters:HubSpot: RateLimit:Requests must be at least 1" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_with_one_line_naming_the_key_and_never_the_token(string key, string? value, string expected)
    {
        var settings = _hubspot.Settings();
        settings[$"Deleters:HubSpot:{key}"] = value;

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain("s3cr3t", error.Message);
        Assert.DoesNotContain(AccessToken, error.Message);
    }

    [Fact]
    public void The_address_is_trimmed_and_lower_cased_as_HubSpot_stores_it()
    {
        Assert.Equal("jane.doe@example.com", HubSpotEmail.Normalize(" Jane.Doe@Example.COM "));
        Assert.Null(HubSpotEmail.Normalize(""));
        Assert.Null(HubSpotEmail.Normalize(null));
    }

    public void Dispose() => _hubspot.Dispose();
}
