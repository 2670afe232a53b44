using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Salesforce;
using RetirementBridge.Deleters.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Salesforce.SalesforceFake;

namespace RetirementBridge.Deleters.Tests.Salesforce;

public sealed class SalesforceDeleterTests : IDisposable
{
    /// <summary>The deleter's own registration, as BuiltInDeleters calls it.</summary>
    internal static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddSalesforceDeleter(configuration.GetSection("Deleters:Salesforce"));

    private readonly SalesforceFake _salesforce = new();

    private DeleterTestKit Kit(Dictionary<string, string?>? settings = null) => DeleterTestKit.Create(Register, settings ?? _salesforce.Settings());

    private async Task<DeletionResults> EraseAsync(IReadOnlyList<ErasureItem> items, Dictionary<string, string?>? settings = null)
    {
        await using var kit = Kit(settings);
        return AssertNothingSecret(await kit.EraseAsync(SalesforceRegistration.Name, items), items);
    }

    private async Task<DeletionOutcome> EraseOneAsync(ErasureItem? item = null, Dictionary<string, string?>? settings = null)
    {
        item ??= SampleRetirement.Item();
        return (await EraseAsync([item], settings)).For(item)!;
    }

    /// <summary>No outcome names a learner of the call, the client secret or a token.</summary>
    internal static DeletionResults AssertNothingSecret(DeletionResults results, IEnumerable<ErasureItem> items)
    {
        var secrets = items.SelectMany(i => new[] { i.Learner.Email, i.Learner.Email.ToLowerInvariant(), i.Learner.Username })
            .Concat([ClientSecret, AccessToken, RenewedToken, ClientId]).Where(secret => !string.IsNullOrWhiteSpace(secret)).ToList();
        foreach (var outcome in results.Outcomes.Values)
        {
            PersonalData.AssertNone(outcome);
            foreach (var text in new[] { outcome.Reason, outcome.ProviderReference }.OfType<string>())
                foreach (var secret in secrets)
                    Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
        return results;
    }

    /// <summary>The learner has one Lead and one Contact, stored with the address lower-cased.</summary>
    private void LeadAndContact(ErasureItem item)
    {
        var stored = item.Learner.Email.ToLowerInvariant();
        _salesforce.Query("Lead", ValuesFor(item.Learner.Email), Records("Lead", (LeadId(item.Learner.LmsUserId), stored)));
        _salesforce.Query("Contact", ValuesFor(item.Learner.Email), Records("Contact", (ContactId(item.Learner.LmsUserId), stored)));
    }

    private static Dictionary<string, string?> AllDeletedOf(params string[] ids) => ids.ToDictionary(id => id, _ => (string?)null);

    // ---- requests exactly as Salesforce documents them ----

    [Fact]
    public async Task A_token_from_the_client_credentials_form_then_queries_and_a_delete_with_the_bearer_token()
    {
        var item = SampleRetirement.Item();
        _salesforce.Token();
        LeadAndContact(item);
        _salesforce.Delete([LeadId(4242), ContactId(4242)], AllDeleted([LeadId(4242), ContactId(4242)]));

        var outcome = await EraseOneAsync(item);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted 1 Lead, 1 Contact", outcome.ProviderReference);
        Assert.Equal(
            [("POST", TokenPath), ("GET", QueryPath), ("GET", QueryPath), ("DELETE", DeletePath)],
            _salesforce.Requests.Select(r => (r.Method, r.Path)));

        var token = _salesforce.Requests[0];
        Assert.True(IsClientCredentialsForm(token.Body));
        Assert.StartsWith("application/x-www-form-urlencoded", token.Headers!["Content-Type"].Single());
        // The token request carries its credentials in the form only: no stale bearer token goes with it.
        Assert.False(token.Headers!.ContainsKey("Authorization"));
        Assert.All(_salesforce.Requests.Skip(1), r => Assert.Equal($"Bearer {AccessToken}", r.Headers!["Authorization"].Single()));

        Assert.Equal(["Lead", "Contact"], _salesforce.Queries.Select(q => ParseFindByEmail(ParseQueryString(q.RawQuery)!["q"])!.Value.Object));
        Assert.Equal([LeadId(4242), ContactId(4242)], DeletedIds(Assert.Single(_salesforce.Deletes)));
    }

    [Fact]
    public async Task Both_forms_of_a_mixed_case_address_are_asked_and_a_record_stored_in_any_case_is_the_learners()
    {
        var item = SampleRetirement.Item();
        _salesforce.Token();
        _salesforce.Query("Lead", ["Jane.Doe@Example.COM", "jane.doe@example.com"], Records("Lead", (LeadId(1), "JANE.DOE@EXAMPLE.COM")));
        _salesforce.Query("Contact", ["Jane.Doe@Example.COM", "jane.doe@example.com"], NoRecords());
        _salesforce.Delete([LeadId(1)], AllDeleted([LeadId(1)]));

        var outcome = await EraseOneAsync(item);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted 1 Lead", outcome.ProviderReference);
    }

    [Fact]
    public async Task A_lower_case_address_is_asked_once()
    {
        var item = SampleRetirement.Item(SampleRetirement.Learner(email: "  jane.doe@example.com "));
        _salesforce.Token();
        _salesforce.AnyQuery(NoRecords());

        var outcome = await EraseOneAsync(item);

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.All(_salesforce.Queries, q => Assert.Equal(["jane.doe@example.com"], AskedValues(q)));
    }

    [Theory]
    [InlineData("o'brien\\x@ex.com")]
    [InlineData("x') OR Email != ('y@ex.com")]
    [InlineData("x\\') OR Name LIKE ('%@ex.com")]
    [InlineData("\"jane, doe\"@ex.com")]
    [InlineData("jane+tag%40@ex.com")]
    [InlineData("josé&q=1@exämple.org")]
    public async Task A_hostile_address_stays_one_literal_of_the_query(string email)
    {
        // Not a learner's address: made-up addresses with SOQL's and URLs' special characters. The fake reads the
        // SOQL by its own rules; an address that broke out of its literal would not parse back to itself.
        var item = SampleRetirement.Item(SampleRetirement.Learner(email: email));
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(email), Records("Lead", (LeadId(7), email)));
        _salesforce.Query("Contact", ValuesFor(email), NoRecords());
        _salesforce.Delete([LeadId(7)], AllDeleted([LeadId(7)]));

        var outcome = await EraseOneAsync(item);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal(ValuesFor(email), AskedValues(_salesforce.Queries[0]));
    }

