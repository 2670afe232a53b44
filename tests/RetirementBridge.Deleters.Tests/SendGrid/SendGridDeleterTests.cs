using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetirementBridge.Deleters.SendGrid;
using RetirementBridge.Deleters.Testing;
using RetirementBridge.Deleters.Tests.HubSpot;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.SendGrid.SendGridFake;

namespace RetirementBridge.Deleters.Tests.SendGrid;

public sealed class SendGridDeleterTests : IDisposable
{
    internal static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddSendGridDeleter(configuration.GetSection("Deleters:SendGrid"));

    /// <summary>The fake clock's now: 2026-11-23 17:30:00 UTC.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 17, 30, 0, TimeSpan.Zero);

    private readonly SendGridFake _sendGrid = new();

    private DeleterTestKit Kit(params (string Key, string? Value)[] overrides) =>
        DeleterTestKit.Create(Register, With(_sendGrid.Settings(), overrides));

    /// <summary>A kit whose clock stands at <see cref="Now"/>, for waits computed from SendGrid's Unix times.</summary>
    private DeleterTestKit KitAtNow() =>
        DeleterTestKit.Create((services, configuration) =>
        {
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
            Register(services, configuration);
        }, _sendGrid.Settings());

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, params (string Key, string? Value)[] overrides)
    {
        foreach (var (key, value) in overrides)
            settings[$"Deleters:SendGrid:{key}"] = value;
        return settings;
    }

    private static async Task<DeletionResults> EraseAsync(DeleterTestKit kit, IReadOnlyList<ErasureItem> items) =>
        PersonalData.AssertNone(await kit.EraseAsync(SendGridRegistration.Name, items), items);

    private static async Task<DeletionResults> CheckAsync(DeleterTestKit kit, IReadOnlyList<ErasureItem> items) =>
        PersonalData.AssertNone(await kit.CheckJobsAsync(SendGridRegistration.Name, items), items);

    private static IReadOnlyList<ErasureItem> Checking(IEnumerable<ErasureItem> items, string? jobId) =>
        items.Select(item => item with { ProviderReference = jobId }).ToList();

    private static string Lower(ErasureItem item) => item.Learner.Email.ToLowerInvariant();

    // ---- erasing: what SendGrid is asked ---------------------------------------------------------------------------

    [Fact]
    public async Task Erases_a_batch_with_one_search_by_email_and_one_delete_by_id()
    {
        var items = SampleRetirement.Batch(3);
        _sendGrid.Contacts(items);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts(items.Select(ContactId));
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Pending, outcome.Kind);
            Assert.Equal(JobId, outcome.ProviderReference);
            Assert.Equal(TimeSpan.FromMinutes(5), outcome.CheckAfter);
            Assert.Equal("job accepted", outcome.Reason);
        });
        Assert.Equal(2, _sendGrid.Requests.Count);
        var search = _sendGrid.Requests[0];
        Assert.Equal("POST", search.Method);
        Assert.Equal(SearchPath, search.Path);
        Assert.Equal($"Bearer {ApiKey}", Header(search, "Authorization"));
        Assert.StartsWith("application/json", Header(search, "Content-Type"));
        Assert.Equal("""{"emails":["learner.1@example.com","learner.2@example.com","learner.3@example.com"]}""", search.Body);
        var delete = _sendGrid.Requests[1];
        Assert.Equal("DELETE", delete.Method);
        Assert.Equal(ContactsPath, delete.Path);
        Assert.Equal($"Bearer {ApiKey}", Header(delete, "Authorization"));
        Assert.Equal(["ids"], delete.Query!.Keys);
        Assert.Equal(items.Select(ContactId), IdsOf(delete));
    }

    [Fact]
    public async Task The_delete_names_the_ids_in_one_comma_separated_ids_parameter_on_the_wire()
    {
        // WireMock decodes the query before matching; a plain socket shows the bytes SendGrid receives. The comma between
        // ids goes out as %2C, as SendGrid's own python-http-client sends it (urllib's urlencode); it decodes to the
        // documented comma-separated list.
        var search = new JsonObject
        {
            ["result"] = new JsonObject
            {
                ["learner.1@example.com"] = new JsonObject { ["contact"] = new JsonObject { ["id"] = ContactId(5001), ["email"] = "learner.1@example.com" } },
                ["learner.2@example.com"] = new JsonObject { ["contact"] = new JsonObject { ["id"] = ContactId(5002), ["email"] = "learner.2@example.com" } },
            },
        };
        await using var sendGrid = RawHttpServer.Start(Answer(200, search.ToJsonString()), Answer(202, $$"""{"job_id":"{{JobId}}"}"""));
        await using var kit = DeleterTestKit.Create(Register, Settings(sendGrid.Url));
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Pending, results.For(item)!.Kind));
        Assert.Equal(2, sendGrid.Requests.Count);
        var searchRequest = sendGrid.Requests[0];
        Assert.Equal($"POST {SearchPath} HTTP/1.1", searchRequest.RequestLine);
        Assert.Null(searchRequest.Header("Transfer-Encoding"));
        Assert.Equal("""{"emails":["learner.1@example.com","learner.2@example.com"]}""", searchRequest.Body);
        Assert.Equal(
            $"DELETE {ContactsPath}?ids={ContactId(5001)}%2C{ContactId(5002)} HTTP/1.1",
            sendGrid.Requests[1].RequestLine);
        Assert.Equal($"Bearer {ApiKey}", sendGrid.Requests[1].Header("Authorization"));
    }

    [Fact]
    public async Task A_mixed_case_address_is_searched_in_lower_case()
    {
        var item = SampleRetirement.Item();
        _sendGrid.Contact(SampleRetirement.Email, ContactId(item));
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts([ContactId(item)]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, [item]);

        Assert.Equal(DeletionOutcomeKind.Pending, results.For(item)!.Kind);
        Assert.Equal(["jane.doe@example.com"], EmailsOf(Assert.Single(_sendGrid.Searches)));
    }

    [Fact]
    public async Task The_largest_batch_is_one_search_of_100_addresses_and_one_delete_of_100_ids()
    {
        var items = SampleRetirement.Batch(SendGridOptions.MaxEmailsPerSearch);
        _sendGrid.Contacts(items);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts(items.Select(ContactId));
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(100, kit.Registration(SendGridRegistration.Name).BatchSize);
        Assert.All(items, item => Assert.Equal(JobId, results.For(item)!.ProviderReference));
        Assert.Equal(100, EmailsOf(Assert.Single(_sendGrid.Searches)).Count);
        var delete = Assert.Single(_sendGrid.Deletes);
        Assert.Equal(100, IdsOf(delete).Count);
        Assert.DoesNotContain("delete_all_contacts", delete.Query!.Keys);
    }

    [Fact]
    public async Task A_learner_in_two_deliveries_of_one_call_is_searched_and_deleted_once()
    {
        var learner = SampleRetirement.NthLearner(7);
        var items = new[] { SampleRetirement.Item(learner), SampleRetirement.Item(learner) };
        _sendGrid.Contact(learner.Email, ContactId(5007));
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts([ContactId(5007)]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal(JobId, results.For(item)!.ProviderReference));
        Assert.Equal(["learner.7@example.com"], EmailsOf(Assert.Single(_sendGrid.Searches)));
        Assert.Single(_sendGrid.Deletes);
    }

    [Fact]
    public async Task Two_addresses_of_one_contact_delete_it_once()
    {
        // learner 2's address is an alternate email of learner 1's contact: SendGrid returns that contact for both.
        var items = SampleRetirement.Batch(2);
        _sendGrid.Contact(items[0].Learner.Email, ContactId(5001), items[1].Learner.Email);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts([ContactId(5001)]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal(JobId, results.For(item)!.ProviderReference));
        Assert.Equal([ContactId(5001)], IdsOf(Assert.Single(_sendGrid.Deletes)));
    }

    // ---- erasing: who is gone ----------------------------------------------------------------------------------------

    [Fact]
    public async Task Addresses_sendgrid_does_not_know_are_gone_and_only_the_others_are_deleted()
    {
        var items = SampleRetirement.Batch(3);
        _sendGrid.Contacts([items[1]]);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts([ContactId(items[1])]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Gone, results.For(items[0])!.Kind);
        Assert.Equal("not a SendGrid contact", results.For(items[0])!.ProviderReference);
        Assert.Equal(DeletionOutcomeKind.Pending, results.For(items[1])!.Kind);
        Assert.Equal(DeletionOutcomeKind.Gone, results.For(items[2])!.Kind);
        Assert.Equal([ContactId(items[1])], IdsOf(Assert.Single(_sendGrid.Deletes)));
    }

    [Fact]
    public async Task A_search_sendgrid_answers_404_makes_every_learner_gone_and_deletes_nothing()
    {
        var items = SampleRetirement.Batch(3);
        _sendGrid.SearchAnswers();
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Gone, results.For(item)!.Kind));
        Assert.Single(_sendGrid.Searches);
        Assert.Equal($"Bearer {ApiKey}", Header(Assert.Single(_sendGrid.Counts), "Authorization"));
        Assert.Empty(_sendGrid.Deletes);
    }

    [Fact]
    public async Task A_search_404_at_an_address_where_the_contacts_api_is_not_is_never_gone()
    {
        // SendGrid answers a path it does not have (a BaseUrl ending in /v3, say) with a 404 of the same JSON shape
        // as "none found": the contact count, which SendGrid always answers, is not there either.
        _sendGrid.SearchAnswers(Errors(404, "resource not found"));
        _sendGrid.CountAnswers(Errors(404, "resource not found"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(3);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Permanent, results.For(item)!.Kind);
            Assert.Equal("searching contacts: HTTP 404, and the contacts API is not at this address either (check BaseUrl and Region)", results.For(item)!.Reason);
        });
        Assert.Empty(_sendGrid.Deletes);
    }

    [Theory]
    [InlineData(200, """{"message":"ok"}""", DeletionOutcomeKind.Transient)]
    [InlineData(429, """{"errors":[{"field":null,"message":"too many requests"}]}""", DeletionOutcomeKind.Transient)]
    [InlineData(503, "", DeletionOutcomeKind.Transient)]
    [InlineData(403, """{"errors":[{"field":null,"message":"access forbidden"}]}""", DeletionOutcomeKind.Permanent)]
    public async Task A_search_404_is_gone_only_once_the_contact_count_answers(int status, string body, DeletionOutcomeKind expected)
    {
        _sendGrid.SearchAnswers(Errors(404, "contacts not found"));
        _sendGrid.CountAnswers(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal(expected, results.For(item)!.Kind));
    }

    [Fact]
    public async Task The_contacts_api_is_confirmed_once_per_call()
    {
        // Narrowing down a refused address ends in several searches that find nobody: one count confirms them all.
        var items = SampleRetirement.Batch(4);
        _sendGrid.Refuses(items[0].Learner.Email);
        _sendGrid.SearchAnswers();
        await using var kit = Kit(("RateLimit:Requests", "50"));

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(items[0])!.Kind);
        Assert.All(items.Skip(1), item => Assert.Equal(DeletionOutcomeKind.Gone, results.For(item)!.Kind));
        Assert.True(_sendGrid.Searches.Count > 2);
        Assert.Single(_sendGrid.Counts);
    }

    [Theory]
    [InlineData("text/html", "<html><body><h1>404 Not Found</h1></body></html>")]
    [InlineData("application/json", """{"message":"no route"}""")]
    [InlineData("text/plain", "")]
    public async Task A_404_without_sendgrids_error_body_is_never_gone(string contentType, string body)
    {
        _sendGrid.SearchAnswers(Response.Create().WithStatusCode(404).WithHeader("Content-Type", contentType).WithBody(body));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Permanent, results.For(item)!.Kind);
            Assert.Equal("searching contacts: HTTP 404 (without SendGrid's error body: check BaseUrl and Region)", results.For(item)!.Reason);
        });
        Assert.Empty(_sendGrid.Deletes);
    }

    [Fact]
    public async Task An_answer_that_leaves_an_address_out_is_transient_never_gone()
    {
        var items = SampleRetirement.Batch(2);
        _sendGrid.SearchAnswers(Json(200, new JsonObject
        {
            ["result"] = new JsonObject { ["learner.1@example.com"] = new JsonObject { ["error"] = "contact not found" } },
        }));
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Gone, results.For(items[0])!.Kind);
        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[1])!.Kind);
        Assert.Equal("searching contacts: SendGrid's answer does not mention the address", results.For(items[1])!.Reason);
        Assert.Empty(_sendGrid.Deletes);
    }

    [Fact]
    public async Task A_per_address_error_other_than_not_found_is_permanent_and_its_text_is_not_kept()
    {
        var items = SampleRetirement.Batch(1);
        _sendGrid.SearchAnswers(Json(200, new JsonObject
        {
            ["result"] = new JsonObject { ["learner.1@example.com"] = new JsonObject { ["error"] = "learner.1@example.com is blocked" } },
        }));
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(items[0])!.Kind);
        Assert.Equal("searching contacts: SendGrid could not search the address", results.For(items[0])!.Reason);
    }

    [Theory]
    [InlineData("""{"result":{}}""", DeletionOutcomeKind.Transient)]
    [InlineData("""{"result":{"learner.1@example.com":{"contact":{"email":"learner.1@example.com"}}}}""", DeletionOutcomeKind.Transient)]
    [InlineData("""{"result":{"learner.1@example.com":{"contact":{"id":"a,b"}}}}""", DeletionOutcomeKind.Transient)]
    [InlineData("""{"result":[]}""", DeletionOutcomeKind.Transient)]
    [InlineData("""{"contacts":[]}""", DeletionOutcomeKind.Transient)]
    [InlineData("[]", DeletionOutcomeKind.Transient)]
    public async Task An_unreadable_search_answer_is_never_success(string body, DeletionOutcomeKind expected)
    {
        _sendGrid.SearchAnswers(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(expected, results.For(items[0])!.Kind);
        Assert.Empty(_sendGrid.Deletes);
    }

    // ---- erasing: addresses SendGrid cannot search -----------------------------------------------------------------

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-an-address")]
    [InlineData("@example.com")]
    [InlineData("jane@")]
    [InlineData("jane doe@example.com")]
    public async Task An_address_sendgrid_cannot_search_is_permanent_and_not_sent(string email)
    {
        var good = SampleRetirement.Item(SampleRetirement.NthLearner(1));
        var bad = SampleRetirement.Item(SampleRetirement.Learner(email: email));
        _sendGrid.Contacts([good]);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts([ContactId(good)]);
        await using var kit = Kit();

        var results = await EraseAsync(kit, [good, bad]);

        Assert.Equal(DeletionOutcomeKind.Pending, results.For(good)!.Kind);
        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(bad)!.Kind);
        Assert.Equal(["learner.1@example.com"], EmailsOf(Assert.Single(_sendGrid.Searches)));
    }

    [Fact]
    public async Task An_address_longer_than_the_search_takes_is_permanent_and_not_sent()
    {
        var email = new string('a', 90) + "@example.com"; // 102 characters: a contact may have it (254), the search may not (100)
        var item = SampleRetirement.Item(SampleRetirement.Learner(email: email));
        await using var kit = Kit();

        var results = await EraseAsync(kit, [item]);

        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(item)!.Kind);
        Assert.Contains("longer than the 100 characters", results.For(item)!.Reason);
        Assert.Empty(_sendGrid.Requests);
    }

    [Fact]
    public async Task An_address_sendgrid_refuses_is_narrowed_down_and_fails_alone()
    {
        var items = SampleRetirement.Batch(5);
        _sendGrid.Contacts(items);
        _sendGrid.Refuses(items[3].Learner.Email);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts(items.Where(item => item != items[3]).Select(ContactId));
        // Eight requests: the default 2 a second would spend 4 of the call's 10 s waiting.
        await using var kit = Kit(("RateLimit:Requests", "50"));

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(items[3])!.Kind);
        Assert.Equal("searching contacts: SendGrid refused the address as invalid (HTTP 400)", results.For(items[3])!.Reason);
        Assert.All(items.Where(item => item != items[3]), item => Assert.Equal(JobId, results.For(item)!.ProviderReference));
        // [1..5] 400 → [1,2] 200, [3,4,5] 400 → [3] 200, [4,5] 400 → [4] 400, [5] 200: seven searches.
        Assert.Equal(7, _sendGrid.Searches.Count);
        Assert.Single(_sendGrid.Deletes);
    }

    [Fact]
    public async Task Narrowing_down_stops_at_MaxSearchesPerCall_and_the_rest_is_transient()
    {
        var items = SampleRetirement.Batch(4);
        _sendGrid.Contacts(items);
        _sendGrid.Refuses(items[0].Learner.Email);
        _sendGrid.SearchAnswers();
        await using var kit = Kit(("MaxSearchesPerCall", "1"));

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Transient, results.For(item)!.Kind);
            Assert.StartsWith("searching contacts: not searched in this call", results.For(item)!.Reason);
        });
        Assert.Single(_sendGrid.Searches);
        Assert.Empty(_sendGrid.Deletes);
    }

    [Fact]
    public async Task A_400_without_sendgrids_error_body_is_permanent_without_narrowing_down()
    {
        _sendGrid.SearchAnswers(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "text/html").WithBody("<html>Bad Request</html>"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(3);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal("searching contacts: HTTP 400", results.For(item)!.Reason));
        Assert.Single(_sendGrid.Searches);
    }

    // ---- erasing: SendGrid's failures ------------------------------------------------------------------------------

    [Fact]
    public async Task Too_many_requests_waits_until_X_RateLimit_Reset()
    {
        _sendGrid.SearchAnswers(TooManyRequests(TimeSpan.FromSeconds(90), Now));
        await using var kit = KitAtNow();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
            Assert.Equal("searching contacts: HTTP 429", outcome.Reason);
            Assert.Equal(TimeSpan.FromSeconds(90), outcome.RetryAfter);
        });
        Assert.Single(_sendGrid.Searches);
    }

    [Fact]
    public async Task Too_many_requests_takes_the_later_of_X_RateLimit_Reset_and_Retry_After()
    {
        _sendGrid.SearchAnswers(TooManyRequests(TimeSpan.FromSeconds(30), Now).WithHeader("Retry-After", "45"));
        await using var kit = KitAtNow();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(TimeSpan.FromSeconds(45), results.For(items[0])!.RetryAfter);
    }

    [Theory]
    [InlineData(-30, null)] // a reset already past says nothing
    [InlineData(3 * 86400, 86400)] // a reset days away is capped at a day, then asked again
    public async Task A_reset_in_the_past_or_far_away_is_not_taken_as_is(int resetInSeconds, int? expectedWait)
    {
        _sendGrid.SearchAnswers(TooManyRequests(TimeSpan.FromSeconds(resetInSeconds), Now));
        await using var kit = KitAtNow();
        var items = SampleRetirement.Batch(1);

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
        Assert.Equal(expectedWait is { } s ? TimeSpan.FromSeconds(s) : null, results.For(items[0])!.RetryAfter);
    }

    [Fact]
    public async Task A_delete_rate_limited_leaves_the_learners_not_found_gone()
    {
        var items = SampleRetirement.Batch(2);
        _sendGrid.Contacts([items[0]]);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAnswers(TooManyRequests(TimeSpan.FromSeconds(20), Now));
        await using var kit = KitAtNow();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
        Assert.Equal("deleting contacts: HTTP 429", results.For(items[0])!.Reason);
        Assert.Equal(TimeSpan.FromSeconds(20), results.For(items[0])!.RetryAfter);
        Assert.Equal(DeletionOutcomeKind.Gone, results.For(items[1])!.Kind);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_rejected_key_is_permanent_and_stops_the_call(int status)
    {
        _sendGrid.SearchAnswers(Errors(status, "authorization required"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Permanent, results.For(item)!.Kind);
            Assert.Equal($"searching contacts: API key rejected (HTTP {status}; it needs Marketing contacts access)", results.For(item)!.Reason);
        });
        Assert.Single(_sendGrid.Requests);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task A_server_error_is_transient(int status)
    {
        _sendGrid.SearchAnswers(Errors(status, "internal error"));
        await using var kit = Kit();
        var items = SampleRetirement.Batch(2);

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal($"searching contacts: HTTP {status}", results.For(item)!.Reason));
    }

    [Theory]
    [InlineData(202, """{"status":"queued"}""")]
    [InlineData(202, """{"job_id":""}""")]
    [InlineData(202, """{"job_id":"../imports"}""")]
    [InlineData(202, "")]
    [InlineData(200, $$"""{"job_id":"{{JobId}}"}""")]
    [InlineData(204, "")]
    public async Task A_delete_answer_without_a_readable_job_is_transient(int status, string body)
    {
        var items = SampleRetirement.Batch(1);
        _sendGrid.Contacts(items);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAnswers(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
        Assert.StartsWith("deleting contacts:", results.For(items[0])!.Reason);
    }

    [Fact]
    public async Task A_numeric_job_id_is_taken_as_the_reference()
    {
        // SendGrid's reference types job_id loosely ("object"): a number is taken as well as a string.
        var items = SampleRetirement.Batch(1);
        _sendGrid.Contacts(items);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAnswers(Json(202, JsonNode.Parse("""{"job_id":123456}""")!));
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal("123456", results.For(items[0])!.ProviderReference);
    }

    [Fact]
    public async Task A_delete_answered_404_is_transient_and_searched_again_next_time()
    {
        var items = SampleRetirement.Batch(1);
        _sendGrid.Contacts(items);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAnswers(Errors(404, "resource not found"));
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[0])!.Kind);
    }

    [Fact]
    public async Task A_delete_refused_is_permanent()
    {
        var items = SampleRetirement.Batch(2);
        _sendGrid.Contacts(items);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAnswers(Errors(400, "invalid id", "ids"));
        await using var kit = Kit();

        var results = await EraseAsync(kit, items);

        Assert.All(items, item => Assert.Equal("deleting contacts: HTTP 400", results.For(item)!.Reason));
    }

    // ---- checking jobs -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("completed", DeletionOutcomeKind.Deleted, null)]
    [InlineData("pending", DeletionOutcomeKind.Pending, "job pending")]
    [InlineData("errored", DeletionOutcomeKind.Permanent, "SendGrid deletion job errored: some contacts were not deleted (see the job's errors in SendGrid)")]
    [InlineData("failed", DeletionOutcomeKind.Permanent, "SendGrid deletion job failed: no contact was deleted")]
    [InlineData("running", DeletionOutcomeKind.Transient, "checking the deletion job: unknown status running")]
    public async Task A_job_is_read_from_its_status(string status, DeletionOutcomeKind expected, string? reason)
    {
        _sendGrid.Job(JobId, status);
        await using var kit = Kit();
        var items = Checking(SampleRetirement.Batch(3), JobId);

        var results = await CheckAsync(kit, items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(expected, outcome.Kind);
            Assert.Equal(JobId, outcome.ProviderReference);
            Assert.Equal(reason, outcome.Reason);
        });
        var check = Assert.Single(_sendGrid.JobChecks);
        Assert.Equal(ImportsPath + JobId, check.Path);
        Assert.Equal($"Bearer {ApiKey}", Header(check, "Authorization"));
    }

    [Fact]
    public async Task A_pending_job_is_checked_again_after_JobCheckInterval()
    {
        _sendGrid.Job(JobId, "pending");
        await using var kit = Kit(("JobCheckInterval", "00:02:00"));
        var items = Checking(SampleRetirement.Batch(1), JobId);

        var results = await CheckAsync(kit, items);

        Assert.Equal(TimeSpan.FromMinutes(2), results.For(items[0])!.CheckAfter);
    }

    [Fact]
    public async Task Each_job_is_asked_about_once()
    {
        const string other = "9f1d0c7b-3e2a-4b6c-8d5e-7a9b0c1d2e3f";
        _sendGrid.Job(JobId, "completed");
        _sendGrid.Job(other, "pending");
        await using var kit = Kit();
        var first = Checking(SampleRetirement.Batch(2), JobId);
        var second = Checking([SampleRetirement.Item(SampleRetirement.NthLearner(3)), SampleRetirement.Item(SampleRetirement.NthLearner(4))], other);

        var results = await CheckAsync(kit, [.. first, .. second]);

        Assert.All(first, item => Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind));
        Assert.All(second, item => Assert.Equal(DeletionOutcomeKind.Pending, results.For(item)!.Kind));
        Assert.Equal(2, _sendGrid.JobChecks.Count);
    }

    [Fact]
    public async Task A_job_sendgrid_does_not_know_is_permanent_never_gone()
    {
        _sendGrid.JobAnswers(JobId, Errors(404, "job not found"));
        await using var kit = Kit();
        var items = Checking(SampleRetirement.Batch(1), JobId);

        var outcome = (await CheckAsync(kit, items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(JobId, outcome.ProviderReference);
        Assert.StartsWith("checking the deletion job: HTTP 404", outcome.Reason);
    }

    [Fact]
    public async Task A_job_that_is_not_a_deletion_is_permanent()
    {
        _sendGrid.Job(JobId, "completed", jobType: "upsert");
        await using var kit = Kit();
        var items = Checking(SampleRetirement.Batch(1), JobId);

        var outcome = (await CheckAsync(kit, items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"SendGrid job {JobId} is not a contact deletion job", outcome.Reason);
    }

    [Theory]
    [InlineData("""{"id":"another-job","status":"completed"}""")]
    [InlineData("""{"id":"2387e363-4104-4225-8960-4a5758492351"}""")]
    [InlineData("""[]""")]
    public async Task An_unreadable_job_answer_is_transient_and_keeps_the_reference(string body)
    {
        _sendGrid.JobAnswers(JobId, Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
        await using var kit = Kit();
        var items = Checking(SampleRetirement.Batch(1), JobId);

        var outcome = (await CheckAsync(kit, items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(JobId, outcome.ProviderReference);
    }

    [Fact]
    public async Task A_rate_limited_check_stops_asking_about_the_other_jobs()
    {
        const string other = "9f1d0c7b-3e2a-4b6c-8d5e-7a9b0c1d2e3f";
        _sendGrid.JobAnswers(JobId, TooManyRequests(TimeSpan.FromSeconds(40), Now));
        _sendGrid.JobAnswers(other, TooManyRequests(TimeSpan.FromSeconds(40), Now));
        await using var kit = KitAtNow();
        var items = new[] { SampleRetirement.Item(SampleRetirement.NthLearner(1), providerReference: JobId),
                            SampleRetirement.Item(SampleRetirement.NthLearner(2), providerReference: other) };

        var results = await CheckAsync(kit, items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Transient, results.For(item)!.Kind);
            Assert.Equal(TimeSpan.FromSeconds(40), results.For(item)!.RetryAfter);
            Assert.Equal(item.ProviderReference, results.For(item)!.ProviderReference);
        });
        Assert.Single(_sendGrid.JobChecks);
    }

    [Fact]
    public async Task Jobs_beyond_MaxJobChecksPerCall_stay_pending_and_are_checked_a_minute_later()
    {
        const string other = "9f1d0c7b-3e2a-4b6c-8d5e-7a9b0c1d2e3f";
        _sendGrid.Job(JobId, "completed");
        await using var kit = Kit(("MaxJobChecksPerCall", "1"));
        var items = new[] { SampleRetirement.Item(SampleRetirement.NthLearner(1), providerReference: JobId),
                            SampleRetirement.Item(SampleRetirement.NthLearner(2), providerReference: other) };

        var results = await CheckAsync(kit, items);

        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(items[0])!.Kind);
        var unchecked_ = results.For(items[1])!;
        Assert.Equal(DeletionOutcomeKind.Pending, unchecked_.Kind);
        Assert.Equal(other, unchecked_.ProviderReference);
        Assert.Equal(TimeSpan.FromMinutes(1), unchecked_.CheckAfter);
        Assert.Single(_sendGrid.JobChecks);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("job/../../contacts")]
    public async Task A_check_without_a_job_id_is_permanent_and_asks_nothing(string? reference)
    {
        await using var kit = Kit();
        var items = Checking(SampleRetirement.Batch(1), reference);

        var outcome = (await CheckAsync(kit, items)).For(items[0])!;

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Empty(_sendGrid.Requests);
    }

    [Fact]
    public async Task An_accepted_erasure_is_checked_until_sendgrid_completes_it()
    {
        var items = SampleRetirement.Batch(2);
        _sendGrid.Contacts(items);
        _sendGrid.SearchAnswers();
        _sendGrid.DeleteAccepts(items.Select(ContactId));
        _sendGrid.Job(JobId, "completed");
        await using var kit = Kit();

        var accepted = await EraseAsync(kit, items);
        var checking = items.Select(item => item with { ProviderReference = accepted.For(item)!.ProviderReference }).ToList();
        var done = await CheckAsync(kit, checking);

        Assert.All(checking, item => Assert.Equal(DeletionOutcomeKind.Deleted, done.For(item)!.Kind));
        Assert.True(kit.Registration(SendGridRegistration.Name).ChecksJobs);
    }

    // ---- options -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task The_documented_limits_are_the_defaults()
    {
        await using var kit = Kit();
        var registration = kit.Registration(SendGridRegistration.Name);
        var options = Assert.IsType<SendGridOptions>(registration.Options);

        Assert.Equal(100, options.BatchSize);
        Assert.Equal(100, options.MaxBatchSize);
        Assert.Equal(2, options.RateLimit.Requests);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RateLimit.Per);
        Assert.Equal(2, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout); // the fake's settings; the default is 60 s
        Assert.Equal(TimeSpan.FromSeconds(60), new SendGridOptions().Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.JobCheckInterval);
        Assert.Equal(TimeSpan.FromDays(7), options.JobDeadline);
        Assert.Equal(30, options.MaxSearchesPerCall);
        Assert.Equal(25, options.MaxJobChecksPerCall);
        Assert.True(registration.ChecksJobs);
    }

    [Theory]
    [InlineData(null, null, "https://api.sendgrid.com/")]
    [InlineData("Global", null, "https://api.sendgrid.com/")]
    [InlineData("EU", null, "https://api.eu.sendgrid.com/")]
    [InlineData("eu", null, "https://api.eu.sendgrid.com/")]
    [InlineData("EU", "https://sendgrid-proxy.example.org/", "https://sendgrid-proxy.example.org/")]
    public async Task The_region_picks_the_api_host_and_BaseUrl_overrides_it(string? region, string? baseUrl, string expected)
    {
        var settings = Settings("http://127.0.0.1:1");
        settings.Remove("Deleters:SendGrid:BaseUrl");
        if (region is not null)
            settings["Deleters:SendGrid:Region"] = region;
        if (baseUrl is not null)
            settings["Deleters:SendGrid:BaseUrl"] = baseUrl;
        await using var kit = DeleterTestKit.Create(Register, settings);

        var options = Assert.IsType<SendGridOptions>(kit.Registration(SendGridRegistration.Name).Options);

        Assert.Equal(new Uri(expected), options.EffectiveBaseUrl);
    }

    [Fact]
    public async Task The_registered_client_talks_to_the_configured_address_with_the_key()
    {
        // BaseUrl reaches the Refit client: a request to a fake at that address carries the Bearer key.
        _sendGrid.SearchAnswers();
        await using var kit = Kit();

        await EraseAsync(kit, SampleRetirement.Batch(1));

        Assert.All(_sendGrid.Requests, request => Assert.Equal($"Bearer {ApiKey}", Header(request, "Authorization")));
        Assert.Single(_sendGrid.Searches);
    }

    [Theory]
    [InlineData("ApiKey", null, "ApiKey is required")]
    [InlineData("ApiKey", "  ", "ApiKey is required")]
    [InlineData("ApiKey", "ngeVfQFYQlKU0ufo8x5d1A", "ApiKey must be a SendGrid API key (SG. followed by the key, no spaces)")]
    [InlineData("ApiKey", "SG.ngeVfQFYQlKU0ufo8x5d1A .secret", "ApiKey must be a SendGrid API key (SG. followed by the key, no spaces)")]
    [InlineData("BaseUrl", "http://sendgrid-proxy.example.org", "BaseUrl must use https (http only for a loopback address)")]
    [InlineData("BatchSize", "101", "BatchSize must be between 1 and 100 (the provider's limit)")]
    [InlineData("MaxSearchesPerCall", "0", "MaxSearchesPerCall must be between 1 and 1000")]
    [InlineData("MaxJobChecksPerCall", "1001", "MaxJobChecksPerCall must be between 1 and 1000")]
    [InlineData("RateLimit:Requests", "0", "RateLimit:Requests must be at least 1")]
    public void A_wrong_setting_stops_start_up_naming_the_key(string key, string? value, string expected)
    {
        var settings = With(_sendGrid.Settings(), (key, value));

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal($"Deleters:SendGrid: {expected}", error.Message);
    }

    [Fact]
    public void An_unknown_region_is_named_and_not_echoed()
    {
        var settings = With(_sendGrid.Settings(), ("Region", "Mars"));

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Contains("Deleters:SendGrid:Region", error.Message);
        Assert.DoesNotContain("Mars", error.Message);
    }

    [Fact]
    public void A_rejected_key_is_never_echoed()
    {
        const string key = "XX.ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf";
        var settings = With(_sendGrid.Settings(), ("ApiKey", key));

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.DoesNotContain(key, error.Message);
        Assert.DoesNotContain("ngeVfQFYQlKU0ufo8x5d1A", error.Message);
    }

    private static string Answer(int status, string json) =>
        $"HTTP/1.1 {status} {(HttpStatusCode)status}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n" +
        $"X-RateLimit-Limit: 600\r\nX-RateLimit-Remaining: 599\r\nX-RateLimit-Reset: {DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}\r\n" +
        $"Connection: close\r\n\r\n{json}";

    public void Dispose() => _sendGrid.Dispose();
}
