using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Amplitude;
using RetirementBridge.Deleters.Testing;
using static RetirementBridge.Deleters.Tests.Amplitude.AmplitudeFake;

namespace RetirementBridge.Deleters.Tests.Amplitude;

public sealed class AmplitudeDeleterTests : IDisposable
{
    private const string Reference = $"amplitude job {JobDay}";

    private static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddAmplitudeDeleter(configuration.GetSection("Deleters:Amplitude"));

    private readonly AmplitudeFake _amplitude = new();

    private async Task<DeletionResults> EraseAsync(IReadOnlyList<ErasureItem> items, Dictionary<string, string?>? settings = null)
    {
        await using var kit = DeleterTestKit.Create(Register, settings ?? _amplitude.Settings());
        return PersonalData.AssertNone(await kit.EraseAsync(AmplitudeRegistration.Name, items), items);
    }

    private async Task<DeletionResults> CheckAsync(IReadOnlyList<ErasureItem> items, Dictionary<string, string?>? settings = null)
    {
        await using var kit = DeleterTestKit.Create(Register, settings ?? _amplitude.Settings());
        return PersonalData.AssertNone(await kit.CheckJobsAsync(AmplitudeRegistration.Name, items), items);
    }

    private async Task<DeletionOutcome> EraseOneAsync(Dictionary<string, string?>? settings = null) =>
        PersonalData.AssertNone((await EraseAsync([SampleRetirement.Item()], settings)).Outcomes.Values.Single());

    private static IReadOnlyList<ErasureItem> Accepted(IReadOnlyList<ErasureItem> items, string reference = Reference) =>
        items.Select(item => item with { ProviderReference = reference }).ToList();

    private static string[] UserIds(JsonObject body) => body["user_ids"]!.AsArray().Select(id => id!.GetValue<string>()).ToArray();

    // ---- erase ----