    [Fact]
    public async Task The_token_is_kept_for_later_calls()
    {
        var first = SampleRetirement.Item(SampleRetirement.NthLearner(1));
        var second = SampleRetirement.Item(SampleRetirement.NthLearner(2));
        _salesforce.Token();
        _salesforce.AnyQuery(NoRecords());
        await using var kit = Kit();

        await kit.EraseAsync(SalesforceRegistration.Name, [first]);
        await kit.EraseAsync(SalesforceRegistration.Name, [second]);

        Assert.Single(_salesforce.TokenRequests);
        Assert.Equal(4, _salesforce.Queries.Count);
    }

    [Fact]
    public async Task A_batch_of_100_is_one_query_per_object_and_one_delete()
    {
        var items = SampleRetirement.Batch(100);
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(items), Records("Lead", items.Select(i => (LeadId(i.Learner.LmsUserId), i.Learner.Email)).ToArray()));
        _salesforce.Query("Contact", ValuesFor(items), Records("Contact", items.Select(i => (ContactId(i.Learner.LmsUserId), i.Learner.Email)).ToArray()));
        var ids = items.SelectMany(i => new[] { LeadId(i.Learner.LmsUserId), ContactId(i.Learner.LmsUserId) }).ToArray();
        _salesforce.DeleteRecords(AllDeletedOf(ids));

