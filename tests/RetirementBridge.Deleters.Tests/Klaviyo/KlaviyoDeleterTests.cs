using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Klaviyo;
using RetirementBridge.Deleters.Testing;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Klaviyo.KlaviyoFake;

namespace RetirementBridge.Deleters.Tests.Klaviyo;

public sealed class KlaviyoDeleterTests : IDisposable
{
    /// <summary>The deleter's own registration, as BuiltInDeleters calls it.</summary>
    internal static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddKlaviyoDeleter(configuration.GetSection("Deleters:Klaviyo"));

    /// <summary>The sample learner's address as typed, and lower-cased.</summary>
    private const string Typed = SampleRetirement.Email;

    private static readonly string Lower = SampleRetirement.Email.ToLowerInvariant();

    private readonly KlaviyoFake _klaviyo = new();

    private Task<DeletionOutcome> RunAsync() => RunAsync(_klaviyo.Settings());

    private static async Task<DeletionOutcome> RunAsync(Dictionary<string, string?> settings, ErasureItem? item = null) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(Register, settings, KlaviyoRegistration.Name, item ?? SampleRetirement.Item()));

    private static ErasureItem ItemWithEmail(string email) => SampleRetirement.Item(SampleRetirement.Learner(email: email));

    // What is sent, and what counts as erased.

    [Fact]
    public async Task Requests_the_deletion_with_the_documented_JSON_API_body_and_headers()
    {
        _klaviyo.Deletion("jane.doe@example.org");

        var outcome = await RunAsync(_klaviyo.Settings(), ItemWithEmail("jane.doe@example.org"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deletion requested (HTTP 202; Klaviyo deletes asynchronously)", outcome.ProviderReference);
        var request = Assert.Single(_klaviyo.Requests);
        Assert.Equal(("POST", DeletionJobsPath), (request.Method, request.Path));
        Assert.Equal("""{"data":{"type":"data-privacy-deletion-job","attributes":{"profile":{"data":{"type":"profile","attributes":{"email":"jane.doe@example.org"}}}}}}""",
            request.Body);
        Assert.Equal($"Klaviyo-API-Key {ApiKey}", request.Headers!["Authorization"].Single());
        Assert.Equal("2024-10-15", request.Headers["revision"].Single());
        Assert.Equal(JsonApi, request.Headers["Accept"].Single());
        // JSON:API's media type, without a charset parameter (JSON:API servers may refuse parameters with 415).
        Assert.Equal(JsonApi, request.Headers["Content-Type"].Single());
        // Buffered: a Content-Length, not a chunked body.
        Assert.Equal(Encoding.UTF8.GetByteCount(request.Body!), int.Parse(request.Headers["Content-Length"].Single()));
    }

    [Fact]
    public async Task A_mixed_case_address_is_requested_as_typed_then_lower_cased()
    {
        // Klaviyo does not document whether it matches emails case-sensitively, and answers 202 either way.
        _klaviyo.Deletion(Typed);
        _klaviyo.Deletion(Lower);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deletion requested for 2 spellings of the address (HTTP 202; Klaviyo deletes asynchronously)", outcome.ProviderReference);
        Assert.Equal([Typed, Lower], _klaviyo.RequestedEmails);
    }

    [Fact]
    public async Task The_address_is_trimmed_and_a_lower_case_one_is_requested_once()
    {
        _klaviyo.Deletion("jane@example.org");

        var outcome = await RunAsync(_klaviyo.Settings(), ItemWithEmail("  jane@example.org\t"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal(["jane@example.org"], _klaviyo.RequestedEmails);
    }

    [Theory]
    [InlineData("jane+tag@example.org")]
    [InlineData("o'brien@example.ie")]
    [InlineData("\"jane doe\"@example.org")]
    [InlineData("josé@exämple.org")]
    public async Task Any_address_travels_in_the_body_as_a_json_string(string email)
    {
        _klaviyo.Deletion(email);

        var outcome = await DeleterTestKit.EraseOnceAsync(Register, _klaviyo.Settings(), KlaviyoRegistration.Name, ItemWithEmail(email));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal([email], _klaviyo.RequestedEmails);
        Assert.Equal(DeletionJobsPath, Assert.Single(_klaviyo.Requests).Path);
    }

    [Fact]
    public async Task An_address_Klaviyo_does_not_have_is_deleted_never_gone()
    {
        // Klaviyo answers 202 whether or not a profile has the address: there is no "not there" to report.
        _klaviyo.AnyDeletion(Accepted());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
    }

    [Fact]
    public async Task A_404_is_permanent_never_gone()
    {
        // Klaviyo documents no 404 for this endpoint: a 404 is a wrong BaseUrl (a proxy) or Revision, never "not there".
        _klaviyo.AnyDeletion(Error(404, "not_found", "Not found.", $"No profile with email {Lower}."));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 404 not_found: not an answer Klaviyo gives to a deletion request (check BaseUrl and Revision)", outcome.Reason);
    }

    [Fact]
    public async Task A_404_page_from_elsewhere_is_permanent()
    {
        _klaviyo.AnyDeletion(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html").WithBody("<h1>Not Found</h1>"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 404: not an answer Klaviyo gives to a deletion request (check BaseUrl and Revision)", outcome.Reason);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(204)]
    public async Task A_success_other_than_202_is_not_an_erasure(int status)
    {
        _klaviyo.AnyDeletion(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "text/html").WithBody("<html>ok</html>"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"unexpected answer (HTTP {status}, not 202)", outcome.Reason);
    }

    [Fact]
    public async Task A_learner_without_an_email_is_permanent_and_Klaviyo_is_not_asked()
    {
        var outcome = await RunAsync(_klaviyo.Settings(), ItemWithEmail("  "));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("the learner has no email address", outcome.Reason);
        Assert.Empty(_klaviyo.Requests);
    }

    [Fact]
    public async Task Each_learner_of_a_call_gets_its_own_request_and_outcome()
    {
        // The bridge sends one learner per call (MaxBatchSize 1); the handler still answers for every item it gets.
        var accepted = ItemWithEmail("one@example.org");
        var refused = ItemWithEmail("two@example.org");
        _klaviyo.Deletion("one@example.org");
        _klaviyo.Deletion("two@example.org", Error(400, "invalid", "Invalid input.", "Invalid email address two@example.org"));

        await using var kit = DeleterTestKit.Create(Register, _klaviyo.Settings());
        var results = await kit.EraseAsync(KlaviyoRegistration.Name, [accepted, refused]);

        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(accepted)!.Kind);
        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(refused)!.Kind);
        Assert.Equal("HTTP 400 invalid", results.For(refused)!.Reason);
    }

    // Rate limits: Klaviyo's 429 carries Retry-After.

    [Fact]
    public async Task A_429_waits_as_Retry_After_says()
    {
        _klaviyo.AnyDeletion(Throttled(TimeSpan.FromSeconds(7)));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("HTTP 429 throttled", outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
        Assert.Single(_klaviyo.Requests);
    }

    [Fact]
    public async Task A_429_without_Retry_After_waits_out_the_steady_minute()
    {
        _klaviyo.AnyDeletion(Throttled());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromMinutes(1), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_on_the_lower_cased_request_makes_the_whole_attempt_transient()
    {
        _klaviyo.Deletion(Typed);
        _klaviyo.Deletion(Lower, Throttled(TimeSpan.FromSeconds(2)));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), outcome.RetryAfter);
        Assert.Equal([Typed, Lower], _klaviyo.RequestedEmails);
    }

    [Fact]
    public async Task Every_request_counts_against_the_rate_limit()
    {
        // One request per hour: the first request goes out, the second (lower-cased) waits for a permit until the call
        // times out. A process's first request to WireMock can take seconds: not inside the 2 s this test gives the call.
        _klaviyo.Deletion(Typed);
        _klaviyo.Deletion(Lower);
        var settings = _klaviyo.Settings();
        settings["Deleters:Klaviyo:RateLimit:Requests"] = "1";
        settings["Deleters:Klaviyo:RateLimit:Per"] = "01:00:00";
        settings["Deleters:Klaviyo:Timeout"] = "00:00:02";
        using (var http = new HttpClient())
            (await http.GetAsync(_klaviyo.Server.Url + "/warm-up")).Dispose();

        var outcome = await RunAsync(settings);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("timed out", outcome.Reason);
        Assert.Equal([Typed], _klaviyo.RequestedEmails.Where(e => e is not null));
    }

    // Errors: JSON:API, read for the code only.

    [Fact]
    public async Task A_rejected_key_is_permanent()
    {
        _klaviyo.AnyDeletion(NotAuthenticated());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 401 not_authenticated: API key rejected (check that it is a private key with the data-privacy:write scope)", outcome.Reason);
    }

    [Fact]
    public async Task A_key_without_the_data_privacy_scope_is_permanent()
    {
        _klaviyo.AnyDeletion(PermissionDenied());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 403 permission_denied: API key rejected (check that it is a private key with the data-privacy:write scope)", outcome.Reason);
    }

    [Fact]
    public async Task Another_client_error_is_permanent_with_Klaviyos_code_but_never_its_title_or_detail()
    {
        _klaviyo.AnyDeletion(Error(400, "invalid", $"Invalid input for {Typed}.", $"'{Typed}' is not a valid email address."));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 400 invalid", outcome.Reason);
    }

    [Theory]
    [InlineData("jane.doe@example.com")]
    [InlineData(SampleRetirement.Username)]
    [InlineData("Invalid Input")]
    public async Task A_code_that_is_not_a_constant_or_names_the_learner_is_left_out(string code)
    {
        _klaviyo.AnyDeletion(Error(400, code, "Invalid input.", "bad"));

        var outcome = await RunAsync();

        Assert.Equal("HTTP 400", outcome.Reason);
    }

    [Fact]
    public async Task An_error_body_that_is_not_JSON_API_still_fails_by_its_status()
    {
        _klaviyo.AnyDeletion(Response.Create().WithStatusCode(409).WithBody("conflict"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 409", outcome.Reason);
    }

    [Theory]
    [InlineData(500, "server_error")]
    [InlineData(502, "bad_gateway")]
    [InlineData(503, "service_unavailable")]
    public async Task A_server_error_is_transient(int status, string code)
    {
        _klaviyo.AnyDeletion(Error(status, code, "A server error occurred.", "Try again later."));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"HTTP {status} {code}", outcome.Reason);
        Assert.Null(outcome.RetryAfter);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_but_fails()
    {
        _klaviyo.AnyDeletion(Response.Create().WithStatusCode(302).WithHeader("Location", "/login"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 302: redirected (check BaseUrl)", outcome.Reason);
        Assert.Single(_klaviyo.Requests);
    }

    [Fact]
    public async Task A_refused_connection_is_transient_and_its_reason_names_no_url()
    {
        var outcome = await RunAsync(KlaviyoFake.Settings(Loopback.RefusedUrl()));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("connection failed", outcome.Reason);
    }

    // Options: defaults, limits, base URL, revision, validation, dry run.

    [Fact]
    public async Task Defaults_are_Klaviyos_address_revision_and_limits()
    {
        var settings = _klaviyo.Settings();
        settings.Remove("Deleters:Klaviyo:BaseUrl");
        settings.Remove("Deleters:Klaviyo:Timeout");
        await using var kit = DeleterTestKit.Create(Register, settings);

        var registration = kit.Registration(KlaviyoRegistration.Name);
        var options = kit.Services.GetRequiredService<KlaviyoOptions>();
        Assert.Equal(new Uri("https://a.klaviyo.com"), options.BaseUrl);
        Assert.Equal("2024-10-15", options.Revision);
        Assert.Equal((1, 1), (registration.BatchSize, options.MaxBatchSize));
        // Burst 3/s and steady 60/min in one sliding window: 3 per 3 s.
        Assert.Equal((3, TimeSpan.FromSeconds(3)), (options.RateLimit.Requests, options.RateLimit.Per));
        Assert.Equal(2, registration.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(30), registration.Timeout);
        Assert.False(registration.ChecksJobs);
        Assert.DoesNotContain("@", registration.RequestShape);
    }

    [Fact]
    public async Task The_configured_revision_is_sent()
    {
        _klaviyo.Deletion("jane@example.org", revision: "2025-07-15");
        var settings = _klaviyo.Settings();
        settings["Deleters:Klaviyo:Revision"] = "2025-07-15";

        var outcome = await RunAsync(settings, ItemWithEmail("jane@example.org"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("2025-07-15", Assert.Single(_klaviyo.Requests).Headers!["revision"].Single());
    }

    [Theory]
    [InlineData("/klaviyo-proxy")]
    [InlineData("/klaviyo-proxy/")]
    public async Task A_base_url_with_a_path_keeps_it_in_front_of_Klaviyos_path(string prefix)
    {
        _klaviyo.AnyDeletion(Accepted());

        var outcome = await RunAsync(KlaviyoFake.Settings(_klaviyo.Server.Url + prefix), ItemWithEmail("jane@example.org"));

        Assert.Equal("/klaviyo-proxy/api/data-privacy-deletion-jobs", Assert.Single(_klaviyo.Requests).Path);
        // The catch-all answered 418: the fake's mappings are for Klaviyo's own path.
        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
    }

    public static TheoryData<string, string?, string> BadSettings => new()
    {
        // key, value (null: left out), expected message
        { "ApiKey", null, "Deleters:Klaviyo: ApiKey is required" },
        { "ApiKey", "   ", "Deleters:Klaviyo: ApiKey is required" },
        { "ApiKey", "pk_s3cr3t\nInjected: header", "Deleters:Klaviyo: ApiKey must not contain spaces or line breaks" },
        { "ApiKey", "AbC123", "Deleters:Klaviyo: ApiKey must be a private API key (pk_…), not the 6-character public key" },
        { "ApiKey", "pk_", "Deleters:Klaviyo: ApiKey must be a private API key (pk_…), not the 6-character public key" },
        { "Revision", "", "Deleters:Klaviyo: Revision must be a date like 2024-10-15 (YYYY-MM-DD)" },
        { "Revision", "20241015", "Deleters:Klaviyo: Revision must be a date like 2024-10-15 (YYYY-MM-DD)" },
        { "Revision", "2024-13-15", "Deleters:Klaviyo: Revision must be a date like 2024-10-15 (YYYY-MM-DD)" },
        { "Revision", "2024-10-15.pre", "Deleters:Klaviyo: Revision must be a date like 2024-10-15 (YYYY-MM-DD)" },
        { "Revision", "2024-10-15\r\nX: y", "Deleters:Klaviyo: Revision must be a date like 2024-10-15 (YYYY-MM-DD)" },
        { "BatchSize", "2", "Deleters:Klaviyo: BatchSize must be 1 (the provider takes one learner per request)" },
        { "BaseUrl", "http://klaviyo-proxy.internal", "Deleters:Klaviyo: BaseUrl must use https (http only for a loopback address)" },
        { "BaseUrl", "https://klaviyo-proxy.internal/?token=x", "Deleters:Klaviyo: BaseUrl must not have a query or fragment" },
        { "RateLimit:Requests", "0", "Deleters:Klaviyo: RateLimit:Requests must be at least 1" },
        { "MaxConcurrency", "0", "Deleters:Klaviyo: MaxConcurrency must be between 1 and 64" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_with_one_line_naming_the_key_and_never_the_key_itself(string key, string? value, string expected)
    {
        var settings = _klaviyo.Settings();
        if (value is null)
            settings.Remove($"Deleters:Klaviyo:{key}");
        else
            settings[$"Deleters:Klaviyo:{key}"] = value;

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain("s3cr3t", error.Message);
    }

    [Fact]
    public void A_key_is_never_echoed_when_it_is_wrong()
    {
        var settings = _klaviyo.Settings();
        settings["Deleters:Klaviyo:ApiKey"] = "xk_0123456789abcdef";

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.DoesNotContain("0123456789abcdef", error.Message);
    }

    public void Dispose() => _klaviyo.Dispose();
}