    [Fact]
    public async Task A_batch_is_one_request_with_the_lms_user_ids_as_strings_and_basic_auth()
    {
        _amplitude.AcceptsDeletions();
        var items = SampleRetirement.Batch(3);

        var results = await EraseAsync(items);

        var post = Assert.Single(_amplitude.Requests);
        Assert.Equal("POST", post.Method);
        Assert.Equal(DeletionsPath, post.Path);
        Assert.Equal(Authorization, Header(post, "Authorization"));
        Assert.StartsWith("application/json", Header(post, "Content-Type"));
        Assert.NotEqual("", Header(post, "Content-Length"));
        Assert.Equal("""{"user_ids":["5001","5002","5003"],"ignore_invalid_id":"true","requester":"retirement-bridge"}""",
            _amplitude.PostedBody().ToJsonString());
        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Pending, outcome.Kind);
            Assert.Equal(Reference, outcome.ProviderReference);
            Assert.Equal("job staging", outcome.Reason);
            Assert.Equal(TimeSpan.FromDays(1), outcome.CheckAfter);
        });
    }

    [Fact]
    public async Task The_requester_is_configurable()
    {
        _amplitude.AcceptsDeletions();
        var settings = _amplitude.Settings();
        settings["Deleters:Amplitude:Requester"] = "user-retirement-pipeline";

        await EraseOneAsync(settings);

        Assert.Equal("user-retirement-pipeline", _amplitude.PostedBody()["requester"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_full_batch_of_100_learners_is_one_request()
    {
        _amplitude.AcceptsDeletions();
        var items = SampleRetirement.Batch(100);

        var results = await EraseAsync(items);

        Assert.Single(_amplitude.Posts);
        Assert.Equal(items.Select(i => i.Learner.LmsUserId.ToString()), UserIds(_amplitude.PostedBody()));
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Pending, results.For(item)!.Kind));
    }

    [Fact]
    public async Task The_same_learner_twice_is_sent_once_and_both_deliveries_get_the_job()
    {
        _amplitude.AcceptsDeletions();
        var items = new[] { SampleRetirement.Item(SampleRetirement.NthLearner(1)), SampleRetirement.Item(SampleRetirement.NthLearner(1)) };

        var results = await EraseAsync(items);

        Assert.Equal(["5001"], UserIds(_amplitude.PostedBody()));
        Assert.All(items, item => Assert.Equal(Reference, results.For(item)!.ProviderReference));
    }

    [Fact]
    public async Task A_learner_without_an_lms_user_id_fails_alone_and_is_not_sent()
    {
        _amplitude.AcceptsDeletions();
        var items = new[] { SampleRetirement.Item(SampleRetirement.Learner(lmsUserId: 0)), SampleRetirement.Item(SampleRetirement.NthLearner(2)) };

        var results = await EraseAsync(items);

        Assert.Equal(["5002"], UserIds(_amplitude.PostedBody()));
        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(items[0])!.Kind);
        Assert.Equal("the learner has no LMS user id (Amplitude's user_id)", results.For(items[0])!.Reason);
        Assert.Equal(DeletionOutcomeKind.Pending, results.For(items[1])!.Kind);
    }

    [Fact]
    public async Task Learners_Amplitude_does_not_know_ride_along_in_the_job_rather_than_being_gone()
    {
        // ignore_invalid_id: Amplitude skips unknown ids (listing them as invalid_ids) and schedules the rest.
        _amplitude.KnownUserIds = ["5001"];
        _amplitude.AcceptsDeletions();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(items);

        Assert.Equal(["5002"], _amplitude.Answer().AsArray()[0]!["invalid_ids"]!.AsArray().Select(id => id!.GetValue<string>()));
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Pending, results.For(item)!.Kind));
    }

    [Fact]
    public async Task An_answer_naming_two_jobs_makes_a_reference_to_both_days()
    {
        _amplitude.AcceptsDeletions(days: ["2026-12-08", JobDay], app: "187520");

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Pending, outcome.Kind);
        Assert.Equal("amplitude jobs 2026-12-05 2026-12-08", outcome.ProviderReference);
    }

    [Fact]
    public async Task A_single_job_object_as_in_older_answers_is_read_too()
    {
        _amplitude.AcceptsDeletions(asSingleObject: true);

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Pending, outcome.Kind);
        Assert.Equal(Reference, outcome.ProviderReference);
    }

    [Fact]
    public async Task An_answer_naming_no_job_is_permanent()
    {
        _amplitude.Answers(200, "[]");

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("requesting deletion: Amplitude named no deletion job", outcome.Reason);
    }

    [Fact]
    public async Task A_job_in_a_status_Amplitude_does_not_document_is_permanent()
    {
        _amplitude.Answers(200, """[{"day":"2026-12-05","status":"Error","amplitude_ids":[]}]""");

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("requesting deletion: amplitude job 2026-12-05 reports status error", outcome.Reason);
    }

    [Fact]
    public async Task A_status_that_is_not_a_plain_word_is_not_repeated()
    {
        _amplitude.Answers(200, $$"""[{"day":"2026-12-05","status":"failed for {{SampleRetirement.Email}}"}]""");

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("requesting deletion: amplitude job 2026-12-05 reports status (unrecognised)", outcome.Reason);
    }

    [Theory]
    [InlineData("""[{"day":"05/12/2026","status":"staging"}]""", "application/json")]
    [InlineData("""[{"day":"2026-12-05"}]""", "application/json")]
    [InlineData("""{"error":"something"}""", "application/json")]
    [InlineData("\"No valid ids\"", "application/json")]
    [InlineData("", "application/json")]
    [InlineData("<html><body>Maintenance</body></html>", "text/html")]
    public async Task An_answer_that_is_not_a_readable_job_list_is_transient(string body, string contentType)
    {
        _amplitude.Answers(200, body, contentType);

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("requesting deletion: unreadable answer (HTTP 200)", outcome.Reason);
    }

    [Theory]
    [InlineData(400, DeletionOutcomeKind.Permanent, "requesting deletion: HTTP 400")]
    [InlineData(401, DeletionOutcomeKind.Permanent, "API key or secret key rejected (HTTP 401)")]
    [InlineData(403, DeletionOutcomeKind.Permanent, "API key or secret key rejected (HTTP 403)")]
    [InlineData(404, DeletionOutcomeKind.Permanent, "requesting deletion: HTTP 404 (check Region and BaseUrl)")]
    [InlineData(302, DeletionOutcomeKind.Permanent, "requesting deletion: HTTP 302")]
    [InlineData(500, DeletionOutcomeKind.Transient, "requesting deletion: HTTP 500")]
    [InlineData(503, DeletionOutcomeKind.Transient, "requesting deletion: HTTP 503")]
    public async Task Error_statuses_map_to_outcomes_and_a_404_is_never_gone(int status, DeletionOutcomeKind kind, string reason)
    {
        _amplitude.Answers(status, """{"error":"Jane.Doe@Example.COM is not valid"}""");

        var outcome = await EraseOneAsync();

        Assert.Equal(kind, outcome.Kind);
        Assert.Equal(reason, outcome.Reason);
    }

    [Fact]
    public async Task Keys_Amplitude_rejects_are_permanent()
    {
        _amplitude.AcceptsDeletions();
        var settings = _amplitude.Settings();
        settings["Deleters:Amplitude:SecretKey"] = "not-the-secret";

        var outcome = await EraseOneAsync(settings);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("API key or secret key rejected (HTTP 401)", outcome.Reason);
    }

    [Fact]
    public async Task Too_many_requests_is_transient_and_honours_retry_after()
    {
        _amplitude.RateLimited(TimeSpan.FromSeconds(30));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("requesting deletion: HTTP 429", outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(30), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        var outcome = await EraseOneAsync(Settings(Loopback.RefusedUrl()));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("connection failed", outcome.Reason);
    }

    // ---- job checks ----

    [Fact]
    public async Task A_check_lists_the_days_around_the_job_and_a_done_job_is_deleted()
    {
        _amplitude.SetJob(JobDay, "done");
        _amplitude.ListsJobs();
        var items = Accepted(SampleRetirement.Batch(3));

        var results = await CheckAsync(items);

        var get = Assert.Single(_amplitude.Requests);
        Assert.Equal("GET", get.Method);
        Assert.Equal(DeletionsPath, get.Path);
        Assert.Equal(Authorization, Header(get, "Authorization"));
        Assert.Equal("2026-12-04", get.Query!["start_day"].Single());
        Assert.Equal("2026-12-06", get.Query!["end_day"].Single());
        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind);
            Assert.Equal(Reference, results.For(item)!.ProviderReference);
        });
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("submitted")]
    public async Task A_job_not_yet_done_is_pending_for_another_day(string status)
    {
        _amplitude.SetJob(JobDay, status);
        _amplitude.SetJob("2026-12-06", "done"); // a neighbouring day's job says nothing about this one
        _amplitude.ListsJobs();
        var items = Accepted(SampleRetirement.Batch(1));

        var outcome = (await CheckAsync(items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Pending, outcome.Kind);
        Assert.Equal(Reference, outcome.ProviderReference);
        Assert.Equal($"job {status}", outcome.Reason);
        Assert.Equal(TimeSpan.FromDays(1), outcome.CheckAfter);
    }

    [Fact]
    public async Task A_job_no_longer_listed_is_permanent()
    {
        _amplitude.SetJob("2026-12-06", "done");
        _amplitude.ListsJobs();
        var items = Accepted(SampleRetirement.Batch(1));

        var outcome = (await CheckAsync(items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("amplitude job 2026-12-05 is no longer listed by Amplitude (revoked or removed)", outcome.Reason);
        Assert.Equal(Reference, outcome.ProviderReference);
    }

    [Fact]
    public async Task A_listed_job_in_a_status_Amplitude_does_not_document_is_permanent()
    {
        _amplitude.SetJob(JobDay, "failed");
        _amplitude.ListsJobs();
        var items = Accepted(SampleRetirement.Batch(1));

        var outcome = (await CheckAsync(items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("amplitude job 2026-12-05 reports status failed", outcome.Reason);
    }

    [Fact]
    public async Task One_request_lists_every_job_day_of_a_call()
    {
        _amplitude.SetJob(JobDay, "done");
        _amplitude.SetJob("2026-12-09", "staging");
        _amplitude.ListsJobs();
        var first = Accepted(SampleRetirement.Batch(3));
        var second = Accepted([SampleRetirement.Item(SampleRetirement.NthLearner(4))], "amplitude job 2026-12-09");

        var results = await CheckAsync([.. first, .. second]);

        var get = Assert.Single(_amplitude.Requests);
        Assert.Equal("2026-12-04", get.Query!["start_day"].Single());
        Assert.Equal("2026-12-10", get.Query!["end_day"].Single());
        Assert.All(first, item => Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind));
        Assert.Equal(DeletionOutcomeKind.Pending, results.For(second[0])!.Kind);
        Assert.Equal("amplitude job 2026-12-09", results.For(second[0])!.ProviderReference);
    }

    [Fact]
    public async Task Job_days_further_apart_than_Amplitude_lists_at_once_take_a_request_each()
    {
        // Amplitude lists at most six months at a time.
        _amplitude.SetJob(JobDay, "done");
        _amplitude.SetJob("2027-07-01", "done");
        _amplitude.ListsJobs();
        var items = new[]
        {
            SampleRetirement.Item(SampleRetirement.NthLearner(1), providerReference: Reference),
            SampleRetirement.Item(SampleRetirement.NthLearner(2), providerReference: "amplitude job 2027-07-01"),
        };

        var results = await CheckAsync(items);

        Assert.Equal(2, _amplitude.Gets.Count);
        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind));
    }

    [Fact]
    public async Task A_reference_naming_two_days_is_deleted_only_when_both_jobs_are_done()
    {
        const string both = "amplitude jobs 2026-12-05 2026-12-08";
        _amplitude.SetJob(JobDay, "done");
        _amplitude.SetJob("2026-12-08", "submitted");
        _amplitude.ListsJobs();
        var items = Accepted(SampleRetirement.Batch(1), both);

        var running = (await CheckAsync(items)).For(items[0])!;
        _amplitude.SetJob("2026-12-08", "done");
        var finished = (await CheckAsync(items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Pending, running.Kind);
        Assert.Equal(both, running.ProviderReference);
        Assert.Equal("job submitted", running.Reason);
        Assert.Equal(DeletionOutcomeKind.Deleted, finished.Kind);
        Assert.Equal(both, finished.ProviderReference);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("job-conformance-1")]
    [InlineData("amplitude job 2026-13-45")]
    public async Task A_reference_that_names_no_job_day_is_permanent_and_asks_nothing(string? reference)
    {
        _amplitude.ListsJobs();
        var items = new[] { SampleRetirement.Item(SampleRetirement.NthLearner(1), providerReference: reference) };

        var outcome = (await CheckAsync(items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("no Amplitude job to check (the reference names no job day)", outcome.Reason);
        Assert.Empty(_amplitude.Requests);
    }

    [Fact]
    public async Task A_rate_limited_check_is_transient_and_asks_no_more_in_that_call()
    {
        _amplitude.RateLimited(TimeSpan.FromSeconds(60));
        var items = new[]
        {
            SampleRetirement.Item(SampleRetirement.NthLearner(1), providerReference: Reference),
            SampleRetirement.Item(SampleRetirement.NthLearner(2), providerReference: "amplitude job 2027-07-01"),
        };

        var results = await CheckAsync(items);

        Assert.Single(_amplitude.Requests);
        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Transient, results.For(item)!.Kind);
            Assert.Equal(TimeSpan.FromSeconds(60), results.For(item)!.RetryAfter);
            Assert.Equal("listing deletion jobs: HTTP 429", results.For(item)!.Reason);
            Assert.Equal(item.ProviderReference, results.For(item)!.ProviderReference);
        });
    }

    [Theory]
    [InlineData(404, DeletionOutcomeKind.Permanent, "listing deletion jobs: HTTP 404 (check Region and BaseUrl)")]
    [InlineData(401, DeletionOutcomeKind.Permanent, "API key or secret key rejected (HTTP 401)")]
    [InlineData(502, DeletionOutcomeKind.Transient, "listing deletion jobs: HTTP 502")]
    public async Task A_failed_check_is_classified_and_a_404_is_never_deleted(int status, DeletionOutcomeKind kind, string reason)
    {
        _amplitude.Answers(status, "Not Found");
        var items = Accepted(SampleRetirement.Batch(1));

        var outcome = (await CheckAsync(items)).For(items[0])!;

        Assert.Equal(kind, outcome.Kind);
        Assert.Equal(reason, outcome.Reason);
    }

    [Theory]
    [InlineData("""{"day":"2026-12-05","status":"done"}""")]
    [InlineData("""[{"day":"2026-12-05"}]""")]
    [InlineData("<html>Maintenance</html>")]
    public async Task A_check_answer_that_is_not_a_job_list_is_transient(string body)
    {
        _amplitude.Answers(200, body);
        var items = Accepted(SampleRetirement.Batch(1));

        var outcome = (await CheckAsync(items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("listing deletion jobs: unreadable answer (HTTP 200)", outcome.Reason);
    }

    [Fact]
    public async Task A_job_is_followed_from_the_request_to_done()
    {
        _amplitude.AcceptsDeletions();
        _amplitude.ListsJobs();
        await using var kit = DeleterTestKit.Create(Register, _amplitude.Settings());
        var items = SampleRetirement.Batch(2);

        var accepted = await kit.EraseAsync(AmplitudeRegistration.Name, items);
        var checks = items.Select(i => i with { ProviderReference = accepted.For(i)!.ProviderReference }).ToList();
        var staging = await kit.CheckJobsAsync(AmplitudeRegistration.Name, checks);
        _amplitude.SetJob(JobDay, "submitted");
        var submitted = await kit.CheckJobsAsync(AmplitudeRegistration.Name, checks);
        _amplitude.SetJob(JobDay, "done");
        var done = await kit.CheckJobsAsync(AmplitudeRegistration.Name, checks);

        Assert.All(items, item =>
        {
            Assert.Equal("job staging", staging.For(item)!.Reason);
            Assert.Equal("job submitted", submitted.For(item)!.Reason);
            Assert.Equal(DeletionOutcomeKind.Deleted, done.For(item)!.Kind);
        });
    }

    // ---- options and registration ----

    [Fact]
    public async Task Defaults_follow_Amplitudes_documented_limits()
    {
        await using var kit = DeleterTestKit.Create(Register, new Dictionary<string, string?>
        {
            ["Deleters:Amplitude:Enabled"] = "true",
            ["Deleters:Amplitude:ApiKey"] = ApiKey,
            ["Deleters:Amplitude:SecretKey"] = SecretKey,
        });

        var registration = kit.Registration(AmplitudeRegistration.Name);
        var options = kit.Services.GetRequiredService<AmplitudeOptions>();
        Assert.True(registration.ChecksJobs);
        Assert.Equal(100, registration.BatchSize);
        Assert.Equal(100, options.MaxBatchSize);
        Assert.Equal(1, options.RateLimit.Requests);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RateLimit.Per);
        Assert.Equal(1, registration.MaxConcurrency);
        Assert.Equal(TimeSpan.FromDays(1), options.JobCheckInterval);
        Assert.Equal(TimeSpan.FromDays(30), options.JobDeadline);
        Assert.Equal(TimeSpan.FromSeconds(30), registration.Timeout);
        Assert.Equal("retirement-bridge", options.Requester);
        Assert.Equal(AmplitudeRegion.US, options.Region);
        Assert.Equal(new Uri("https://amplitude.com"), options.EffectiveBaseUrl);
    }

    [Theory]
    [InlineData("EU", null, "https://analytics.eu.amplitude.com/")]
    [InlineData("eu", null, "https://analytics.eu.amplitude.com/")]
    [InlineData("US", null, "https://amplitude.com/")]
    [InlineData("EU", "https://amplitude-proxy.example.org/", "https://amplitude-proxy.example.org/")]
    public async Task Region_picks_the_server_and_BaseUrl_wins(string region, string? baseUrl, string expected)
    {
        await using var kit = DeleterTestKit.Create(Register, new Dictionary<string, string?>
        {
            ["Deleters:Amplitude:Enabled"] = "true",
            ["Deleters:Amplitude:ApiKey"] = ApiKey,
            ["Deleters:Amplitude:SecretKey"] = SecretKey,
            ["Deleters:Amplitude:Region"] = region,
            ["Deleters:Amplitude:BaseUrl"] = baseUrl,
        });

        Assert.Equal(new Uri(expected), kit.Services.GetRequiredService<AmplitudeOptions>().EffectiveBaseUrl);
    }

    [Fact]
    public async Task Requests_go_to_BaseUrl_even_with_the_EU_region()
    {
        _amplitude.AcceptsDeletions();
        var settings = _amplitude.Settings();
        settings["Deleters:Amplitude:Region"] = "EU";

        var outcome = await EraseOneAsync(settings);

        Assert.Equal(DeletionOutcomeKind.Pending, outcome.Kind);
        Assert.Single(_amplitude.Posts);
    }

    public static TheoryData<string, string?, string, string?> BadSettings => new()
    {
        // key, value (null: left out), expected problem, text that must not appear
        { "ApiKey", null, "ApiKey is required", null },
        { "ApiKey", "0123abcd:4567", "ApiKey must not contain ':' or whitespace", "0123abcd" },
        { "SecretKey", null, "SecretKey is required", null },
        { "SecretKey", "s3cr3t with space", "SecretKey must not contain whitespace", "s3cr3t" },
        { "Requester", "", "Requester is required", null },
        { "Requester", new string('r', 101), "Requester must be at most 100 characters, without control characters", null },
        { "Region", "2", "Region must be US or EU", null },
        { "BatchSize", "101", "BatchSize must be between 1 and 100 (the provider's limit)", null },
        { "JobDeadline", "10.00:00:00", "JobDeadline must be longer than 13 days (Amplitude runs a deletion job 10 to 13 days after the request)", null },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_fails_start_up_with_one_line_naming_the_key(string key, string? value, string problem, string? mustNotAppear)
    {
        var settings = _amplitude.Settings();
        settings[$"Deleters:Amplitude:{key}"] = value;

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal($"Deleters:Amplitude: {problem}", error.Message);
        if (mustNotAppear is not null)
            Assert.DoesNotContain(mustNotAppear, error.Message);
    }

    [Fact]
    public void A_region_that_is_no_region_fails_start_up_naming_the_key()
    {
        var settings = _amplitude.Settings();
        settings["Deleters:Amplitude:Region"] = "Mars";

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.StartsWith("Deleters:Amplitude:Region is not a valid ", error.Message);
        Assert.DoesNotContain("Mars", error.Message);
    }

    public void Dispose() => _amplitude.Dispose();
}
