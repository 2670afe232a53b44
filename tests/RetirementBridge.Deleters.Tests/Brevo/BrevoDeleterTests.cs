using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Brevo;
using RetirementBridge.Deleters.Testing;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Brevo.BrevoFake;

namespace RetirementBridge.Deleters.Tests.Brevo;

public sealed class BrevoDeleterTests : IDisposable
{
    /// <summary>The deleter's own registration, as BuiltInDeleters calls it.</summary>
    internal static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddBrevoDeleter(configuration.GetSection("Deleters:Brevo"));

    private readonly BrevoFake _brevo = new();

    private Task<DeletionOutcome> RunAsync(ErasureItem? item = null) => RunAsync(_brevo.Settings(), item);

    private static async Task<DeletionOutcome> RunAsync(Dictionary<string, string?> settings, ErasureItem? item = null) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(Register, settings, BrevoRegistration.Name, item ?? SampleRetirement.Item()));

    private static ErasureItem LearnerWithEmail(string email) => SampleRetirement.Item(SampleRetirement.Learner(email: email));

    // What is sent, and what counts as deleted or gone.

    [Fact]
    public async Task Deletes_the_lower_cased_address_then_the_address_as_typed_with_the_key_and_identifierType()
    {
        _brevo.StoredLowerCased(SampleEmail);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal([$"{ContactsPath}/{SampleEmailLower}", $"{ContactsPath}/{SampleEmail}"], _brevo.DeletedPaths);
        Assert.All(_brevo.Requests, r =>
        {
            Assert.Equal("DELETE", r.Method);
            Assert.Equal("email_id", Assert.Single(r.Query!["identifierType"]));
            Assert.Equal(ApiKey, Assert.Single(r.Headers!["api-key"]));
            // The key goes in Brevo's own header only.
            Assert.False(r.Headers!.ContainsKey("Authorization"));
            Assert.True(string.IsNullOrEmpty(r.Body));
        });
    }

    [Fact]
    public async Task An_address_typed_in_lower_case_is_asked_once()
    {
        _brevo.Contact("jane.doe@example.org");

        var outcome = await RunAsync(LearnerWithEmail("  jane.doe@example.org "));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal([$"{ContactsPath}/jane.doe@example.org"], _brevo.DeletedPaths);
    }

    [Fact]
    public async Task A_contact_Brevo_stores_as_typed_is_deleted()
    {
        // Brevo's reference does not say how it matches an address's case: a contact kept under the mixed-case
        // form must not be reported gone because the lower-cased form was not there.
        _brevo.NoContact(SampleEmailLower);
        _brevo.Contact(SampleEmail);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal(2, _brevo.DeletedPaths.Count);
    }

    [Fact]
    public async Task A_contact_Brevo_does_not_have_under_either_form_is_gone()
    {
        _brevo.Delete(SampleEmailLower, DocumentNotFound(SampleEmailLower));
        _brevo.Delete(SampleEmail, DocumentNotFound(SampleEmail));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Equal("no contact with this email", outcome.ProviderReference);
        Assert.Equal(2, _brevo.DeletedPaths.Count);
    }

    [Fact]
    public async Task A_404_that_is_not_Brevos_document_not_found_is_permanent_not_gone_and_stops()
    {
        // A proxy's or load balancer's 404 (a wrong BaseUrl) would otherwise count every learner as gone.
        _brevo.Delete(SampleEmailLower, Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html")
            .WithBody("<html><body><h1>404 Not Found</h1></body></html>"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 404 without Brevo's document_not_found (check BaseUrl)", outcome.Reason);
        Assert.Single(_brevo.DeletedPaths);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"code":"not_found","message":"Not found"}""")]
    [InlineData("""{"code":"DOCUMENT_NOT_FOUND"}""")]
    [InlineData("""{"code":404}""")]
    [InlineData("""["document_not_found"]""")]
    public async Task A_404_with_any_other_body_is_permanent_not_gone(string body)
    {
        _brevo.Delete(SampleEmailLower, Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(body));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.StartsWith("HTTP 404 without Brevo's document_not_found", outcome.Reason);
    }

    [Fact]
    public async Task A_404_without_Brevos_code_on_the_address_as_typed_is_permanent_too()
    {
        _brevo.Contact(SampleEmailLower);
        _brevo.Delete(SampleEmail, Response.Create().WithStatusCode(404));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("address as typed: HTTP 404 without Brevo's document_not_found (check BaseUrl)", outcome.Reason);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    public async Task An_answer_other_than_204_is_not_success(int status)
    {
        _brevo.Delete(SampleEmailLower, Response.Create().WithStatusCode(status).WithHeader("Content-Type", "text/html").WithBody("<html>ok</html>"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"unexpected answer (HTTP {status})", outcome.Reason);
    }

    [Fact]
    public async Task A_learner_without_an_email_is_permanent_and_Brevo_is_not_asked()
    {
        var outcome = await RunAsync(LearnerWithEmail("  "));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("the learner has no email address", outcome.Reason);
        Assert.Empty(_brevo.Requests);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("not-an-address")]
    public async Task An_address_without_an_at_sign_is_permanent_and_Brevo_is_not_asked(string email)
    {
        var outcome = await RunAsync(LearnerWithEmail(email));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("the learner's email address has no at sign (not sent to Brevo)", outcome.Reason);
        Assert.Empty(_brevo.Requests);
    }

    [Fact]
    public async Task Each_learner_of_a_call_gets_its_own_deletion_and_outcome()
    {
        // The bridge sends one learner per call (MaxBatchSize 1); the handler still answers for every item it gets.
        var there = SampleRetirement.Item(SampleRetirement.NthLearner(1));
        var notThere = SampleRetirement.Item(SampleRetirement.NthLearner(2));
        _brevo.StoredLowerCased(there.Learner.Email);
        _brevo.Unknown(notThere.Learner.Email);

        await using var kit = DeleterTestKit.Create(Register, _brevo.Settings());
        var results = await kit.EraseAsync(BrevoRegistration.Name, [there, notThere]);

        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(there)!.Kind);
        Assert.Equal(DeletionOutcomeKind.Gone, results.For(notThere)!.Kind);
        Assert.Equal(4, _brevo.DeletedPaths.Count);
    }

    // Rate limits: Brevo's 429 says when its window resets in x-sib-ratelimit-reset, and sends no Retry-After.

    [Fact]
    public async Task A_429_waits_what_x_sib_ratelimit_reset_says_and_names_the_limit()
    {
        _brevo.Everything(RateLimited("37", limit: 10, remaining: 0));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(37), outcome.RetryAfter);
        Assert.Equal("HTTP 429 (limit 10 per window, 0 left)", outcome.Reason);
        Assert.Single(_brevo.Requests);
    }

    [Theory]
    [InlineData("2.5", 2500)]
    [InlineData("0", 1000)]
    [InlineData("0.2", 1000)]
    [InlineData("3600", 3_600_000)]
    [InlineData("1767225600", 3_600_000)] // a Unix time, not seconds to wait: capped at Brevo's longest window
    public async Task The_reset_is_read_as_seconds_between_one_second_and_an_hour(string reset, int milliseconds)
    {
        _brevo.Everything(RateLimited(reset));

        var outcome = await RunAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), outcome.RetryAfter);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    public async Task A_reset_that_is_not_a_number_of_seconds_is_ignored(string reset)
    {
        _brevo.Everything(RateLimited(reset));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Null(outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_without_a_reset_falls_back_on_Retry_After()
    {
        _brevo.Everything(RateLimited(null).WithHeader("Retry-After", "9"));

        var outcome = await RunAsync();

        Assert.Equal(TimeSpan.FromSeconds(9), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_without_any_wait_is_transient_and_leaves_the_wait_to_the_bridge()
    {
        _brevo.Everything(Response.Create().WithStatusCode(429).WithBody("Too Many Requests"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("HTTP 429", outcome.Reason);
        Assert.Null(outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_on_the_address_as_typed_is_transient_though_the_lower_cased_one_was_deleted()
    {
        _brevo.Contact(SampleEmailLower);
        _brevo.Delete(SampleEmail, RateLimited("4"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(4), outcome.RetryAfter);
        Assert.Equal("address as typed: HTTP 429 (limit 10 per window, 0 left)", outcome.Reason);
    }

    // Errors: Brevo's code is kept, its message never.

    [Fact]
    public async Task A_rejected_key_is_permanent()
    {
        _brevo.Everything(Unauthorized());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("API key rejected (HTTP 401 unauthorized): check ApiKey and the account's authorised IPs", outcome.Reason);
        Assert.Single(_brevo.Requests);
    }

    [Fact]
    public async Task A_refused_permission_is_permanent()
    {
        _brevo.Everything(Error(403, "permission_denied", "Permission denied for this key"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("API key rejected (HTTP 403 permission_denied): check ApiKey and the account's authorised IPs", outcome.Reason);
    }

    [Theory]
    [InlineData(400, "invalid_parameter", "HTTP 400 invalid_parameter")]
    [InlineData(400, "bad_request", "HTTP 400 bad_request")]
    [InlineData(405, "method_not_allowed", "HTTP 405 method_not_allowed")]
    public async Task Another_client_error_is_permanent_with_Brevos_code_but_never_its_message(int status, string code, string reason)
    {
        _brevo.Delete(SampleEmailLower, Error(status, code, $"Invalid email address {SampleEmail}"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(reason, outcome.Reason);
        Assert.Single(_brevo.Requests);
    }

    [Theory]
    [InlineData("Invalid Email")]
    [InlineData("jane.doe@example.com")]
    [InlineData("code_for_jane_doe_1987")] // the shape of a constant, but it names the learner
    public async Task A_code_that_is_not_one_of_Brevos_constants_or_names_the_learner_is_left_out(string code)
    {
        _brevo.Delete(SampleEmailLower, Error(400, code, "bad"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 400", outcome.Reason);
    }

    [Fact]
    public async Task A_server_error_is_transient()
    {
        _brevo.Delete(SampleEmailLower, Error(502, "bad_gateway", "Bad gateway"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("HTTP 502", outcome.Reason);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_but_fails()
    {
        _brevo.Delete(SampleEmailLower, Response.Create().WithStatusCode(302).WithHeader("Location", "/login"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 302", outcome.Reason);
        Assert.Single(_brevo.Requests);
    }

    [Fact]
    public async Task A_refused_connection_is_transient_and_its_reason_names_no_url()
    {
        var outcome = await RunAsync(BrevoFake.Settings(Loopback.RefusedUrl()));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("connection failed", outcome.Reason);
    }

    // Options: defaults, limits, validation, dry run.

    [Fact]
    public async Task Defaults_are_Brevos_address_and_contacts_limits()
    {
        var settings = _brevo.Settings();
        settings.Remove("Deleters:Brevo:BaseUrl");
        settings.Remove("Deleters:Brevo:Timeout");
        await using var kit = DeleterTestKit.Create(Register, settings);

        var registration = kit.Registration(BrevoRegistration.Name);
        var options = kit.Services.GetRequiredService<BrevoOptions>();
        Assert.Equal(new Uri("https://api.brevo.com"), options.BaseUrl);
        Assert.Equal((1, 1), (registration.BatchSize, options.MaxBatchSize));
        Assert.Equal((10, TimeSpan.FromSeconds(1)), (options.RateLimit.Requests, options.RateLimit.Per));
        Assert.Equal(4, registration.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(30), registration.Timeout);
        Assert.False(registration.ChecksJobs);
    }

    [Fact]
    public async Task Operators_raise_the_rate_limit_for_advanced_limits_and_keep_the_second()
    {
        var settings = _brevo.Settings();
        settings["Deleters:Brevo:RateLimit:Requests"] = "20";
        await using var kit = DeleterTestKit.Create(Register, settings);

        Assert.Equal(20, kit.Registration(BrevoRegistration.Name).Options.RateLimit.Requests);
        Assert.Equal(TimeSpan.FromSeconds(1), kit.Registration(BrevoRegistration.Name).Options.RateLimit.Per);
    }

    [Theory]
    [InlineData("https://brevo-proxy.internal/brevo")]
    [InlineData("https://brevo-proxy.internal/v3-gateway/")]
    [InlineData("http://127.0.0.1:8080")]
    public async Task A_base_url_for_a_proxy_is_accepted(string baseUrl)
    {
        var settings = _brevo.Settings();
        settings["Deleters:Brevo:BaseUrl"] = baseUrl;
        await using var kit = DeleterTestKit.Create(Register, settings);

        Assert.Equal(new Uri(baseUrl), kit.Services.GetRequiredService<BrevoOptions>().BaseUrl);
    }

    public static TheoryData<string, string?, string> BadSettings => new()
    {
        // key, value (null: left out), expected message
        { "ApiKey", null, "Deleters:Brevo: ApiKey is required" },
        { "ApiKey", "   ", "Deleters:Brevo: ApiKey is required" },
        { "ApiKey", "xkeysib-s3cr3t\nInjected: header", "Deleters:Brevo: ApiKey must be printable ASCII without spaces or line breaks" },
        { "ApiKey", "xkeysib-s3cr3t é", "Deleters:Brevo: ApiKey must be printable ASCII without spaces or line breaks" },
        { "BatchSize", "2", "Deleters:Brevo: BatchSize must be 1 (the provider takes one learner per request)" },
        { "BaseUrl", "http://brevo-proxy.internal", "Deleters:Brevo: BaseUrl must use https (http only for a loopback address)" },
        { "BaseUrl", "https://api.brevo.com/v3", "Deleters:Brevo: BaseUrl must not end in /v3 (the deleter adds it)" },
        { "BaseUrl", "https://api.brevo.com/v3/", "Deleters:Brevo: BaseUrl must not end in /v3 (the deleter adds it)" },
        { "RateLimit:Requests", "0", "Deleters:Brevo: RateLimit:Requests must be at least 1" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_with_one_line_naming_the_key_and_never_the_key(string key, string? value, string expected)
    {
        var settings = _brevo.Settings();
        settings[$"Deleters:Brevo:{key}"] = value;

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain("s3cr3t", error.Message);
        Assert.DoesNotContain(ApiKey, error.Message);
    }

    [Fact]
    public void The_address_is_asked_lower_cased_then_as_typed_when_that_differs()
    {
        Assert.Equal(["jane.doe@example.com", "Jane.Doe@Example.COM"], BrevoEmail.Forms(" Jane.Doe@Example.COM "));
        Assert.Equal(["jane.doe@example.com"], BrevoEmail.Forms("jane.doe@example.com"));
        Assert.Empty(BrevoEmail.Forms(""));
        Assert.Empty(BrevoEmail.Forms(null));
    }

    public void Dispose() => _brevo.Dispose();
}
