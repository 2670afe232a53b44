using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Segment;
using RetirementBridge.Deleters.Testing;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Segment.SegmentFake;

namespace RetirementBridge.Deleters.Tests.Segment;

public sealed class SegmentDeleterTests : IDisposable
{
    private static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddSegmentDeleter(configuration.GetSection("Deleters:Segment"));

    private readonly SegmentFake _segment = new();

    private DeleterTestKit Kit(params (string Key, string? Value)[] overrides) => DeleterTestKit.Create(Register, With(_segment.Settings(), overrides));

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, params (string Key, string? Value)[] overrides)
    {
        foreach (var (key, value) in overrides)
            settings[$"Deleters:Segment:{key}"] = value;
        return settings;
    }

    private static List<string> SubjectIdsOf(IEnumerable<ErasureItem> items) =>
        items.SelectMany(item => new[] { item.Learner.LmsUserId.ToString(CultureInfo.InvariantCulture), item.Learner.Username }).ToList();

    private static IReadOnlyList<ErasureItem> Checking(IEnumerable<ErasureItem> items, string? regulateId) =>
        items.Select(item => item with { ProviderReference = regulateId }).ToList();

    private static async Task<DeletionResults> EraseAsync(DeleterTestKit kit, IReadOnlyList<ErasureItem> items) =>
        PersonalData.AssertNone(await kit.EraseAsync(SegmentRegistration.Name, items), items);

    private static async Task<DeletionResults> CheckAsync(DeleterTestKit kit, IReadOnlyList<ErasureItem> items) =>
        PersonalData.AssertNone(await kit.CheckJobsAsync(SegmentRegistration.Name, items), items);

    // ---- erasing: the regulation Segment is asked for -------------------------------------------------------------

    [Fact]
    public async Task Erases_a_batch_with_one_suppress_with_delete_regulation_of_each_learners_user_id_and_username()
    {
        var items = SampleRetirement.Batch(3);
        _segment.CreatesRegulation(["5001", "learner_1", "5002", "learner_2", "5003", "learner_3"]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Pending, outcome.Kind);
            Assert.Equal(RegulateId, outcome.ProviderReference);
            Assert.Equal(TimeSpan.FromMinutes(15), outcome.CheckAfter);
            Assert.Equal("job accepted", outcome.Reason);
        });
        var create = Assert.Single(_segment.Requests);
        Assert.Equal("POST", create.Method);
        Assert.Equal("/regulations", create.Path);
        Assert.Equal($"Bearer {Token}", create.Headers!["Authorization"].Single());
        Assert.Equal(MediaType, create.Headers["Accept"].Single());
        Assert.StartsWith("application/json", create.Headers["Content-Type"].Single());
        Assert.Equal(
            """{"regulationType":"SUPPRESS_WITH_DELETE","subjectType":"USER_ID","subjectIds":["5001","learner_1","5002","learner_2","5003","learner_3"]}""",
            create.Body);
    }

    [Fact]
    public async Task The_largest_batch_is_one_request_of_5000_subject_ids()
    {
        var items = SampleRetirement.Batch(SegmentOptions.MaxSubjectIdsPerRequest / SegmentOptions.SubjectIdsPerLearner);
        _segment.CreatesRegulation(SubjectIdsOf(items));
        await using var kit = Kit(("BatchSize", "2500"));

        var results = await EraseAsync(kit, items);

        Assert.Equal(2500, kit.Registration(SegmentRegistration.Name).BatchSize);
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Pending, results.For(item)!.Kind));
        var create = Assert.Single(_segment.Creates);
        Assert.Equal(5000, SegmentFake.SubjectIdsOf(create).Count);
    }

    [Fact]
    public async Task A_learner_in_two_deliveries_of_one_call_is_sent_once()
    {
        var learner = SampleRetirement.NthLearner(7);
        var items = new[] { SampleRetirement.Item(learner), SampleRetirement.Item(learner) };
        _segment.CreatesRegulation(["5007", "learner_7"]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal(RegulateId, results.For(item)!.ProviderReference));
        Assert.Single(_segment.Creates);
    }

    [Fact]
    public async Task A_learner_without_a_username_is_regulated_by_user_id_alone()
    {
        var items = new[] { SampleRetirement.Item(SampleRetirement.Learner(username: "", lmsUserId: 31337)) };
        _segment.CreatesRegulation(["31337"]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Pending, results.For(items[0])!.Kind);
    }

    [Fact]
    public async Task A_learner_without_an_lms_user_id_is_permanent_and_not_sent()
    {
        var items = new[] { SampleRetirement.Item(SampleRetirement.NthLearner(1)), SampleRetirement.Item(SampleRetirement.Learner(lmsUserId: 0)) };
        _segment.CreatesRegulation(["5001", "learner_1"]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Pending, results.For(items[0])!.Kind);
        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(items[1])!.Kind);
        Assert.Equal("the learner has no LMS user id", results.For(items[1])!.Reason);
        Assert.Single(_segment.Creates);
    }

    [Fact]
    public async Task Segment_accepts_any_id_so_no_learner_is_ever_gone()
    {
        // An id Segment has never seen is regulated like any other: the only answer is a regulation to follow.
        var items = new[] { SampleRetirement.Item(SampleRetirement.Learner(lmsUserId: 999_999_999, username: "never_tracked")) };
        _segment.CreatesRegulation(["999999999", "never_tracked"]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Pending, results.For(items[0])!.Kind);
    }

    // ---- erasing: Segment's failures -------------------------------------------------------------------------------

    [Fact]
    public async Task Too_many_requests_carries_segments_ms_before_next()
    {
        _segment.CreateAnswers(TooManyRequests(TimeSpan.FromMilliseconds(57647)));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
            Assert.Equal("creating the regulation: HTTP 429", outcome.Reason);
            Assert.Equal(TimeSpan.FromMilliseconds(57647), outcome.RetryAfter);
        });
    }

    [Fact]
    public async Task Too_many_requests_honours_retry_after_and_takes_the_longer_wait()
    {
        _segment.CreateAnswers(TooManyRequests(TimeSpan.FromSeconds(3)).WithHeader("Retry-After", "30"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(TimeSpan.FromSeconds(30), results.For(items[0])!.RetryAfter);
    }

    [Fact]
    public async Task Too_many_requests_with_only_retry_after_carries_it()
    {
        _segment.CreateAnswers(Error(429, "RequestError", "Too many requests").WithHeader("Retry-After", "12"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(TimeSpan.FromSeconds(12), results.For(items[0])!.RetryAfter);
    }

    [Fact]
    public async Task A_spent_regulation_quota_waits_until_segment_resets_it()
    {
        var reset = DateTimeOffset.UtcNow.AddHours(3);
        _segment.CreateAnswers(Error(429, "RequestError", "Too many requests")
            .WithHeader("X-Regulation-RateLimit-Remaining", "0")
            .WithHeader("X-Regulation-RateLimit-Quota-Reset", reset.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.InRange(results.For(items[0])!.RetryAfter!.Value, TimeSpan.FromHours(3) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(3));
    }

    [Fact]
    public async Task Too_many_requests_without_any_wait_is_transient_without_one()
    {
        _segment.CreateAnswers(TooManyRequests(null));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
        Assert.Null(results.For(items[0])!.RetryAfter);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task A_server_error_is_transient(int status)
    {
        _segment.CreateAnswers(Error(status, "InternalError", "Something went wrong"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal(($"creating the regulation: HTTP {status}", DeletionOutcomeKind.Transient), (results.For(item)!.Reason, results.For(item)!.Kind)));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_rejected_token_is_permanent(int status)
    {
        _segment.CreateAnswers(Error(status, "Unauthorized", "Unauthorized"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(items[0])!.Kind);
        Assert.Equal($"creating the regulation: token rejected (HTTP {status})", results.For(items[0])!.Reason);
    }

    [Fact]
    public async Task A_404_on_create_is_a_wrong_address_never_gone()
    {
        _segment.CreateAnswers(Error(404, "NotFound", "Resource not found"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Permanent, results.For(item)!.Kind);
            Assert.Equal("creating the regulation: HTTP 404 (check BaseUrl and Region)", results.For(item)!.Reason);
        });
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_is_permanent()
    {
        _segment.CreateAnswers(Response.Create().WithStatusCode(302).WithHeader("Location", "https://example.invalid/regulations"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(items[0])!.Kind);
        Assert.Contains("HTTP 302", results.For(items[0])!.Reason);
        Assert.Single(_segment.Requests);
    }

    [Fact]
    public async Task A_validation_failure_is_permanent_with_the_error_type_but_never_its_message()
    {
        _segment.CreateAnswers(Error(422, "ValidationError", "subjectIds[1] learner_1 is not a valid userId"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal("creating the regulation: HTTP 422 ValidationError", results.For(item)!.Reason));
    }

    [Fact]
    public async Task An_error_type_that_names_a_learner_is_left_out()
    {
        _segment.CreateAnswers(Error(400, "learner_2", "bad subject"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal("creating the regulation: HTTP 400", results.For(item)!.Reason));
    }

    [Theory]
    [InlineData("""{"data":{}}""")]
    [InlineData("""{"data":{"regulateId":""}}""")]
    [InlineData("""{"data":{"regulateId":"has spaces / and slashes"}}""")]
    [InlineData("""{}""")]
    public async Task An_accepted_answer_without_a_readable_regulate_id_is_transient(string body)
    {
        _segment.CreateAnswers(Response.Create().WithStatusCode(200).WithHeader("Content-Type", MediaType).WithBody(body));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
        Assert.Equal("creating the regulation: the answer holds no readable regulateId", results.For(items[0])!.Reason);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        await using var kit = DeleterTestKit.Create(Register, SegmentFake.Settings(Loopback.RefusedUrl()));
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Contains("connection failed", results.For(item)!.Reason));
    }

    // ---- checking the regulations ---------------------------------------------------------------------------------

    [Fact]
    public async Task Learners_sharing_a_regulation_are_checked_with_one_request_per_regulation()
    {
        var first = Checking(SampleRetirement.Batch(3), RegulateId);
        var second = Checking([SampleRetirement.Item(SampleRetirement.NthLearner(4))], "2aBcDeFgHiJkLmNoPqRsTuVwXyZ");
        _segment.Regulation(RegulateId, "FINISHED");
        _segment.Regulation("2aBcDeFgHiJkLmNoPqRsTuVwXyZ", "RUNNING");
        await using var kit = Kit();

        var results = await CheckAsync(kit, [.. first, .. second]);

        Assert.All(first, item => Assert.Equal((DeletionOutcomeKind.Deleted, RegulateId), (results.For(item)!.Kind, results.For(item)!.ProviderReference)));
        Assert.Equal(DeletionOutcomeKind.Pending, results.For(second[0])!.Kind);
        Assert.Equal(
            ["/regulations/" + RegulateId, "/regulations/2aBcDeFgHiJkLmNoPqRsTuVwXyZ"],
            _segment.Checks.Select(request => request.Path).Order(StringComparer.Ordinal));
        Assert.All(_segment.Checks, request => Assert.Equal($"Bearer {Token}", request.Headers!["Authorization"].Single()));
    }

    [Theory]
    [InlineData("INITIALIZED")]
    [InlineData("RUNNING")]
    public async Task A_regulation_not_yet_finished_stays_pending(string status)
    {
        var items = Checking(SampleRetirement.Batch(2), RegulateId);
        _segment.Regulation(RegulateId, status);
        await using var kit = Kit(("JobCheckInterval", "01:00:00"));

        var results = await CheckAsync(kit, items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Pending, outcome.Kind);
            Assert.Equal(RegulateId, outcome.ProviderReference);
            Assert.Equal($"job {status}", outcome.Reason);
            Assert.Equal(TimeSpan.FromHours(1), outcome.CheckAfter);
        });
    }

    [Fact]
    public async Task A_finished_regulation_is_deleted()
    {
        var items = Checking(SampleRetirement.Batch(2), RegulateId);
        _segment.Regulation(RegulateId, "FINISHED");
        await using var kit = Kit();

        var results = await CheckAsync(kit, items);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind));
    }

    [Theory]
    [InlineData("FAILED")]
    [InlineData("PARTIAL_SUCCESS")]
    [InlineData("INVALID")]
    [InlineData("NOT_SUPPORTED")]
    public async Task A_regulation_that_did_not_finish_is_permanent_and_names_segments_status(string status)
    {
        // The fake's errString names a learner: the deleter never reads it.
        var items = Checking(SampleRetirement.Batch(2), RegulateId);
        _segment.Regulation(RegulateId, status);
        await using var kit = Kit();

        var results = await CheckAsync(kit, items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
            Assert.StartsWith($"Segment regulation {status}:", outcome.Reason);
            Assert.Equal(RegulateId, outcome.ProviderReference);
        });
    }

    [Fact]
    public async Task An_unknown_status_is_transient_and_shown()
    {
        var items = Checking(SampleRetirement.Batch(1), RegulateId);
        _segment.Regulation(RegulateId, "ARCHIVED");
        await using var kit = Kit();

        var results = await CheckAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
        Assert.Equal("checking the regulation: unknown overallStatus ARCHIVED", results.For(items[0])!.Reason);
        Assert.Equal(RegulateId, results.For(items[0])!.ProviderReference);
    }

    [Fact]
    public async Task An_answer_about_another_regulation_is_never_taken()
    {
        var items = Checking(SampleRetirement.Batch(1), RegulateId);
        _segment.RegulationAnswers(RegulateId, Json(200, RegulationBody("3zzzzzzzzzzzzzzzzzzzzzzzzzz", "FINISHED")));
        await using var kit = Kit();

        var results = await CheckAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
        Assert.Equal(RegulateId, results.For(items[0])!.ProviderReference);
    }

    [Fact]
    public async Task A_regulation_segment_does_not_know_is_permanent_and_keeps_its_reference()
    {
        var items = Checking(SampleRetirement.Batch(2), RegulateId);
        _segment.RegulationAnswers(RegulateId, Error(404, "NotFound", "Resource not found"));
        await using var kit = Kit();

        var results = await CheckAsync(kit, items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
            Assert.Contains("HTTP 404", outcome.Reason);
            Assert.Contains("90 days", outcome.Reason);
            Assert.Equal(RegulateId, outcome.ProviderReference);
        });
    }

    [Fact]
    public async Task A_429_while_checking_stops_the_checks_and_keeps_every_reference()
    {
        var first = Checking(SampleRetirement.Batch(1), RegulateId);
        var second = Checking([SampleRetirement.Item(SampleRetirement.NthLearner(2))], "2aBcDeFgHiJkLmNoPqRsTuVwXyZ");
        _segment.RegulationAnswers(RegulateId, TooManyRequests(TimeSpan.FromSeconds(40)));
        _segment.Regulation("2aBcDeFgHiJkLmNoPqRsTuVwXyZ", "FINISHED");
        await using var kit = Kit();

        var results = await CheckAsync(kit, [.. first, .. second]);

        Assert.Single(_segment.Checks);
        Assert.All(first.Concat(second), item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
            Assert.Equal(TimeSpan.FromSeconds(40), outcome.RetryAfter);
            Assert.Equal(item.ProviderReference, outcome.ProviderReference);
        });
    }

    [Fact]
    public async Task A_server_error_while_checking_is_transient_and_keeps_the_reference()
    {
        var items = Checking(SampleRetirement.Batch(1), RegulateId);
        _segment.RegulationAnswers(RegulateId, Error(503, "ServiceUnavailable", "Try again later"));
        await using var kit = Kit();

        var results = await CheckAsync(kit, items);

        Assert.Equal(("checking the regulation: HTTP 503", RegulateId), (results.For(items[0])!.Reason, results.For(items[0])!.ProviderReference));
        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
    }

    [Fact]
    public async Task Regulations_beyond_the_per_call_limit_stay_pending_and_come_back_soon()
    {
        var ids = new[] { "1aaaaaaaaaaaaaaaaaaaaaaaaaa", "1bbbbbbbbbbbbbbbbbbbbbbbbbb", "1ccccccccccccccccccccccccccc" };
        var items = ids.Select((id, n) => SampleRetirement.Item(SampleRetirement.NthLearner(n + 1), providerReference: id)).ToList();
        foreach (var id in ids)
            _segment.Regulation(id, "FINISHED");
        await using var kit = Kit(("MaxRegulationChecksPerCall", "2"));

        var results = await CheckAsync(kit, items);

        Assert.Equal(2, _segment.Checks.Count);
        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(items[0])!.Kind);
        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(items[1])!.Kind);
        var unchecked_ = results.For(items[2])!;
        Assert.Equal(DeletionOutcomeKind.Pending, unchecked_.Kind);
        Assert.Equal(ids[2], unchecked_.ProviderReference);
        Assert.Equal(TimeSpan.FromMinutes(1), unchecked_.CheckAfter);
        Assert.Equal("job not checked in this call", unchecked_.Reason);
    }

    [Fact]
    public async Task A_check_without_a_regulation_id_is_permanent_and_asks_nothing()
    {
        var items = Checking(SampleRetirement.Batch(2), null);
        await using var kit = Kit();

        var results = await CheckAsync(kit, items);

        Assert.All(items, item => Assert.Equal(("no Segment regulation id to check", DeletionOutcomeKind.Permanent), (results.For(item)!.Reason, results.For(item)!.Kind)));
        Assert.Empty(_segment.Requests);
    }

    [Fact]
    public async Task An_unreadable_status_answer_is_never_success()
    {
        var items = Checking(SampleRetirement.Batch(1), RegulateId);
        _segment.RegulationAnswers(RegulateId, Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html>Maintenance</html>"));
        await using var kit = Kit();

        var results = await CheckAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
        Assert.Equal(RegulateId, results.For(items[0])!.ProviderReference);
    }

    // ---- options -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Defaults_are_segments_limits()
    {
        await using var kit = Kit();
        var options = Assert.IsType<SegmentOptions>(kit.Registration(SegmentRegistration.Name).Options);

        Assert.True(kit.Registration(SegmentRegistration.Name).ChecksJobs);
        Assert.Equal(1000, options.BatchSize);
        Assert.Equal(2500, options.MaxBatchSize);
        Assert.Equal(5, options.RateLimit.Requests);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RateLimit.Per);
        Assert.Equal(2, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromMinutes(15), options.JobCheckInterval);
        Assert.Equal(TimeSpan.FromDays(45), options.JobDeadline);
        Assert.Equal(50, options.MaxRegulationChecksPerCall);
        Assert.Equal(SegmentRegion.US, options.Region);
    }

    [Theory]
    [InlineData(null, null, "https://api.segmentapis.com/")]
    [InlineData("US", null, "https://api.segmentapis.com/")]
    [InlineData("EU", null, "https://eu1.api.segmentapis.com/")]
    [InlineData("eu", null, "https://eu1.api.segmentapis.com/")]
    [InlineData("EU", "https://segment-proxy.example.org/", "https://segment-proxy.example.org/")]
    public async Task The_region_chooses_the_api_address_unless_base_url_is_set(string? region, string? baseUrl, string expected)
    {
        var settings = SegmentFake.Settings(baseUrl!);
        settings["Deleters:Segment:Region"] = region;
        if (baseUrl is null)
            settings.Remove("Deleters:Segment:BaseUrl");
        await using var kit = DeleterTestKit.Create(Register, settings);

        Assert.Equal(expected, kit.Services.GetRequiredService<SegmentOptions>().EffectiveBaseUrl.ToString());
    }

    [Theory]
    [InlineData("Token", "", "Token is required")]
    [InlineData("Token", "sgp_abc def", "Token must not contain spaces or line breaks")]
    [InlineData("BatchSize", "2501", "BatchSize must be between 1 and 2500 (the provider's limit)")]
    [InlineData("BatchSize", "0", "BatchSize must be between 1 and 2500 (the provider's limit)")]
    [InlineData("Region", "7", "Region must be US or EU")]
    [InlineData("MaxRegulationChecksPerCall", "0", "MaxRegulationChecksPerCall must be between 1 and 1000")]
    [InlineData("JobDeadline", "100.00:00:00", "JobDeadline must be at most 90.00:00:00 (Segment keeps a regulation 90 days)")]
    [InlineData("RateLimit:Requests", "0", "RateLimit:Requests must be at least 1")]
    public void A_wrong_setting_fails_start_up_naming_the_key(string key, string value, string problem)
    {
        var error = Assert.Throws<DeleterConfigurationException>(() => Kit((key, value)));

        Assert.Equal($"Deleters:Segment: {problem}", error.Message);
    }

    [Fact]
    public void A_rejected_token_is_never_echoed()
    {
        const string secret = "sgp_secret_value with a space";
        var error = Assert.Throws<DeleterConfigurationException>(() => Kit(("Token", secret)));

        Assert.DoesNotContain("secret_value", error.Message);
    }

    [Fact]
    public async Task A_disabled_section_registers_nothing()
    {
        await using var kit = Kit(("Enabled", "false"));

        Assert.Empty(kit.Services.GetServices<DeleterRegistration>());
    }

    public void Dispose() => _segment.Dispose();
}
