using RetirementBridge.Deleters.Testing;
using WireMock.RequestBuilders;
using static RetirementBridge.Deleters.Tests.Mailchimp.MailchimpFake;

namespace RetirementBridge.Deleters.Tests.Mailchimp;

/// <summary>With no Audiences configured, each attempt lists every audience in the account first.</summary>
public sealed class AudienceDiscoveryTests : IDisposable
{
    private readonly MailchimpFake _mailchimp = new();

    private async Task<DeletionOutcome> RunAsync() =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(
            BuiltIn.Deleters, _mailchimp.Settings(), "mailchimp", SampleRetirement.Item()));

    private IReadOnlyList<string?> ListedOffsets() =>
        _mailchimp.Requests.Where(r => r.Path == "/3.0/lists").Select(r => r.Query!["offset"].Single()).ToList();

    [Fact]
    public async Task Deletes_in_every_audience_of_the_account()
    {
        _mailchimp.AccountAudiences(["a1", "b2"]);
        _mailchimp.Member("a1", NoContent());
        _mailchimp.NotAMemberElsewhere();

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 1 of 2 audiences", outcome.ProviderReference);
        Assert.Equal([DeletePath("a1", SampleHash), DeletePath("b2", SampleHash)], _mailchimp.DeleteRequests.Select(r => r.Path));
    }

    [Fact]
    public async Task Pages_through_more_than_a_thousand_audiences()
    {
        var audiences = Enumerable.Range(0, 1001).Select(i => $"aud{i:0000}").ToList();
        _mailchimp.AccountAudiences(audiences);
        _mailchimp.NotAMemberElsewhere();
        _mailchimp.Member("aud1000", NoContent()); // only on the second page

        var outcome = await RunAsync();

        Assert.Equal(["0", "1000"], ListedOffsets());
        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal("deleted in 1 of 1001 audiences", outcome.ProviderReference);
        Assert.Equal(1001, _mailchimp.DeleteRequests.Count);
    }

    [Fact]
    public async Task An_account_without_audiences_is_gone()
    {
        _mailchimp.AccountAudiences([]);

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Empty(_mailchimp.DeleteRequests);
    }

    [Fact]
    public async Task A_list_that_changed_while_paging_is_transient()
    {
        // Says 3 audiences, shows 2: one slipped past the offsets, and skipping it would be a silent miss.
        _mailchimp.AccountAudiences(["a1", "b2"], reportedTotal: 3);
        _mailchimp.NotAMemberElsewhere();

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Empty(_mailchimp.DeleteRequests);
    }

    [Fact]
    public async Task A_listing_without_the_audience_count_is_transient_not_gone()
    {
        // A 200 "{}" (a proxy, a wrong BaseUrl) must not read as "the account has no audiences".
        _mailchimp.Server.Given(ListAudiences(offset: 0)).AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/json").WithBody("{}"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("listing audiences: unreadable answer", outcome.Reason);
        Assert.Empty(_mailchimp.DeleteRequests);
    }

    [Fact]
    public async Task Listing_answered_404_is_permanent_not_gone()
    {
        _mailchimp.Server.Given(Request.Create().UsingGet().WithPath("/3.0/lists")).AtPriority(1).RespondWith(NotFound());

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
    }

    [Fact]
    public async Task Listing_rate_limited_is_transient_with_retry_after()
    {
        _mailchimp.Server.Given(Request.Create().UsingGet().WithPath("/3.0/lists")).AtPriority(1)
            .RespondWith(Problem(429, "Too Many Requests", "Slow down.").WithHeader("Retry-After", "5"));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), outcome.RetryAfter);
    }

    public void Dispose() => _mailchimp.Dispose();
}
