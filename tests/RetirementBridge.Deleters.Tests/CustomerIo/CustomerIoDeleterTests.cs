using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using RetirementBridge.Deleters.CustomerIo;
using RetirementBridge.Deleters.Testing;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.CustomerIo.CustomerIoFake;

namespace RetirementBridge.Deleters.Tests.CustomerIo;

public sealed class CustomerIoDeleterTests : IDisposable
{
    /// <summary>The deleter's own registration, as BuiltInDeleters calls it.</summary>
    internal static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddCustomerIoDeleter(configuration.GetSection("Deleters:CustomerIo"));

    /// <summary>The sample learner's LMS user id, as the path holds it.</summary>
    private const string SampleId = "4242";

    private static readonly string SampleEmail = SampleRetirement.Email;
    private static readonly string SampleEmailLower = SampleRetirement.Email.ToLowerInvariant();

    private readonly CustomerIoFake _customerIo = new();

    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] overrides)
    {
        var settings = _customerIo.Settings();
        foreach (var (key, value) in overrides)
            settings[$"Deleters:CustomerIo:{key}"] = value;
        return settings;
    }

    private Task<DeletionOutcome> RunAsync(params (string Key, string? Value)[] overrides) => RunAsync(Settings(overrides));

    private static async Task<DeletionOutcome> RunAsync(Dictionary<string, string?> settings, ErasureItem? item = null) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(Register, settings, CustomerIoRegistration.Name, item ?? SampleRetirement.Item()));

    // What is sent, and what counts as erased or gone.

    [Fact]
    public async Task Deletes_the_person_by_LMS_user_id_with_Basic_site_id_and_api_key()
    {
        _customerIo.Delete(SampleId);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Null(outcome.ProviderReference);
        Assert.Equal([$"DELETE {CustomersPath}/{SampleId}"], _customerIo.Calls);
        var deletion = Assert.Single(_customerIo.Deletions);
        Assert.Equal(Authorization, deletion.Headers!["Authorization"].Single());
        Assert.True(string.IsNullOrEmpty(deletion.Body), "the deletion has no body");
    }

    [Fact]
    public async Task A_200_for_a_person_Customer_io_never_had_is_deleted_because_the_two_look_the_same()
    {
        // Customer.io answers 200 {} whether or not the person existed: nothing in the answer tells them apart, so
        // the outcome is Deleted either way (never Gone), and no region check is needed.
        _customerIo.Delete(SampleId, Ok());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Empty(_customerIo.RegionChecks);
    }

    [Fact]
    public async Task A_404_confirmed_by_the_region_endpoint_is_gone()
    {
        _customerIo.Delete(SampleId, NotFound(SampleId));
        _customerIo.Region();

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Equal([$"DELETE {CustomersPath}/{SampleId}", $"GET {RegionPath}"], _customerIo.Calls);
        Assert.Equal(Authorization, Assert.Single(_customerIo.RegionChecks).Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task An_EU_region_answer_confirms_the_Track_API_as_well()
    {
        _customerIo.Delete(SampleId, NotFound(SampleId));
        _customerIo.Region(RegionAnswer("eu"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
    }

    public static TheoryData<int, string, string> UnconfirmingRegionAnswers => new()
    {
        // the region endpoint's status, content type and body
        { 404, "text/html", "<html><body><h1>404 Not Found</h1></body></html>" },
        { 404, "application/json", """{"meta":{"error":"not found"}}""" },
        { 200, "text/html", "<html><body>Welcome to the proxy</body></html>" },
        { 200, "application/json", "{}" },
        { 200, "application/json", """{"region":""}""" },
    };

    [Theory]
    [MemberData(nameof(UnconfirmingRegionAnswers))]
    public async Task A_404_the_region_endpoint_does_not_confirm_is_permanent_never_gone(int status, string contentType, string body)
    {
        // A wrong BaseUrl or proxy answers 404 for every path: read as "gone", every learner would count as erased.
        _customerIo.Delete(SampleId, Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html").WithBody("<h1>Not Found</h1>"));
        _customerIo.Region(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("delete: HTTP 404, and GET /api/v1/accounts/region did not answer as Customer.io (check BaseUrl and Region)", outcome.Reason);
    }

    [Fact]
    public async Task A_404_whose_region_check_is_rate_limited_is_transient_with_the_wait()
    {
        _customerIo.Delete(SampleId, NotFound(SampleId));
        _customerIo.Region(RateLimited(TimeSpan.FromSeconds(9)));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(9), outcome.RetryAfter);
        Assert.Equal("delete: HTTP 404, confirming with the region endpoint: HTTP 429", outcome.Reason);
    }

    [Fact]
    public async Task A_404_whose_region_check_is_refused_credentials_is_permanent()
    {
        _customerIo.Delete(SampleId, NotFound(SampleId));
        _customerIo.Region(Unauthorized());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("delete: HTTP 404, confirming with the region endpoint: HTTP 401, site id or API key rejected", outcome.Reason);
    }

    public static TheoryData<int, string?, string?> NotCustomerIosSuccess => new()
    {
        // status, content type, body: 2xx answers that are not Customer.io's {}
        { 200, "text/html", "<html><body>Maintenance</body></html>" },
        { 200, null, null },
        { 200, "application/json", "[]" },
        { 200, "application/json", "null" },
        { 204, null, null },
        { 201, "application/json", "{}" },
        { 202, "application/json", """{"status":"queued"}""" },
    };

    [Theory]
    [MemberData(nameof(NotCustomerIosSuccess))]
    public async Task A_2xx_that_is_not_Customer_ios_empty_object_is_transient_never_success(int status, string? contentType, string? body)
    {
        var answer = Response.Create().WithStatusCode(status);
        if (contentType is not null)
            answer = answer.WithHeader("Content-Type", contentType);
        if (body is not null)
            answer = answer.WithBody(body);
        _customerIo.Delete(SampleId, answer);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"delete: unexpected answer (HTTP {status})", outcome.Reason);
    }

    [Fact]
    public async Task A_learner_without_an_LMS_user_id_is_permanent_and_Customer_io_is_not_asked()
    {
        var item = SampleRetirement.Item(SampleRetirement.Learner(lmsUserId: 0));

        var outcome = await RunAsync(Settings(), item);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("the learner has no LMS user id", outcome.Reason);
        Assert.Empty(_customerIo.Requests);
    }

    [Fact]
    public async Task Each_learner_of_a_call_gets_its_own_deletion_and_outcome()
    {
        // The bridge sends one learner per call (MaxBatchSize 1); the handler still answers for every item it gets.
        var there = SampleRetirement.Item(SampleRetirement.NthLearner(1));
        var refused = SampleRetirement.Item(SampleRetirement.NthLearner(2));
        _customerIo.Delete("5001");
        _customerIo.Delete("5002", Json(400, """{"meta":{"error":"invalid identifier"}}"""));

        await using var kit = DeleterTestKit.Create(Register, _customerIo.Settings());
        var results = await kit.EraseAsync(CustomerIoRegistration.Name, [there, refused]);

        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(there)!.Kind);
        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(refused)!.Kind);
        Assert.Equal("delete: HTTP 400", results.For(refused)!.Reason);
    }

    // Suppression.

    [Fact]
    public async Task With_Suppress_the_deletion_is_followed_by_a_suppression_of_the_same_id()
    {
        _customerIo.Delete(SampleId);
        _customerIo.Suppress(SampleId);

        var outcome = await RunAsync(("Suppress", "true"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("identifier suppressed", outcome.ProviderReference);
        Assert.Equal([$"DELETE {CustomersPath}/{SampleId}", $"POST {CustomersPath}/{SampleId}/suppress"], _customerIo.Calls);
        var suppression = Assert.Single(_customerIo.Suppressions);
        Assert.Equal(Authorization, suppression.Headers!["Authorization"].Single());
        Assert.Equal("{}", suppression.Body);
    }

    [Fact]
    public async Task Without_Suppress_nothing_is_suppressed()
    {
        _customerIo.Delete(SampleId);

        await RunAsync(("Suppress", "false"));

        Assert.Empty(_customerIo.Suppressions);
    }

    [Fact]
    public async Task A_rate_limited_suppression_after_the_deletion_is_transient_and_the_next_attempt_does_both_again()
    {
        _customerIo.Delete(SampleId);
        _customerIo.Suppress(SampleId, RateLimited(TimeSpan.FromSeconds(4)));

        var outcome = await RunAsync(("Suppress", "true"));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("suppress: HTTP 429", outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(4), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_refused_suppression_is_permanent_even_though_the_person_was_deleted()
    {
        _customerIo.Delete(SampleId);
        _customerIo.Suppress(SampleId, Json(400, """{"meta":{"error":"cannot suppress"}}"""));

        var outcome = await RunAsync(("Suppress", "true"));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("suppress: HTTP 400", outcome.Reason);
    }

    [Fact]
    public async Task A_suppression_answered_with_a_confirmed_404_keeps_the_deletion_and_says_so()
    {
        _customerIo.Delete(SampleId);
        _customerIo.Suppress(SampleId, NotFound(SampleId));
        _customerIo.Region();

        var outcome = await RunAsync(("Suppress", "true"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("suppressed 0 of 1 identifiers (Customer.io answered 404 for the others)", outcome.ProviderReference);
    }

    [Fact]
    public async Task A_deletion_that_fails_is_not_followed_by_a_suppression()
    {
        _customerIo.Delete(SampleId, Json(503, "{}"));
        _customerIo.Suppress(SampleId);

        var outcome = await RunAsync(("Suppress", "true"));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("delete: HTTP 503", outcome.Reason);
        Assert.Empty(_customerIo.Suppressions);
    }

    // Identifier: Email.

    [Fact]
    public async Task By_email_deletes_the_address_as_the_LMS_has_it_then_its_lower_case_form()
    {
        // Customer.io answers 200 for an address it does not have: had the workspace stored the lower-case form, a
        // deletion by the mixed-case address alone would pass for an erasure and leave the person there.
        _customerIo.Delete(SampleEmail);
        _customerIo.Delete(SampleEmailLower);

        var outcome = await RunAsync(("Identifier", "Email"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal([$"DELETE {CustomersPath}/{SampleEmail}", $"DELETE {CustomersPath}/{SampleEmailLower}"], _customerIo.Calls);
    }

    [Fact]
    public async Task By_email_an_address_already_in_lower_case_is_deleted_once()
    {
        _customerIo.Delete("jane@example.org");

        var outcome = await RunAsync(Settings(("Identifier", "email")), SampleRetirement.Item(SampleRetirement.Learner(email: " jane@example.org ")));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal([$"DELETE {CustomersPath}/jane@example.org"], _customerIo.Calls);
    }

    [Fact]
    public async Task By_email_with_Suppress_each_form_is_deleted_then_suppressed()
    {
        _customerIo.Delete(SampleEmail);
        _customerIo.Suppress(SampleEmail);
        _customerIo.Delete(SampleEmailLower);
        _customerIo.Suppress(SampleEmailLower);

        var outcome = await RunAsync(("Identifier", "Email"), ("Suppress", "true"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("2 identifiers suppressed", outcome.ProviderReference);
        Assert.Equal(
            [
                $"DELETE {CustomersPath}/{SampleEmail}", $"POST {CustomersPath}/{SampleEmail}/suppress",
                $"DELETE {CustomersPath}/{SampleEmailLower}", $"POST {CustomersPath}/{SampleEmailLower}/suppress",
            ],
            _customerIo.Calls);
    }

    [Fact]
    public async Task By_email_a_failure_on_the_lower_case_form_names_the_form_but_not_the_address()
    {
        _customerIo.Delete(SampleEmail);
        _customerIo.Delete(SampleEmailLower, Json(500, $$$"""{"meta":{"error":"could not delete {{{SampleEmailLower}}}"}}"""));

        var outcome = await RunAsync(("Identifier", "Email"));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("delete (lower-case address): HTTP 500", outcome.Reason);
    }

    [Fact]
    public async Task By_email_both_forms_answering_a_confirmed_404_is_gone_with_one_region_check()
    {
        _customerIo.Delete(SampleEmail, NotFound(SampleEmail));
        _customerIo.Delete(SampleEmailLower, NotFound(SampleEmailLower));
        _customerIo.Region();

        var outcome = await RunAsync(("Identifier", "Email"));

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Single(_customerIo.RegionChecks);
    }

    [Fact]
    public async Task By_email_one_form_deleted_and_the_other_not_found_is_deleted()
    {
        _customerIo.Delete(SampleEmail, NotFound(SampleEmail));
        _customerIo.Region();
        _customerIo.Delete(SampleEmailLower);

        var outcome = await RunAsync(("Identifier", "Email"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
    }

    [Fact]
    public async Task By_email_a_learner_without_an_address_is_permanent_and_Customer_io_is_not_asked()
    {
        var outcome = await RunAsync(Settings(("Identifier", "Email")), SampleRetirement.Item(SampleRetirement.Learner(email: "  ")));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("the learner has no email address", outcome.Reason);
        Assert.Empty(_customerIo.Requests);
    }

    // Rate limits and errors.

    [Fact]
    public async Task A_429_with_Retry_After_waits_that_long()
    {
        _customerIo.Everything(RateLimited(TimeSpan.FromSeconds(7)));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("delete: HTTP 429", outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_with_Retry_After_as_a_date_waits_until_then()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(2);
        _customerIo.Everything(Json(429, "{}").WithHeader("Retry-After", at.ToString("R")));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.InRange(outcome.RetryAfter!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(121));
    }

    [Fact]
    public async Task A_429_without_Retry_After_waits_three_seconds()
    {
        _customerIo.Everything(RateLimited());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), outcome.RetryAfter);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Rejected_credentials_are_permanent(int status)
    {
        _customerIo.Everything(status == 401 ? Unauthorized() : Json(403, """{"meta":{"error":"Forbidden"}}"""));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"delete: HTTP {status}, site id or API key rejected", outcome.Reason);
    }

    [Fact]
    public async Task Another_client_error_is_permanent_and_Customer_ios_error_text_is_never_read()
    {
        _customerIo.Delete(SampleEmail, Json(400, $$$"""{"meta":{"error":"{{{SampleEmail}}} is not a valid identifier"}}"""));

        var outcome = await RunAsync(("Identifier", "Email"));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("delete: HTTP 400", outcome.Reason);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task A_server_error_or_timeout_answer_is_transient_and_honours_Retry_After(int status)
    {
        _customerIo.Everything(Json(status, "{}").WithHeader("Retry-After", "30"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"delete: HTTP {status}", outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(30), outcome.RetryAfter);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_not_followed_and_points_at_the_region(int status)
    {
        // Customer.io redirects an EU workspace's requests sent to the US address: followed, the data would still
        // pass through the US, and a redirected DELETE could come back as a GET.
        _customerIo.Delete(SampleId, Response.Create().WithStatusCode(status)
            .WithHeader("Location", "https://track-eu.customer.io/api/v1/customers/4242"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(
            $"delete: HTTP {status}, redirected (check Region: Customer.io redirects an EU workspace's requests sent to the US address)",
            outcome.Reason);
        Assert.Single(_customerIo.Requests);
    }

    [Fact]
    public async Task A_refused_connection_is_transient_and_its_reason_names_no_url()
    {
        var outcome = await RunAsync(CustomerIoFake.Settings(Loopback.RefusedUrl()));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("delete: connection failed", outcome.Reason);
    }

    [Fact]
    public async Task A_refused_connection_by_email_names_neither_the_url_nor_the_address()
    {
        var settings = CustomerIoFake.Settings(Loopback.RefusedUrl());
        settings["Deleters:CustomerIo:Identifier"] = "Email";

        var outcome = await RunAsync(settings);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("delete: connection failed", outcome.Reason);
    }

    // Options: defaults, regions, limits, validation, dry run.

    [Fact]
    public async Task Defaults_are_Customer_ios_US_address_and_Track_API_limits()
    {
        var settings = _customerIo.Settings();
        settings.Remove("Deleters:CustomerIo:BaseUrl");
        settings.Remove("Deleters:CustomerIo:Timeout");
        await using var kit = DeleterTestKit.Create(Register, settings);

        var registration = kit.Registration(CustomerIoRegistration.Name);
        var options = kit.Services.GetRequiredService<CustomerIoOptions>();
        Assert.Equal(new Uri("https://track.customer.io"), options.EffectiveBaseUrl);
        Assert.Equal(CustomerIoRegion.US, options.Region);
        Assert.Equal(CustomerIoIdentifier.LmsUserId, options.Identifier);
        Assert.False(options.Suppress);
        Assert.Equal((1, 1), (registration.BatchSize, options.MaxBatchSize));
        Assert.Equal((100, TimeSpan.FromSeconds(1)), (options.RateLimit.Requests, options.RateLimit.Per));
        Assert.Equal(4, registration.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(30), registration.Timeout);
        Assert.False(registration.ChecksJobs);
    }

    [Theory]
    [InlineData("US", null, "https://track.customer.io/")]
    [InlineData("EU", null, "https://track-eu.customer.io/")]
    [InlineData("eu", null, "https://track-eu.customer.io/")]
    [InlineData("EU", "https://customerio-proxy.example.org/", "https://customerio-proxy.example.org/")]
    public async Task Region_picks_the_Track_API_address_and_BaseUrl_wins(string region, string? baseUrl, string expected)
    {
        var settings = _customerIo.Settings();
        settings["Deleters:CustomerIo:Region"] = region;
        settings["Deleters:CustomerIo:BaseUrl"] = baseUrl;
        await using var kit = DeleterTestKit.Create(Register, settings);

        Assert.Equal(new Uri(expected), kit.Services.GetRequiredService<CustomerIoOptions>().EffectiveBaseUrl);
        // The Refit client the deleter uses is pointed there (creating a client sends nothing).
        var client = kit.Services.GetRequiredService<IHttpClientFactory>().CreateClient(UniqueName.ForType<ICustomerIoTrackApi>());
        Assert.Equal(new Uri(expected), client.BaseAddress);
    }

    [Fact]
    public async Task Requests_go_to_BaseUrl_even_with_the_EU_region()
    {
        _customerIo.Delete(SampleId);

        var outcome = await RunAsync(("Region", "EU"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Single(_customerIo.Deletions);
    }

    [Fact]
    public async Task Operators_lower_the_rate_limit_and_Per_keeps_its_second()
    {
        await using var kit = DeleterTestKit.Create(Register, Settings(("RateLimit:Requests", "20")));

        var options = kit.Registration(CustomerIoRegistration.Name).Options;
        Assert.Equal((20, TimeSpan.FromSeconds(1)), (options.RateLimit.Requests, options.RateLimit.Per));
    }

    public static TheoryData<string, string?, string, string?> BadSettings => new()
    {
        // key, value (null: left out), expected problem, text that must not appear
        { "SiteId", null, "SiteId is required", null },
        { "SiteId", "  ", "SiteId is required", null },
        { "SiteId", "s1te:s3cr3t", "SiteId must not contain ':' or whitespace", "s3cr3t" },
        { "ApiKey", null, "ApiKey is required", null },
        { "ApiKey", "k3y s3cr3t", "ApiKey must not contain whitespace", "s3cr3t" },
        { "ApiKey", "k3y\nInjected: header", "ApiKey must not contain whitespace", "Injected" },
        { "Region", "2", "Region must be US or EU", null },
        { "Identifier", "7", "Identifier must be LmsUserId or Email", null },
        { "BatchSize", "2", "BatchSize must be 1 (the provider takes one learner per request)", null },
        { "BaseUrl", "http://customerio-proxy.internal", "BaseUrl must use https (http only for a loopback address)", null },
        { "BaseUrl", "https://track.customer.io/api/v1", "BaseUrl is the Track API's host (e.g. https://track-eu.customer.io), without /api/v1", null },
        { "BaseUrl", "https://track.customer.io/api/v1/", "BaseUrl is the Track API's host (e.g. https://track-eu.customer.io), without /api/v1", null },
        { "BaseUrl", "https://proxy.example.org/customerio/api", "BaseUrl is the Track API's host (e.g. https://track-eu.customer.io), without /api/v1", null },
        { "BaseUrl", "https://proxy.example.org/?token=s3cr3t", "BaseUrl must not have a query or fragment", "s3cr3t" },
        { "RateLimit:Requests", "0", "RateLimit:Requests must be at least 1", null },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_with_one_line_naming_the_key_and_never_a_secret(
        string key, string? value, string problem, string? mustNotAppear)
    {
        var settings = Settings((key, value));

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal($"Deleters:CustomerIo: {problem}", error.Message);
        Assert.DoesNotContain(ApiKey, error.Message);
        Assert.DoesNotContain(SiteId, error.Message);
        if (mustNotAppear is not null)
            Assert.DoesNotContain(mustNotAppear, error.Message);
    }

    [Theory]
    [InlineData("Region", "Mars")]
    [InlineData("Identifier", "PhoneNumber")]
    [InlineData("Suppress", "sometimes")]
    public void A_value_the_binder_cannot_read_stops_start_up_naming_the_key_not_the_value(string key, string value)
    {
        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, Settings((key, value))));

        Assert.StartsWith($"Deleters:CustomerIo:{key} is not a valid ", error.Message);
        Assert.DoesNotContain(value, error.Message);
    }

    [Fact]
    public async Task A_dry_run_by_email_with_suppression_shows_both_requests()
    {
        var outcome = await RunAsync(("DryRun", "true"), ("Identifier", "Email"), ("Suppress", "true"));

        Assert.Equal(DeletionOutcomeKind.DryRun, outcome.Kind);
        Assert.Contains("DELETE /api/v1/customers/{email} per learner", outcome.Reason);
        Assert.Contains("POST /api/v1/customers/{identifier}/suppress", outcome.Reason);
        Assert.Empty(_customerIo.Requests);
    }

    public void Dispose() => _customerIo.Dispose();
}
