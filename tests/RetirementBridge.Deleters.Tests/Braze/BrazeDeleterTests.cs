using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetirementBridge.Deleters.Braze;
using RetirementBridge.Deleters.Testing;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Braze.BrazeFake;

namespace RetirementBridge.Deleters.Tests.Braze;

public sealed class BrazeDeleterTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly BrazeFake _braze = new();
    private readonly FakeTimeProvider _clock = new(Now);

    private void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddBrazeDeleter(configuration.GetSection("Deleters:Braze"));
        services.AddSingleton<TimeProvider>(_clock);
    }

    private DeleterTestKit Kit(Dictionary<string, string?>? settings = null) => DeleterTestKit.Create(Register, settings ?? _braze.Settings());

    private async Task<DeletionResults> EraseAsync(IReadOnlyList<ErasureItem> items, Dictionary<string, string?>? settings = null)
    {
        await using var kit = Kit(settings);
        return PersonalData.AssertNone(await kit.EraseAsync(BrazeRegistration.Name, items), items);
    }

    private async Task<DeletionOutcome> EraseOneAsync(ErasureItem? item = null, Dictionary<string, string?>? settings = null)
    {
        item ??= SampleRetirement.Item();
        return (await EraseAsync([item], settings)).For(item)!;
    }

    private static string Id(ErasureItem item) => item.Learner.LmsUserId.ToString(CultureInfo.InvariantCulture);

    private static List<string> Ids(IEnumerable<ErasureItem> items) => items.Select(Id).ToList();

    // ---- requests exactly as Braze documents them ----

    [Fact]
    public async Task A_full_batch_of_50_goes_in_one_request_with_the_lms_user_ids_as_external_ids()
    {
        var items = SampleRetirement.Batch(50);
        _braze.Delete(Ids(items), Deleted(50));

        var results = await EraseAsync(items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind);
            Assert.Equal("braze deleted 50 of 50", results.For(item)!.ProviderReference);
        });
        var request = Assert.Single(_braze.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(DeletePath, request.Path);
        Assert.Equal(Enumerable.Range(5001, 50).Select(n => n.ToString(CultureInfo.InvariantCulture)), SentIds(request));
        Assert.Equal("Bearer " + ApiKey, request.Headers!["Authorization"].Single());
        Assert.StartsWith("application/json", request.Headers!["Content-Type"].Single());
        // Buffered: a Content-Length, not a chunked body.
        Assert.True(request.Headers!.ContainsKey("Content-Length"));
    }

    [Fact]
    public async Task The_body_holds_only_external_ids_as_strings()
    {
        var item = SampleRetirement.Item();
        _braze.Delete(["4242"], Deleted(1));

        var outcome = await EraseOneAsync(item);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("""{"external_ids":["4242"]}""", Assert.Single(_braze.Requests).Body);
    }

    [Fact]
    public void Defaults_are_brazes_documented_limits()
    {
        var options = new BrazeOptions();

        Assert.Equal(50, options.BatchSize);
        Assert.Equal(50, options.MaxBatchSize);
        Assert.Equal(20_000, options.RateLimit.Requests);
        Assert.Equal(TimeSpan.FromMinutes(1), options.RateLimit.Per);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(4, options.MaxConcurrency);
        Assert.Equal("POST /users/delete {\"external_ids\": [LMS user ids]}, up to 50 learners in one request", options.RequestShape);
    }

    [Fact]
    public async Task More_than_50_learners_in_one_call_are_split_into_requests_of_50()
    {
        // The bridge never sends more than BatchSize; a caller that does still gets Braze's limit respected.
        var items = SampleRetirement.Batch(120);
        _braze.Delete(Ids(items.Take(50)), Deleted(50));
        _braze.Delete(Ids(items.Skip(50).Take(50)), Deleted(50));
        _braze.Delete(Ids(items.Skip(100)), Deleted(20));

        var results = await EraseAsync(items);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind));
        Assert.Equal([50, 50, 20], _braze.DeleteRequests.Select(r => SentIds(r).Count));
        Assert.Equal("braze deleted 20 of 20", results.For(items[119])!.ProviderReference);
    }

    [Fact]
    public async Task Two_deliveries_of_one_learner_send_the_id_once_and_both_are_deleted()
    {
        var learner = SampleRetirement.NthLearner(7);
        var first = SampleRetirement.Item(learner);
        var second = SampleRetirement.Item(learner);
        var other = SampleRetirement.Item(SampleRetirement.NthLearner(8));
        _braze.Delete(["5007", "5008"], Deleted(2));

        var results = await EraseAsync([first, other, second]);

        Assert.All(new[] { first, second, other }, item => Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind));
        Assert.Single(_braze.Requests);
    }

    [Fact]
    public async Task A_learner_without_an_lms_user_id_fails_alone_and_is_not_sent()
    {
        var bad = SampleRetirement.Item(SampleRetirement.Learner(lmsUserId: 0));
        var good = SampleRetirement.Item(SampleRetirement.NthLearner(1));
        _braze.Delete(["5001"], Deleted(1));

        var results = await EraseAsync([bad, good]);

        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(bad)!.Kind);
        Assert.Equal("the learner has no LMS user id (Braze's external id)", results.For(bad)!.Reason);
        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(good)!.Kind);
        Assert.Equal(["5001"], SentIds(Assert.Single(_braze.Requests)));
    }

    [Fact]
    public async Task A_call_of_learners_without_ids_sends_nothing()
    {
        var outcome = await EraseOneAsync(SampleRetirement.Item(SampleRetirement.Learner(lmsUserId: -1)));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Empty(_braze.Requests);
    }

    // ---- what Braze's answers mean ----

    [Fact]
    public async Task Braze_does_not_say_who_it_found_so_fewer_deleted_than_sent_is_still_deleted_for_all()
    {
        // "deleted" counts profiles queued for deletion; an id Braze never had is simply not counted. It does not say
        // which, so no learner can be told apart as gone: all are reported deleted, with the count for operators.
        var items = SampleRetirement.Batch(3);
        _braze.Delete(Ids(items), Deleted(1));

        var results = await EraseAsync(items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind);
            Assert.Equal("braze deleted 1 of 3", results.For(item)!.ProviderReference);
        });
    }

    [Fact]
    public async Task None_deleted_is_still_deleted_never_gone()
    {
        _braze.Delete(["4242"], Deleted(0));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("braze deleted 0 of 1", outcome.ProviderReference);
    }

    [Fact]
    public async Task Queued_during_maintenance_is_deleted()
    {
        _braze.Delete(["4242"], Queued());

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("braze queued 1 id(s) during maintenance (HTTP 202)", outcome.ProviderReference);
    }

    [Fact]
    public async Task Success_with_errors_is_not_taken_as_deleted()
    {
        _braze.Delete(["4242"], Json(200, new { deleted = 0, message = "success", errors = new[] { $"{SampleRetirement.Email} is invalid" } }));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("Braze reported 1 error(s) with the deletion (HTTP 200)", outcome.Reason);
    }

    [Theory]
    [InlineData("""{"message":"success"}""")]
    [InlineData("""{"deleted":1,"message":"Invalid request"}""")]
    [InlineData("""{"deleted":-1,"message":"success"}""")]
    [InlineData("""[]""")]
    [InlineData("")]
    public async Task A_2xx_without_a_deleted_count_is_never_success(string body)
    {
        _braze.Delete(["4242"], Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
    }

    [Theory]
    [InlineData(401, "Invalid API key")]
    [InlineData(403, "Access Denied")]
    public async Task A_rejected_key_is_permanent(int status, string message)
    {
        _braze.AnyDelete(Error(status, message));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"API key rejected (HTTP {status})", outcome.Reason);
    }

    [Fact]
    public async Task A_404_is_brazes_unknown_key_never_gone()
    {
        _braze.AnyDelete(Error(404, "Unknown REST API Key"));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 404: Braze does not know the API key, or BaseUrl/Instance is wrong", outcome.Reason);
    }

    [Fact]
    public async Task A_bad_request_is_permanent_with_brazes_generic_message()
    {
        _braze.AnyDelete(Error(400, "The max number of ids per request was exceeded"));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 400: The max number of ids per request was exceeded", outcome.Reason);
    }

    [Theory]
    [InlineData("No user with email jane.doe@example.com")]
    [InlineData("User jane_doe_1987 is locked")]
    [InlineData("external id 4242 is not valid")]
    [InlineData("a message far too long to be one of Braze's generic messages, so it is not repeated in an outcome at all")]
    public async Task A_bad_request_message_that_could_name_someone_is_left_out(string message)
    {
        _braze.AnyDelete(Error(400, message));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 400", outcome.Reason);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_but_fails()
    {
        _braze.AnyDelete(Response.Create().WithStatusCode(307).WithHeader("Location", "/elsewhere"));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("HTTP 307: redirected (check BaseUrl/Instance)", outcome.Reason);
        Assert.Single(_braze.Requests);
    }

    [Fact]
    public async Task A_server_error_is_transient_for_every_learner()
    {
        var items = SampleRetirement.Batch(3);
        _braze.AnyDelete(Error(500, "Internal Server Error"));

        var results = await EraseAsync(items);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Transient, results.For(item)!.Kind));
        Assert.Equal("HTTP 500", results.For(items[0])!.Reason);
    }

    // ---- rate limits ----

    [Fact]
    public async Task A_429_waits_until_X_RateLimit_Reset_read_as_epoch_seconds()
    {
        _braze.AnyDelete(RateLimited(Now.AddSeconds(42)));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("HTTP 429", outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(42), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_with_Retry_After_waits_that_long()
    {
        _braze.AnyDelete(RateLimited(null).WithHeader("Retry-After", "17"));

        var outcome = await EraseOneAsync();

        Assert.Equal(TimeSpan.FromSeconds(17), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_with_both_headers_waits_for_the_later()
    {
        _braze.AnyDelete(RateLimited(Now.AddSeconds(50)).WithHeader("Retry-After", "20"));

        var outcome = await EraseOneAsync();

        Assert.Equal(TimeSpan.FromSeconds(50), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_reset_already_past_gives_no_wait()
    {
        _braze.AnyDelete(RateLimited(Now.AddSeconds(-5)));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Null(outcome.RetryAfter);
    }

    [Theory]
    [InlineData("1795435200000")] // milliseconds by mistake: beyond any date
    [InlineData("soon")]
    [InlineData("-1")]
    public async Task An_unreadable_reset_is_ignored(string reset)
    {
        _braze.AnyDelete(RateLimited(null).WithHeader("X-RateLimit-Reset", reset));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Null(outcome.RetryAfter);
    }

    [Fact]
    public async Task A_reset_far_ahead_is_capped_at_an_hour()
    {
        _braze.AnyDelete(RateLimited(Now.AddDays(2)));

        var outcome = await EraseOneAsync();

        Assert.Equal(TimeSpan.FromHours(1), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_rate_limited_batch_carries_the_wait_for_every_learner()
    {
        var items = SampleRetirement.Batch(50);
        _braze.AnyDelete(RateLimited(Now.AddSeconds(30)));

        var results = await EraseAsync(items);

        Assert.All(items, item => Assert.Equal(TimeSpan.FromSeconds(30), results.For(item)!.RetryAfter));
        Assert.Single(_braze.Requests);
    }

    // ---- transport ----

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        var outcome = await EraseOneAsync(settings: BrazeFake.Settings(Loopback.RefusedUrl()));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("connection failed", outcome.Reason);
    }

    [Fact]
    public async Task A_provider_slower_than_the_timeout_is_transient()
    {
        _braze.AnyDelete(Deleted(1).WithDelay(TimeSpan.FromSeconds(30)));
        var settings = _braze.Settings();
        settings["Deleters:Braze:Timeout"] = "00:00:00.300";

        var outcome = await EraseOneAsync(settings: settings);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("timed out", outcome.Reason);
    }

    [Fact]
    public async Task Dry_run_sends_nothing_and_says_what_it_would_send()
    {
        var settings = _braze.Settings();
        settings["Deleters:Braze:DryRun"] = "true";
        var items = SampleRetirement.Batch(50);

        var results = await EraseAsync(items, settings);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.DryRun, results.For(item)!.Kind));
        Assert.Contains("would erase 50 learner(s) in one call: POST /users/delete", results.For(items[0])!.Reason);
        Assert.Empty(_braze.Requests);
    }

    // ---- region / base URL ----

    [Theory]
    [InlineData("iad-01", "https://rest.iad-01.braze.com/")]
    [InlineData("iad-08", "https://rest.iad-08.braze.com/")]
    [InlineData("fra-01", "https://rest.fra-01.braze.eu/")]
    [InlineData("fra-02", "https://rest.fra-02.braze.eu/")]
    [InlineData("au-01", "https://rest.au-01.braze.com/")]
    [InlineData("IAD-02", "https://rest.iad-02.braze.com/")]
    public async Task The_instance_selects_the_rest_endpoint(string instance, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Deleters:Braze:Enabled"] = "true",
            ["Deleters:Braze:ApiKey"] = ApiKey,
            ["Deleters:Braze:Instance"] = instance,
        };

        await using var kit = Kit(settings);

        var options = Assert.IsType<BrazeOptions>(kit.Registration(BrazeRegistration.Name).Options);
        Assert.Equal(new Uri(expected), options.EffectiveBaseUrl);
    }

    [Fact]
    public async Task BaseUrl_is_used_as_given()
    {
        await using var kit = Kit();

        var options = Assert.IsType<BrazeOptions>(kit.Registration(BrazeRegistration.Name).Options);
        Assert.Equal(new Uri(_braze.Server.Url!), options.EffectiveBaseUrl);
    }

    // ---- configuration ----

    public static TheoryData<string, string?, string, string?> BadSettings => new()
    {
        // key, value (null: left out), expected message, text that must not appear
        { "ApiKey", null, "Deleters:Braze: ApiKey is required", null },
        { "ApiKey", "s3cr3t key-with space", "Deleters:Braze: ApiKey must not contain spaces or control characters", "s3cr3t" },
        { "BaseUrl", null, "Deleters:Braze: BaseUrl or Instance is required (e.g. Instance: iad-01)", null },
        { "BaseUrl", "http://rest.iad-01.braze.com", "Deleters:Braze: BaseUrl must use https (the API key is sent with every request)", null },
        { "BaseUrl", "https://rest.iad-01.braze.com/?key=x", "Deleters:Braze: BaseUrl must not have a query or fragment", null },
        { "BatchSize", "51", "Deleters:Braze: BatchSize must be between 1 and 50 (the provider's limit)", null },
        { "RateLimit:Requests", "0", "Deleters:Braze: RateLimit:Requests must be at least 1", null },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_fails_start_up_with_one_line_naming_the_key(string key, string? value, string expected, string? mustNotAppear)
    {
        var settings = _braze.Settings();
        settings[$"Deleters:Braze:{key}"] = value;

        var error = Assert.Throws<DeleterConfigurationException>(() => Kit(settings));

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        if (mustNotAppear is not null)
            Assert.DoesNotContain(mustNotAppear, error.Message);
    }

    [Theory]
    [InlineData("US-01", "Deleters:Braze: Instance is the REST host's name, not the dashboard's (US-01 is iad-01, EU-01 is fra-01)")]
    [InlineData("eu-01", "Deleters:Braze: Instance is the REST host's name, not the dashboard's (US-01 is iad-01, EU-01 is fra-01)")]
    [InlineData("rest.iad-01.braze.com", "Deleters:Braze: Instance must look like iad-01 or fra-01 (rest.<Instance>.braze.com; set BaseUrl for any other host)")]
    [InlineData("iad-1", "Deleters:Braze: Instance must look like iad-01 or fra-01 (rest.<Instance>.braze.com; set BaseUrl for any other host)")]
    public void A_bad_instance_fails_start_up(string instance, string expected)
    {
        var settings = _braze.Settings();
        settings.Remove("Deleters:Braze:BaseUrl");
        settings["Deleters:Braze:Instance"] = instance;

        var error = Assert.Throws<DeleterConfigurationException>(() => Kit(settings));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void BaseUrl_and_Instance_together_are_ambiguous()
    {
        var settings = _braze.Settings();
        settings["Deleters:Braze:Instance"] = "iad-01";

        var error = Assert.Throws<DeleterConfigurationException>(() => Kit(settings));

        Assert.Equal("Deleters:Braze: set BaseUrl or Instance, not both", error.Message);
    }

    [Fact]
    public async Task A_disabled_section_registers_nothing_and_is_not_validated()
    {
        await using var kit = Kit(new Dictionary<string, string?> { ["Deleters:Braze:Enabled"] = "false" });

        Assert.Empty(kit.Services.GetServices<DeleterRegistration>());
    }

    public void Dispose() => _braze.Dispose();
}
