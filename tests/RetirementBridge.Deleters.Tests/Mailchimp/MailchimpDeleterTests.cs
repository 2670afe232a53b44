using System.Text;
using RetirementBridge.Deleters.Mailchimp;
using RetirementBridge.Deleters.Testing;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Mailchimp.MailchimpFake;

namespace RetirementBridge.Deleters.Tests.Mailchimp;

public sealed class MailchimpDeleterTests : IDisposable
{
    private readonly MailchimpFake _mailchimp = new();

    private async Task<DeletionOutcome> RunAsync(Dictionary<string, string?> settings) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(
            BuiltIn.Deleters, settings, "mailchimp", SampleRetirement.Item()));

    [Fact]
    public void Subscriber_hash_is_the_md5_of_the_lower_cased_email()
    {
        // The example in Mailchimp's documentation ("urist.mcvankab@freddiesjokes.com"), typed in mixed case.
        Assert.Equal("62eeb292278cc15f5817cb78f7790b08", SubscriberHash.Of("Urist.McVankab@FreddiesJokes.com"));
        Assert.Equal(SampleHash, SubscriberHash.Of(SampleRetirement.Email));
    }

    [Fact]
    public async Task Deletes_permanently_in_every_configured_audience_with_the_key_as_basic_password()
    {
        _mailchimp.Member("a1", NoContent());
        _mailchimp.Member("b2", NoContent());
        _mailchimp.Member("c3", NoContent());

        var outcome = await RunAsync(_mailchimp.Settings("a1", "b2", "c3"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 3 of 3 audiences", outcome.ProviderReference);
        Assert.Equal(
            [DeletePath("a1", SampleHash), DeletePath("b2", SampleHash), DeletePath("c3", SampleHash)],
            _mailchimp.Requests.Select(r => r.Path));
        Assert.All(_mailchimp.Requests, request =>
        {
            Assert.Equal("POST", request.Method);
            var authorization = request.Headers!["Authorization"].Single();
            Assert.StartsWith("Basic ", authorization);
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            Assert.Equal(ApiKey, credentials[(credentials.IndexOf(':') + 1)..]);
        });
    }

    [Fact]
    public async Task Not_a_member_of_any_audience_is_gone()
    {
        _mailchimp.NotAMemberElsewhere();
        _mailchimp.AudiencesExist("a1", "b2");

        var outcome = await RunAsync(_mailchimp.Settings("a1", "b2"));

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Equal("not in any of 2 audiences", outcome.ProviderReference);
        Assert.Equal(2, _mailchimp.DeleteRequests.Count);
    }

    [Fact]
    public async Task Member_of_some_audiences_is_deleted_and_counted()
    {
        _mailchimp.Member("a1", NoContent());
        _mailchimp.NotAMemberElsewhere();
        _mailchimp.Member("c3", NoContent());
        _mailchimp.AudiencesExist("a1", "b2", "c3");

        var outcome = await RunAsync(_mailchimp.Settings("a1", "b2", "c3"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 2 of 3 audiences", outcome.ProviderReference);
    }

    [Fact]
    public async Task A_configured_audience_that_does_not_exist_is_permanent_not_gone()
    {
        // Mailchimp answers the same 404 for a missing member and a missing audience.
        _mailchimp.NotAMemberElsewhere();
        _mailchimp.Server.Given(WireMock.RequestBuilders.Request.Create().UsingGet().WithPath("/3.0/lists/typo1"))
            .AtPriority(1).RespondWith(NotFound());

        var outcome = await RunAsync(_mailchimp.Settings("typo1"));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Contains("audience typo1 does not exist", outcome.Reason);
    }

    [Fact]
    public async Task Too_many_requests_is_transient_and_honours_retry_after()
    {
        _mailchimp.Member("a1", Problem(429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.")
            .WithHeader("Retry-After", "17"));

        var outcome = await RunAsync(_mailchimp.Settings("a1"));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(17), outcome.RetryAfter);
        Assert.Equal("audience a1: HTTP 429", outcome.Reason);
    }

    [Fact]
    public async Task Server_error_is_transient()
    {
        _mailchimp.Member("a1", Problem(500, "Internal Server Error", "An unexpected internal error has occurred."));

        var outcome = await RunAsync(_mailchimp.Settings("a1"));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("audience a1: HTTP 500", outcome.Reason);
        Assert.Null(outcome.RetryAfter);
    }

    [Fact]
    public async Task A_transient_answer_outweighs_a_permanent_one()
    {
        _mailchimp.Member("a1", Problem(400, "Invalid Resource", "The resource submitted could not be validated."));
        _mailchimp.Member("b2", Problem(503, "Service Unavailable", "Try again later."));

        var outcome = await RunAsync(_mailchimp.Settings("a1", "b2"));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("audience b2: HTTP 503", outcome.Reason);
    }

    [Fact]
    public async Task A_delete_answered_200_instead_of_204_is_not_an_erasure()
    {
        // Mailchimp answers delete-permanent with 204; a 200 page is someone else's (a proxy, a maintenance page).
        _mailchimp.Member("a1", WireMock.ResponseBuilders.Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "text/html").WithBody("<html><body>Maintenance</body></html>"));

        var outcome = await RunAsync(_mailchimp.Settings("a1"));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("audience a1: unexpected answer (HTTP 200, not 204)", outcome.Reason);
    }

    [Fact]
    public async Task Every_request_counts_against_the_rate_limit_refit_client_included()
    {
        // One request per hour: the first delete goes out, the second waits for a permit until the call times out.
        _mailchimp.Member("a1", NoContent());
        _mailchimp.Member("b2", NoContent());
        var settings = _mailchimp.Settings("a1", "b2");
        settings["Deleters:Mailchimp:RateLimit:Requests"] = "1";
        settings["Deleters:Mailchimp:RateLimit:Per"] = "01:00:00";
        settings["Deleters:Mailchimp:Timeout"] = "00:00:02";
        // A process's first request to WireMock can take seconds: not inside the 2 s this test gives the call.
        using (var http = new HttpClient())
            (await http.GetAsync(_mailchimp.Server.Url + "/warm-up")).Dispose();

        var outcome = await RunAsync(settings);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("timed out", outcome.Reason);
        Assert.Single(_mailchimp.DeleteRequests);
    }

    [Fact]
    public async Task Rejected_api_key_is_permanent()
    {
        _mailchimp.Member("a1", Problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong datacenter."));

        var outcome = await RunAsync(_mailchimp.Settings("a1"));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("API key rejected (HTTP 401)", outcome.Reason);
    }

    [Fact]
    public async Task Other_client_error_is_permanent_with_the_problem_title_but_never_its_detail()
    {
        _mailchimp.Member("a1", Problem(400, "Invalid Resource", $"{SampleRetirement.Email.ToLowerInvariant()} looks fake or invalid."));

        var outcome = await RunAsync(_mailchimp.Settings("a1"));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("audience a1: HTTP 400 Invalid Resource", outcome.Reason);
    }

    [Fact]
    public async Task A_problem_title_that_names_the_learner_is_left_out()
    {
        _mailchimp.Member("a1", Problem(400, $"Member {SampleRetirement.Email} is locked", "locked"));

        var outcome = await RunAsync(_mailchimp.Settings("a1"));

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal("audience a1: HTTP 400", outcome.Reason);
    }

    [Fact]
    public async Task Refused_connection_is_transient()
    {
        var outcome = await RunAsync(MailchimpFake.Settings(Loopback.RefusedUrl(), "a1"));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("connection failed", outcome.Reason);
    }

    [Fact]
    public async Task Provider_slower_than_the_timeout_is_transient()
    {
        _mailchimp.Member("a1", NoContent().WithDelay(TimeSpan.FromSeconds(30)));
        var settings = _mailchimp.Settings("a1");
        settings["Deleters:Mailchimp:Timeout"] = "00:00:00.300";

        var outcome = await RunAsync(settings);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("timed out", outcome.Reason);
    }

    [Fact]
    public async Task A_learner_without_an_email_is_permanent_rather_than_gone()
    {
        _mailchimp.NotAMemberElsewhere();
        var notification = SampleRetirement.Item(SampleRetirement.Learner(email: ""));

        var outcome = await DeleterTestKit.EraseOnceAsync(BuiltIn.Deleters, _mailchimp.Settings("a1"), "mailchimp", notification);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Empty(_mailchimp.Requests);
    }

    public void Dispose() => _mailchimp.Dispose();
}