        var results = await EraseAsync(items);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind));
        Assert.Equal(2, _salesforce.Queries.Count);
        Assert.Equal(ids.Order(), DeletedIds(Assert.Single(_salesforce.Deletes)).Order());
        Assert.All(_salesforce.Queries, q => Assert.InRange(q.RawQuery!.Length, 1, SalesforceSoql.MaxEncodedQueryLength + 3));
    }

    [Fact]
    public async Task More_than_200_records_are_deleted_200_at_a_time_each_record_once()
    {
        // Each of 100 learners has a Lead and two Contacts: 300 records.
        var items = SampleRetirement.Batch(100);
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(items), Records("Lead", items.Select(i => (LeadId(i.Learner.LmsUserId), i.Learner.Email)).ToArray()));
        _salesforce.Query("Contact", ValuesFor(items), Records("Contact", items
            .SelectMany(i => new[] { (ContactId(i.Learner.LmsUserId), i.Learner.Email), (ContactId(i.Learner.LmsUserId + 10_000), i.Learner.Email) })
            .ToArray()));
        var ids = items.SelectMany(i => new[] { LeadId(i.Learner.LmsUserId), ContactId(i.Learner.LmsUserId), ContactId(i.Learner.LmsUserId + 10_000) }).ToArray();
        _salesforce.DeleteRecords(AllDeletedOf(ids), anySubset: true);

        var results = await EraseAsync(items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Deleted, results.For(item)!.Kind);
            Assert.Equal("deleted 1 Lead, 2 Contact", results.For(item)!.ProviderReference);
        });
        Assert.Equal([200, 100], _salesforce.Deletes.Select(d => DeletedIds(d).Length));
        Assert.Equal(ids.Order(), _salesforce.Deletes.SelectMany(DeletedIds).Order());
    }

    [Fact]
    public async Task Addresses_too_long_for_one_url_are_asked_in_several_queries_covering_each_once()
    {
        // 60 addresses of about 190 characters: far more than one URL should carry.
        var items = Enumerable.Range(1, 60)
            .Select(n => SampleRetirement.Item(SampleRetirement.Learner(email: $"{new string('a', 180)}.{n}@example.org", lmsUserId: n)))
            .ToList();
        _salesforce.Token();
        _salesforce.AnyQuery(NoRecords());

        var results = await EraseAsync(items);

        Assert.All(items, item => Assert.Equal(DeletionOutcomeKind.Gone, results.For(item)!.Kind));
        var asked = _salesforce.Queries.Select(q => ParseFindByEmail(ParseQueryString(q.RawQuery)!["q"])!.Value).ToList();
        var leads = asked.Where(a => a.Object == "Lead").ToList();
        var contacts = asked.Where(a => a.Object == "Contact").ToList();
        Assert.True(leads.Count > 1, "one query would not fit in a URL");
        Assert.Equal(leads.Count, contacts.Count);
        Assert.Equal(items.Select(i => i.Learner.Email), leads.SelectMany(a => a.Values));
        Assert.Equal(items.Select(i => i.Learner.Email), contacts.SelectMany(a => a.Values));
        Assert.All(_salesforce.Queries, q => Assert.True(q.RawQuery!.Length <= "?q=".Length + SalesforceSoql.MaxEncodedQueryLength));
    }

    // ---- what "gone" means ----

    [Fact]
    public async Task A_learner_with_no_lead_and_no_contact_is_gone_and_nothing_is_deleted()
    {
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), NoRecords());
        _salesforce.Query("Contact", ValuesFor(SampleRetirement.Email), NoRecords());

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Equal("no Lead or Contact with this email", outcome.ProviderReference);
        Assert.Empty(_salesforce.Deletes);
    }

    [Fact]
    public async Task In_a_batch_the_learners_found_are_deleted_and_the_others_are_gone()
    {
        var items = SampleRetirement.Batch(3);
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(items), Records("Lead", (LeadId(5002), "learner.2@example.com")));
        _salesforce.Query("Contact", ValuesFor(items), Records("Contact", (ContactId(5003), "Learner.3@Example.COM")));
        _salesforce.Delete([LeadId(5002), ContactId(5003)], AllDeleted([LeadId(5002), ContactId(5003)]));

        var results = await EraseAsync(items);

        Assert.Equal(DeletionOutcomeKind.Gone, results.For(items[0])!.Kind);
        Assert.Equal("deleted 1 Lead", results.For(items[1])!.ProviderReference);
        Assert.Equal("deleted 1 Contact", results.For(items[2])!.ProviderReference);
    }

    [Fact]
    public async Task Records_already_deleted_are_gone_and_a_mix_is_deleted()
    {
        var items = SampleRetirement.Batch(2);
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(items), Records("Lead", (LeadId(5001), "learner.1@example.com"), (LeadId(5002), "learner.2@example.com")));
        _salesforce.Query("Contact", ValuesFor(items), Records("Contact", (ContactId(5001), "learner.1@example.com")));
        _salesforce.DeleteRecords(new Dictionary<string, string?>
        {
            [LeadId(5001)] = null,
            [ContactId(5001)] = "ENTITY_IS_DELETED",
            [LeadId(5002)] = "ENTITY_IS_DELETED",
        });

        var results = await EraseAsync(items);

        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(items[0])!.Kind);
        Assert.Equal("deleted 1 Lead; 1 already deleted", results.For(items[0])!.ProviderReference);
        Assert.Equal(DeletionOutcomeKind.Gone, results.For(items[1])!.Kind);
        Assert.Equal("1 record(s) already deleted", results.For(items[1])!.ProviderReference);
    }

    [Theory]
    [InlineData(404, "NOT_FOUND", "The requested resource does not exist")]
    [InlineData(400, "MALFORMED_QUERY", "unexpected token: OR")]
    [InlineData(400, "INVALID_FIELD", "No such column 'Email' on entity 'Lead'")]
    public async Task A_query_Salesforce_refuses_is_permanent_never_gone(int status, string errorCode, string message)
    {
        _salesforce.Token();
        _salesforce.AnyQuery(Errors(status, errorCode, message));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.StartsWith($"Lead query: HTTP {status} {errorCode}", outcome.Reason);
        Assert.Empty(_salesforce.Deletes);
    }

    // ---- one learner's records refused ----

    [Fact]
    public async Task A_record_Salesforce_will_not_delete_fails_its_learner_alone_with_the_code()
    {
        var items = SampleRetirement.Batch(2);
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(items), Records("Lead", (LeadId(5001), "learner.1@example.com"), (LeadId(5002), "learner.2@example.com")));
        _salesforce.Query("Contact", ValuesFor(items), Records("Contact", (ContactId(5002), "learner.2@example.com")));
        _salesforce.DeleteRecords(new Dictionary<string, string?>
        {
            [LeadId(5001)] = null,
            [LeadId(5002)] = null,
            [ContactId(5002)] = "DELETE_FAILED",
        });

        var results = await EraseAsync(items);

        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(items[0])!.Kind);
        var refused = results.For(items[1])!;
        Assert.Equal(DeletionOutcomeKind.Permanent, refused.Kind);
        Assert.Equal("1 of 2 record(s) not deleted: Contact DELETE_FAILED", refused.Reason);
    }

    [Fact]
    public async Task A_locked_record_is_tried_again_later()
    {
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), Records("Lead", (LeadId(1), "jane.doe@example.com")));
        _salesforce.Query("Contact", ValuesFor(SampleRetirement.Email), NoRecords());
        _salesforce.Delete([LeadId(1)], DeleteResults((LeadId(1), "UNABLE_TO_LOCK_ROW")));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("delete: UNABLE_TO_LOCK_ROW", outcome.Reason);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"id":"00Q5g0000000001AAA","success":true,"errors":[]},{"id":"00Q5g0000000009AAA","success":true,"errors":[]}]""")]
    [InlineData("""[{"id":"00Q5g0000000009AAA","success":true,"errors":[]}]""")]
    [InlineData("""[{"id":"00Q5g0000000001AAA","errors":[]}]""")]
    [InlineData("""{"deleted":1}""")]
    public async Task A_delete_answer_that_does_not_match_the_ids_sent_is_never_success(string body)
    {
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), Records("Lead", (LeadId(1), "jane.doe@example.com")));
        _salesforce.Query("Contact", ValuesFor(SampleRetirement.Email), NoRecords());
        _salesforce.Delete([LeadId(1)], Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("delete: unexpected answer", outcome.Reason);
    }

    [Fact]
    public async Task A_query_answer_with_another_objects_ids_deletes_nothing()
    {
        // 001 is an Account's prefix: a Lead query answering it is not an answer to trust with deletions.
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), Records("Lead", ("0015g00000AbCdEAAA", "jane.doe@example.com")));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("Lead query: unexpected answer (a record without a Lead id)", outcome.Reason);
        Assert.Empty(_salesforce.Deletes);
    }

    [Fact]
    public async Task A_record_whose_address_matches_no_learner_of_the_batch_leaves_nobody_reported_erased()
    {
        // Salesforce compares addresses in the run-as user's locale: it may match a record this side cannot tell
        // the owner of. It may be anyone's, so no learner of the batch counts as erased.
        var items = SampleRetirement.Batch(2);
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(items), Records("Lead", (LeadId(5001), "learner.1@example.com"), (LeadId(9), "learner.9@example.com")));
        _salesforce.Query("Contact", ValuesFor(items), NoRecords());
        _salesforce.Delete([LeadId(5001)], AllDeleted([LeadId(5001)]));

        var results = await EraseAsync(items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Transient, results.For(item)!.Kind);
            Assert.Equal("1 record(s) found could not be matched to one learner's address", results.For(item)!.Reason);
        });
        Assert.Equal([LeadId(5001)], DeletedIds(Assert.Single(_salesforce.Deletes)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("jane\n@example.com")]
    public async Task An_address_that_cannot_be_asked_fails_alone_and_is_never_sent(string email)
    {
        var bad = SampleRetirement.Item(SampleRetirement.Learner(email: email, lmsUserId: 1));
        var good = SampleRetirement.Item(SampleRetirement.NthLearner(2));
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(good.Learner.Email), NoRecords());
        _salesforce.Query("Contact", ValuesFor(good.Learner.Email), NoRecords());

        var results = await EraseAsync([bad, good]);

        Assert.Equal(DeletionOutcomeKind.Permanent, results.For(bad)!.Kind);
        Assert.Equal(DeletionOutcomeKind.Gone, results.For(good)!.Kind);
        Assert.All(_salesforce.Queries, q => Assert.Equal(ValuesFor(good.Learner.Email), AskedValues(q)));
    }

    [Fact]
    public async Task Two_deliveries_of_one_address_share_its_records()
    {
        var learner = SampleRetirement.Learner();
        var first = SampleRetirement.Item(learner);
        var second = SampleRetirement.Item(SampleRetirement.Learner(email: SampleRetirement.Email.ToUpperInvariant()));
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), Records("Lead", (LeadId(1), "jane.doe@example.com")));
        _salesforce.Query("Contact", ValuesFor(SampleRetirement.Email), NoRecords());
        _salesforce.Delete([LeadId(1)], AllDeleted([LeadId(1)]));

        var results = await EraseAsync([first, second]);

        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(first)!.Kind);
        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(second)!.Kind);
    }

    // ---- the token: cached, renewed once when refused ----

    [Fact]
    public async Task A_refused_token_is_renewed_once_and_the_request_sent_again()
    {
        _salesforce.TokenRequest().InScenario("token").WillSetStateTo("issued").RespondWith(_salesforce.TokenIssued(AccessToken));
        _salesforce.TokenRequest().InScenario("token").WhenStateIs("issued").RespondWith(_salesforce.TokenIssued(RenewedToken));
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), SessionExpired(), token: AccessToken);
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), Records("Lead", (LeadId(1), "jane.doe@example.com")), token: RenewedToken);
        _salesforce.Query("Contact", ValuesFor(SampleRetirement.Email), NoRecords(), token: RenewedToken);
        _salesforce.Delete([LeadId(1)], AllDeleted([LeadId(1)]), token: RenewedToken);

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal(2, _salesforce.TokenRequests.Count);
        Assert.Equal(3, _salesforce.Queries.Count);
    }

    [Fact]
    public async Task A_token_refused_again_after_renewal_is_permanent_without_looping()
    {
        _salesforce.Token();
        _salesforce.AnyQuery(SessionExpired());

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.StartsWith("Lead query: HTTP 401 INVALID_SESSION_ID with a fresh token", outcome.Reason);
        Assert.Equal(2, _salesforce.TokenRequests.Count);
        Assert.Equal(2, _salesforce.Queries.Count);
    }

    [Fact]
    public async Task Calls_refused_at_the_same_time_renew_the_token_once()
    {
        _salesforce.TokenRequest().InScenario("token").WillSetStateTo("issued").RespondWith(_salesforce.TokenIssued(AccessToken));
        _salesforce.TokenRequest().InScenario("token").WhenStateIs("issued").RespondWith(_salesforce.TokenIssued(RenewedToken));
        _salesforce.AnyQuery(SessionExpired());
        _salesforce.Server.Given(Request.Create().UsingGet().WithPath(QueryPath).WithHeader("Authorization", $"Bearer {RenewedToken}"))
            .AtPriority(1).RespondWith(NoRecords());
        await using var kit = Kit();

        var calls = Enumerable.Range(1, 4).Select(n => kit.EraseAsync(SalesforceRegistration.Name, [SampleRetirement.Item(SampleRetirement.NthLearner(n))]));
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.All(r.Outcomes.Values, o => Assert.Equal(DeletionOutcomeKind.Gone, o.Kind)));
        Assert.Equal(2, _salesforce.TokenRequests.Count);
    }

    [Theory]
    [InlineData("invalid_client", "invalid client credentials")]
    [InlineData("invalid_grant", "no client credentials user enabled")]
    [InlineData("unsupported_grant_type", "grant type not supported")]
    public async Task Credentials_Salesforce_refuses_are_permanent_and_nothing_else_is_asked(string error, string description)
    {
        _salesforce.Token(OAuthError(400, error, description));

        var outcome = await EraseOneAsync();

        Assert.True(outcome.Kind == DeletionOutcomeKind.Permanent, outcome.Reason);
        Assert.Equal($"token: HTTP 400 {error} ({SalesforceAnswer.CredentialsHint})", outcome.Reason);
        Assert.Single(_salesforce.Requests);
    }

    [Fact]
    public async Task A_token_endpoint_that_cannot_answer_now_is_transient()
    {
        _salesforce.Token(Response.Create().WithStatusCode(503).WithBody("<html>Service Unavailable</html>"));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("token: HTTP 503", outcome.Reason);
    }

    [Theory]
    [InlineData("""{"token_type":"Bearer"}""")]
    [InlineData("""{"access_token":"two words","token_type":"Bearer"}""")]
    [InlineData("""{"access_token":"00Dx!AQ","token_type":"MAC"}""")]
    [InlineData("<html>Maintenance</html>")]
    public async Task A_token_answer_without_a_usable_bearer_token_is_transient(string body)
    {
        _salesforce.Token(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("token: unexpected answer", outcome.Reason);
        Assert.Single(_salesforce.Requests);
    }

    // ---- the daily allocation ----

    [Fact]
    public async Task The_daily_allocation_used_up_is_transient_for_an_hour()
    {
        var items = SampleRetirement.Batch(3);
        _salesforce.Token();
        _salesforce.AnyQuery(QuotaExceeded());

        var results = await EraseAsync(items);

        Assert.All(items, item =>
        {
            var outcome = results.For(item)!;
            Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
            Assert.Equal(TimeSpan.FromHours(1), outcome.RetryAfter);
            Assert.Equal("Lead query: HTTP 403 REQUEST_LIMIT_EXCEEDED", outcome.Reason);
        });
        // The Contact query would only meet the same answer.
        Assert.Single(_salesforce.Queries);
    }

    [Fact]
    public async Task The_allocation_used_up_at_the_delete_is_transient_too()
    {
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), Records("Lead", (LeadId(1), "jane.doe@example.com")));
        _salesforce.Query("Contact", ValuesFor(SampleRetirement.Email), NoRecords());
        _salesforce.Delete([LeadId(1)], QuotaExceeded());

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromHours(1), outcome.RetryAfter);
    }

    [Theory]
    [InlineData("API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.")]
    [InlineData("INSUFFICIENT_ACCESS", "insufficient access rights on cross-reference id")]
    public async Task Any_other_403_is_permanent_with_its_code(string errorCode, string message)
    {
        _salesforce.Token();
        _salesforce.AnyQuery(Errors(403, errorCode, message));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"Lead query: HTTP 403 {errorCode}", outcome.Reason);
    }

    // ---- pages of a query ----

    [Fact]
    public async Task A_query_answered_in_pages_is_followed_to_the_last()
    {
        const string locator = "01gRO0000016PIAYA2-2000";
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), Page("Lead", 2, locator, (LeadId(1), "jane.doe@example.com")));
        _salesforce.QueryMore(locator, Records("Lead", (LeadId(2), "jane.doe@example.com")));
        _salesforce.Query("Contact", ValuesFor(SampleRetirement.Email), NoRecords());
        _salesforce.Delete([LeadId(1), LeadId(2)], AllDeleted([LeadId(1), LeadId(2)]));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted 2 Lead", outcome.ProviderReference);
        Assert.Contains(_salesforce.Queries, q => q.Path == $"{QueryPath}/{locator}");
    }

    [Fact]
    public async Task An_unfinished_query_without_a_next_page_deletes_nothing()
    {
        _salesforce.Token();
        _salesforce.Query("Lead", ValuesFor(SampleRetirement.Email), Json(200, new { totalSize = 3000, done = false, records = Array.Empty<object>() }));

        var outcome = await EraseOneAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Empty(_salesforce.Deletes);
    }

    // ---- options ----

    [Fact]
    public void Defaults_are_salesforces_documented_limits()
    {
        var options = new SalesforceOptions();

        Assert.Equal(50, options.BatchSize);
        Assert.Equal(100, options.MaxBatchSize);
        Assert.Equal(15_000, options.RateLimit.Requests);
        Assert.Equal(TimeSpan.FromDays(1), options.RateLimit.Per);
        Assert.Equal(4, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Timeout);
        Assert.Equal("v62.0", options.ApiVersion);
        Assert.Null(options.BaseUrl);
        Assert.Equal(
            "POST /services/oauth2/token (client credentials, only when no token is cached or one was refused); " +
            "GET /services/data/v62.0/query?q=SELECT Id, Email FROM Lead WHERE Email IN ({addresses}), the same FROM Contact " +
            "(one query per object per batch, more only for very long addresses); " +
            "DELETE /services/data/v62.0/composite/sobjects?ids={ids}&allOrNone=false per 200 records found",
            options.RequestShape);
    }

    public static TheoryData<string, string?, string, string?> BadSettings => new()
    {
        // key, value (null: left out), expected message, text that must not appear
        { "ClientId", null, "ClientId is required", null },
        { "ClientSecret", null, "ClientSecret is required", null },
        { "ClientSecret", "s3cr3t with space", "ClientSecret must not contain spaces or control characters", "s3cr3t" },
        { "ClientId", "key\nwith-newline", "ClientId must not contain spaces or control characters", "newline" },
        { "BaseUrl", null, "InstanceUrl or BaseUrl is required (e.g. InstanceUrl: https://acme.my.salesforce.com)", null },
        { "InstanceUrl", "http://initech.my.salesforce.com", "InstanceUrl must be an https URL (e.g. https://acme.my.salesforce.com)", "initech" },
        { "InstanceUrl", "not a url", "InstanceUrl must be an https URL (e.g. https://acme.my.salesforce.com)", "not a url" },
        { "InstanceUrl", "https://initech.my.salesforce.com/services/data", "InstanceUrl must be the org's address alone, without a path or query (e.g. https://acme.my.salesforce.com)", "initech" },
        { "InstanceUrl", "https://user:hunter2@initech.my.salesforce.com", "InstanceUrl must be the org's address alone, without a path or query (e.g. https://acme.my.salesforce.com)", "hunter2" },
        { "InstanceUrl", "https://initech.lightning.force.com", "InstanceUrl is a Lightning address: use the org's My Domain URL (https://<domain>.my.salesforce.com)", "initech" },
        { "InstanceUrl", "https://login.salesforce.com", "InstanceUrl must be the org's My Domain URL, not login.salesforce.com or test.salesforce.com (the API calls go there too)", null },
        { "ApiVersion", "62.0", "ApiVersion must look like v62.0", null },
        { "ApiVersion", "v41.0", "ApiVersion must be v42.0 or later (the batch delete needs it)", null },
        { "MaxConcurrency", "30", "MaxConcurrency must be at most 25 (Salesforce's limit on concurrent long requests)", null },
        { "BatchSize", "101", "BatchSize must be between 1 and 100 (the provider's limit)", null },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_naming_the_key_never_the_value(string key, string? value, string expected, string? mustNotAppear)
    {
        var settings = _salesforce.Settings();
        settings[$"Deleters:Salesforce:{key}"] = value;
        if (key == "InstanceUrl")
            settings.Remove("Deleters:Salesforce:BaseUrl");

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal($"Deleters:Salesforce: {expected}", error.Message);
        if (mustNotAppear is not null)
            Assert.DoesNotContain(mustNotAppear, error.Message);
        Assert.DoesNotContain(ClientSecret, error.Message);
    }

    [Fact]
    public void Setting_both_InstanceUrl_and_BaseUrl_stops_start_up()
    {
        var settings = _salesforce.Settings();
        settings["Deleters:Salesforce:InstanceUrl"] = "https://acme.my.salesforce.com";

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal("Deleters:Salesforce: set InstanceUrl or BaseUrl, not both", error.Message);
    }

    [Fact]
    public void A_plain_http_BaseUrl_is_refused_unless_it_is_loopback()
    {
        var settings = _salesforce.Settings();
        settings["Deleters:Salesforce:BaseUrl"] = "http://salesforce-proxy.internal";

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal("Deleters:Salesforce: BaseUrl must use https (http only for a loopback address)", error.Message);
    }

    [Theory]
    [InlineData("https://acme.my.salesforce.com", null, "https://acme.my.salesforce.com/")]
    [InlineData("https://acme--uat.sandbox.my.salesforce.com/", null, "https://acme--uat.sandbox.my.salesforce.com/")]
    [InlineData(null, "https://sf-proxy.example.org/salesforce/", "https://sf-proxy.example.org/salesforce/")]
    public void Requests_go_to_the_instance_or_to_BaseUrl(string? instanceUrl, string? baseUrl, string expected)
    {
        var options = new SalesforceOptions
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            InstanceUrl = instanceUrl,
            BaseUrl = baseUrl is null ? null : new Uri(baseUrl),
        };

        Assert.Empty(options.Validate());
        Assert.Equal(new Uri(expected), options.EffectiveBaseUrl());
    }

    [Fact]
    public async Task The_instance_url_registers_a_working_deleter()
    {
        var settings = _salesforce.Settings();
        settings.Remove("Deleters:Salesforce:BaseUrl");
        settings["Deleters:Salesforce:InstanceUrl"] = "https://acme.my.salesforce.com";
        await using var kit = Kit(settings);

        Assert.Equal(SalesforceRegistration.Name, kit.Registration(SalesforceRegistration.Name).Name);
        Assert.False(kit.Registration(SalesforceRegistration.Name).ChecksJobs);
    }

    public void Dispose() => _salesforce.Dispose();
}
