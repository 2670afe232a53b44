using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Mailgun;
using RetirementBridge.Deleters.Testing;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Mailgun.MailgunFake;

namespace RetirementBridge.Deleters.Tests.Mailgun;

public sealed class MailgunDeleterTests : IDisposable
{
    /// <summary>The deleter's own registration, as BuiltInDeleters calls it.</summary>
    internal static readonly Action<IServiceCollection, IConfiguration> Register =
        (services, configuration) => services.AddMailgunDeleter(configuration.GetSection("Deleters:Mailgun"));

    private static readonly string Typed = SampleForms[0];
    private static readonly string Lower = SampleForms[1];

    private readonly MailgunFake _mailgun = new();

    private Task<DeletionOutcome> RunAsync(string[]? lists = null, string[]? domains = null) =>
        RunAsync(_mailgun.Settings(lists, domains));

    private static async Task<DeletionOutcome> RunAsync(Dictionary<string, string?> settings, ErasureItem? item = null) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(Register, settings, MailgunRegistration.Name, item ?? SampleRetirement.Item()));

    // What is sent, and what counts as deleted.

    [Fact]
    public async Task Removes_both_forms_of_the_address_from_every_listed_list_and_each_domains_suppressions_with_api_basic_auth()
    {
        _mailgun.AccountLists([News, Courses]);
        _mailgun.Everywhere(SampleForms, [News, Courses], [Domain]);

        var outcome = await RunAsync(domains: [Domain]);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 5 of 5 (2 mailing list(s), 3 suppression table(s))", outcome.ProviderReference);
        Assert.Equal(
        [
            "GET /v3/lists/pages", "GET /v3/lists/pages",
            $"DELETE /v3/lists/{News}/members/{Typed}", $"DELETE /v3/lists/{News}/members/{Lower}",
            $"DELETE /v3/lists/{Courses}/members/{Typed}", $"DELETE /v3/lists/{Courses}/members/{Lower}",
            $"DELETE /v3/{Domain}/unsubscribes/{Typed}", $"DELETE /v3/{Domain}/unsubscribes/{Lower}",
            $"DELETE /v3/{Domain}/bounces/{Typed}", $"DELETE /v3/{Domain}/bounces/{Lower}",
            $"DELETE /v3/{Domain}/complaints/{Typed}", $"DELETE /v3/{Domain}/complaints/{Lower}",
        ], _mailgun.Calls);
        Assert.All(_mailgun.Requests, request => Assert.Equal(Authorization, request.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task A_lower_case_address_is_removed_once_per_place()
    {
        const string email = "jane.doe@example.com";
        _mailgun.Everywhere([email], [News], []);

        var outcome = await RunAsync(_mailgun.Settings([News]), SampleRetirement.Item(SampleRetirement.Learner(email: email)));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal([$"DELETE /v3/lists/{News}/members/{email}"], _mailgun.Calls);
    }

    [Fact]
    public async Task Either_form_removed_counts_as_deleted()
    {
        // Mailgun does not document whether it matches addresses case-insensitively: it may hold only one form.
        _mailgun.Member(News, Typed, MemberNotFound(Typed));
        _mailgun.Member(News, Lower, MemberDeleted(Lower));

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 1 of 1 (1 mailing list(s), 0 suppression table(s))", outcome.ProviderReference);
    }

    [Fact]
    public async Task A_member_of_some_lists_is_deleted_and_counted()
    {
        _mailgun.AccountLists([News, Courses]);
        _mailgun.Everywhere(SampleForms, [News], []);
        _mailgun.Nowhere(SampleForms, [Courses], []);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 1 of 2 (2 mailing list(s), 0 suppression table(s))", outcome.ProviderReference);
    }

    // What "gone" means: Mailgun's own 404 everywhere, in lists and domains known to exist.

    [Fact]
    public async Task Not_in_any_listed_list_or_suppression_is_gone_after_the_domain_is_confirmed_once()
    {
        _mailgun.AccountLists([News, Courses]);
        _mailgun.Nowhere(SampleForms, [News, Courses], [Domain]);
        _mailgun.DomainExists(Domain);

        var outcome = await RunAsync(domains: [Domain]);

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Equal("not in any of 5 (2 mailing list(s), 3 suppression table(s))", outcome.ProviderReference);
        // Listed lists exist (the listing just showed them): only the domain is asked about, once.
        Assert.Equal([$"GET /v3/{Domain}/unsubscribes"], _mailgun.Calls.Where(c => c.StartsWith("GET /v3/mg", StringComparison.Ordinal)));
        Assert.DoesNotContain(_mailgun.Calls, c => c.StartsWith($"GET /v3/lists/{News}", StringComparison.Ordinal));
        Assert.Equal(10, _mailgun.Deletions.Count);
    }

    [Fact]
    public async Task Not_in_a_configured_list_is_gone_once_the_list_is_confirmed_to_exist()
    {
        _mailgun.Nowhere(SampleForms, [News], []);
        _mailgun.ListExists(News);

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Equal(
            [$"DELETE /v3/lists/{News}/members/{Typed}", $"DELETE /v3/lists/{News}/members/{Lower}", $"GET /v3/lists/{News}"],
            _mailgun.Calls);
    }

    [Fact]
    public async Task A_configured_list_that_does_not_exist_is_permanent_never_gone()
    {
        // Mailgun answers 404 both for "not a member" and "no such list": a typo would otherwise count everyone as gone.
        _mailgun.Nowhere(SampleForms, ["typo@mg.example.org"], []);
        _mailgun.NoSuchList("typo@mg.example.org");

        var outcome = await RunAsync(lists: ["typo@mg.example.org"]);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("Lists[0] does not exist in this region (check Deleters:Mailgun:Lists and Region)", outcome.Reason);
    }

    [Fact]
    public async Task A_configured_domain_that_does_not_exist_is_permanent_never_gone()
    {
        // Mailgun answers 404 both for "not suppressed" and "no such domain" (or one in the other region).
        _mailgun.AccountLists([]);
        _mailgun.Nowhere(SampleForms, [], ["typo.example.org"]);
        _mailgun.NoSuchDomain("typo.example.org");

        var outcome = await RunAsync(domains: ["typo.example.org"]);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("domain typo.example.org does not exist in this region (check Deleters:Mailgun:Domains and Region)", outcome.Reason);
        // Erasing wherever it can is still worth doing: every table was tried, and the domain asked about once.
        Assert.Equal(6, _mailgun.Deletions.Count);
        Assert.Single(_mailgun.Calls, c => c == "GET /v3/typo.example.org/unsubscribes");
    }

    [Fact]
    public async Task A_suppression_removed_in_a_domain_whose_other_tables_answer_404_is_deleted_without_asking_twice()
    {
        _mailgun.Suppression(Domain, "unsubscribes", Typed, SuppressionNotFound("unsubscribes"));
        _mailgun.Suppression(Domain, "unsubscribes", Lower, SuppressionRemoved("unsubscribes", Lower));
        foreach (var table in new[] { "bounces", "complaints" })
            foreach (var form in SampleForms)
                _mailgun.Suppression(Domain, table, form, SuppressionNotFound(table));
        _mailgun.DomainExists(Domain);
        _mailgun.AccountLists([]);

        var outcome = await RunAsync(domains: [Domain]);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 1 of 3 (0 mailing list(s), 3 suppression table(s))", outcome.ProviderReference);
        Assert.Single(_mailgun.Calls, c => c == $"GET /v3/{Domain}/unsubscribes");
    }

    [Fact]
    public async Task An_account_without_lists_and_no_domains_is_gone_with_nothing_removed()
    {
        _mailgun.AccountLists([]);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Equal("not in any of 0 (0 mailing list(s), 0 suppression table(s))", outcome.ProviderReference);
        Assert.Empty(_mailgun.Deletions);
    }

    [Fact]
    public async Task A_404_that_is_not_Mailguns_JSON_is_permanent_not_gone()
    {
        // Mailgun: "If a JSON response is missing for a 404 - that's usually a sign that there was a mistake in the
        // API request, such as a non-existing endpoint." A wrong BaseUrl would otherwise count every learner as gone.
        _mailgun.Member(News, Typed, Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html")
            .WithBody("<html><body><h1>404 Not Found</h1></body></html>"));

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("Lists[0]: HTTP 404 without Mailgun's JSON answer (check BaseUrl)", outcome.Reason);
    }

    [Fact]
    public async Task A_removal_answered_200_without_Mailguns_message_is_not_an_erasure()
    {
        _mailgun.Member(News, Typed, Json(200, new { }));

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("Lists[0]: unexpected answer (HTTP 200)", outcome.Reason);
    }

    [Fact]
    public async Task A_removal_answered_204_is_not_Mailguns_answer()
    {
        _mailgun.Member(News, Typed, Response.Create().WithStatusCode(204));

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("Lists[0]: unexpected answer (HTTP 204)", outcome.Reason);
    }

    // The listing of the account's mailing lists.

    [Fact]
    public async Task The_listing_follows_paging_next_until_an_empty_page()
    {
        var lists = Enumerable.Range(0, 201).Select(i => $"list{i:000}@mg.example.org").ToList();
        _mailgun.AccountLists(lists);
        _mailgun.Member("list200@mg.example.org", Lower, MemberDeleted(Lower)); // only on the third page
        _mailgun.Server.Given(WireMock.RequestBuilders.Request.Create().UsingDelete()
                .WithPath(new WireMock.Matchers.RegexMatcher("^/v3/lists/list[0-9]{3}@mg\\.example\\.org/members/")))
            .AtPriority(10).RespondWith(MemberNotFound(Lower));

        var settings = _mailgun.Settings();
        settings["Deleters:Mailgun:RateLimit:Requests"] = "100000"; // 406 requests: not this test's subject

        var outcome = await RunAsync(settings);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 1 of 201 (201 mailing list(s), 0 suppression table(s))", outcome.ProviderReference);
        Assert.Equal(
            new string?[] { null, "list099@mg.example.org", "list199@mg.example.org", "list200@mg.example.org" },
            _mailgun.Listings.Select(r => r.Query!.TryGetValue("address", out var a) ? a.Single() : null));
        Assert.Equal(402, _mailgun.Deletions.Count);
    }

    [Fact]
    public async Task A_listing_without_items_is_transient_not_gone()
    {
        // A 200 "{}" (a proxy, a wrong BaseUrl) must not read as "the account has no lists".
        _mailgun.Server.Given(ListPages(null)).AtPriority(1).RespondWith(Json(200, new { }));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("listing mailing lists: unreadable answer (no items)", outcome.Reason);
        Assert.Empty(_mailgun.Deletions);
    }

    [Fact]
    public async Task A_listing_that_repeats_itself_is_transient_and_ends()
    {
        _mailgun.Server.Given(ListPages(null)).AtPriority(1).RespondWith(ListPage([News], News));
        _mailgun.Server.Given(ListPages(News)).AtPriority(1).RespondWith(ListPage([News], News));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("listing mailing lists: the listing repeated itself", outcome.Reason);
        Assert.Equal(2, _mailgun.Listings.Count);
        Assert.Empty(_mailgun.Deletions);
    }

    [Fact]
    public async Task A_listing_404_is_permanent_not_an_account_without_lists()
    {
        _mailgun.Server.Given(ListPages(null)).AtPriority(1).RespondWith(Error(404, "Not Found"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("listing mailing lists: HTTP 404 (check BaseUrl and Region)", outcome.Reason);
    }

    [Theory]
    [InlineData("https://api.mailgun.net/v3/lists/pages?page=next&address=news%40mg.example.org&limit=100", "next", "news@mg.example.org")]
    [InlineData("https://api.eu.mailgun.net/v3/lists/pages?page=next&address=a%2Bb%40mg.example.org&limit=100", "next", "a+b@mg.example.org")]
    [InlineData("/v3/lists/pages?page=next&address=x%40y.org", "next", "x@y.org")]
    [InlineData("https://api.mailgun.net/v3/lists/pages?page=next", "next", null)]
    public void The_next_cursor_is_read_from_paging_next_s_query_only(string next, string page, string? address)
    {
        Assert.Equal((page, address), MailingListDirectory.NextCursor(next));
    }

    [Theory]
    [InlineData("https://api.mailgun.net/v3/lists/pages?address=x%40y.org")]
    [InlineData("https://api.mailgun.net/v3/lists/pages")]
    [InlineData("not a url ?")]
    public void A_next_url_without_a_page_is_not_understood(string next)
    {
        Assert.Null(MailingListDirectory.NextCursor(next));
    }

    // Rate limits and failures.

    [Fact]
    public async Task A_429_with_Retry_After_waits_that_long_and_stops_the_call()
    {
        _mailgun.Member(News, Typed, RateLimited(TimeSpan.FromSeconds(17)));

        var outcome = await RunAsync(lists: [News, Courses], domains: [Domain]);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(17), outcome.RetryAfter);
        Assert.Equal("Lists[0]: HTTP 429", outcome.Reason);
        Assert.Single(_mailgun.Requests);
    }

    [Fact]
    public async Task A_429_with_Mailguns_retry_seconds_body_waits_that_long()
    {
        _mailgun.Member(News, Typed, RateLimited(retrySeconds: 60));

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(60), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_without_a_wait_is_transient_without_one()
    {
        _mailgun.Member(News, Typed, RateLimited());

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Null(outcome.RetryAfter);
    }

    [Fact]
    public async Task A_429_on_the_listing_is_transient()
    {
        _mailgun.Server.Given(ListPages(null)).AtPriority(1).RespondWith(RateLimited(TimeSpan.FromSeconds(5)));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("listing mailing lists: HTTP 429", outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(5), outcome.RetryAfter);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_rejected_key_is_permanent(int status)
    {
        _mailgun.Everything(Error(status, "Forbidden"));

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal($"Lists[0]: HTTP {status}, API key rejected (check ApiKey and its permissions)", outcome.Reason);
    }

    [Fact]
    public async Task Another_client_error_is_permanent_and_never_quotes_Mailguns_message()
    {
        _mailgun.Member(News, Typed, Error(400, $"'{Typed}' is not a valid address"));

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("Lists[0]: HTTP 400", outcome.Reason);
    }

    [Fact]
    public async Task A_transient_answer_outweighs_a_permanent_one()
    {
        _mailgun.Member(News, Typed, Error(400, "bad"));
        _mailgun.Member(News, Lower, Error(400, "bad"));
        _mailgun.Member(Courses, Typed, Error(503, "Service Unavailable"));

        var outcome = await RunAsync(lists: [News, Courses]);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("Lists[1]: HTTP 503", outcome.Reason);
        Assert.Equal("deleted in 0 of 2 (2 mailing list(s), 0 suppression table(s))", outcome.ProviderReference);
    }

    [Fact]
    public async Task A_server_error_on_a_suppression_is_transient()
    {
        _mailgun.Suppression(Domain, "unsubscribes", Typed, Error(500, "Internal Server Error"));
        _mailgun.AccountLists([]);

        var outcome = await RunAsync(domains: [Domain]);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal($"domain {Domain} unsubscribes: HTTP 500", outcome.Reason);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_but_fails()
    {
        _mailgun.Member(News, Typed, Response.Create().WithStatusCode(302).WithHeader("Location", "/login"));

        var outcome = await RunAsync(lists: [News]);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Single(_mailgun.Requests);
    }

    [Fact]
    public async Task A_refused_connection_is_transient_and_its_reason_names_no_url()
    {
        var outcome = await RunAsync(MailgunFake.Settings(Loopback.RefusedUrl(), [News]));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.StartsWith("Lists[0]: connection failed", outcome.Reason);
    }

    [Fact]
    public async Task A_learner_without_an_email_is_permanent_and_Mailgun_is_not_asked()
    {
        var outcome = await RunAsync(_mailgun.Settings([News]), SampleRetirement.Item(SampleRetirement.Learner(email: "  ")));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("the learner has no email address", outcome.Reason);
        Assert.Empty(_mailgun.Requests);
    }

    [Fact]
    public void The_forms_of_an_address_are_the_trimmed_one_and_its_lower_case()
    {
        Assert.Equal(["Jane.Doe@Example.COM", "jane.doe@example.com"], MailgunAddress.Variants(" Jane.Doe@Example.COM "));
        Assert.Equal(["jane@example.com"], MailgunAddress.Variants("jane@example.com"));
        Assert.Empty(MailgunAddress.Variants(" "));
        Assert.Empty(MailgunAddress.Variants(null));
    }

    // Options: region, defaults, limits, validation, dry run.

    [Theory]
    [InlineData(null, "https://api.mailgun.net/")]
    [InlineData("US", "https://api.mailgun.net/")]
    [InlineData("eu", "https://api.eu.mailgun.net/")]
    [InlineData("EU", "https://api.eu.mailgun.net/")]
    public async Task The_region_picks_Mailguns_address(string? region, string expected)
    {
        var settings = _mailgun.Settings();
        settings.Remove("Deleters:Mailgun:BaseUrl");
        if (region is not null)
            settings["Deleters:Mailgun:Region"] = region;
        await using var kit = DeleterTestKit.Create(Register, settings);

        Assert.Equal(new Uri(expected), kit.Services.GetRequiredService<MailgunOptions>().EffectiveBaseUrl());
    }

    [Fact]
    public async Task BaseUrl_overrides_the_region()
    {
        var settings = _mailgun.Settings();
        settings["Deleters:Mailgun:Region"] = "EU";
        await using var kit = DeleterTestKit.Create(Register, settings);

        Assert.Equal(new Uri(_mailgun.Server.Url!), kit.Services.GetRequiredService<MailgunOptions>().EffectiveBaseUrl());
    }

    [Fact]
    public async Task Defaults_are_one_learner_per_call_and_a_conservative_pace()
    {
        await using var kit = DeleterTestKit.Create(Register, _mailgun.Settings());

        var registration = kit.Registration(MailgunRegistration.Name);
        var options = kit.Services.GetRequiredService<MailgunOptions>();
        Assert.Equal((1, 1), (registration.BatchSize, options.MaxBatchSize));
        Assert.Equal((300, TimeSpan.FromMinutes(1)), (options.RateLimit.Requests, options.RateLimit.Per));
        Assert.Equal(2, registration.MaxConcurrency);
        Assert.Equal("US", options.Region);
        Assert.Empty(options.Lists);
        Assert.Empty(options.Domains);
        Assert.False(registration.ChecksJobs);
        Assert.Equal(TimeSpan.FromMinutes(2), new MailgunOptions().Timeout);
    }

    [Fact]
    public async Task Operators_set_the_rate_limit_to_their_accounts()
    {
        var settings = _mailgun.Settings();
        settings["Deleters:Mailgun:RateLimit:Requests"] = "120";
        await using var kit = DeleterTestKit.Create(Register, settings);

        var options = kit.Registration(MailgunRegistration.Name).Options;
        Assert.Equal((120, TimeSpan.FromMinutes(1)), (options.RateLimit.Requests, options.RateLimit.Per));
    }

    public static TheoryData<string, string?, string> BadSettings => new()
    {
        // key, value (null: left out), expected message
        { "ApiKey", null, "Deleters:Mailgun: ApiKey is required" },
        { "ApiKey", "   ", "Deleters:Mailgun: ApiKey is required" },
        { "ApiKey", "s3cr3t-key\nInjected: header", "Deleters:Mailgun: ApiKey must not contain spaces or line breaks" },
        { "Region", "APAC", "Deleters:Mailgun: Region must be US or EU" },
        { "BatchSize", "2", "Deleters:Mailgun: BatchSize must be 1 (the provider takes one learner per request)" },
        { "BaseUrl", "http://mailgun-proxy.internal", "Deleters:Mailgun: BaseUrl must use https (http only for a loopback address)" },
        { "Lists:0", "news", "Deleters:Mailgun: Lists must be mailing list addresses (e.g. news@mg.example.com)" },
        { "Lists:0", "news@mg.example.org/x", "Deleters:Mailgun: Lists must be mailing list addresses (e.g. news@mg.example.com)" },
        { "Domains:0", "https://mg.example.org", "Deleters:Mailgun: Domains must be sending domain names (e.g. mg.example.com)" },
        { "Domains:0", "mg.example.org/bounces", "Deleters:Mailgun: Domains must be sending domain names (e.g. mg.example.com)" },
        { "RateLimit:Requests", "0", "Deleters:Mailgun: RateLimit:Requests must be at least 1" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_with_one_line_naming_the_key_and_never_the_key_itself(string key, string? value, string expected)
    {
        var settings = _mailgun.Settings();
        settings[$"Deleters:Mailgun:{key}"] = value;

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(Register, settings));

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain("s3cr3t", error.Message);
        Assert.DoesNotContain(ApiKey, error.Message);
    }

    public void Dispose() => _mailgun.Dispose();
}
