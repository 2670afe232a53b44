using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Mailgun;
using RetirementBridge.Deleters.Testing.Conformance;
using WireMock.RequestBuilders;
using static RetirementBridge.Deleters.Tests.Mailgun.MailgunFake;

namespace RetirementBridge.Deleters.Tests.Mailgun;

/// <summary>
/// The conformance kit against Mailgun's real paths, Basic auth and bodies, with no Lists configured (each call lists
/// the account's mailing lists first) and one sending domain whose suppressions are erased too.
/// </summary>
public class MailgunConformanceTests : DeleterConformanceTests
{
    /// <summary>The account's mailing lists, in both set-ups.</summary>
    protected static readonly string[] AccountLists = [News, Courses];

    private MailgunFake Mailgun => new(Provider);

    protected virtual string[] Domains => [Domain];

    protected override string DeleterName => MailgunRegistration.Name;

    protected override string SectionName => "Mailgun";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddMailgunDeleter(configuration.GetSection("Deleters:Mailgun"));

    protected override IDictionary<string, string?> ProviderSettings()
    {
        var settings = new Dictionary<string, string?> { ["ApiKey"] = ApiKey };
        for (var i = 0; i < Domains.Length; i++)
            settings[$"Domains:{i}"] = Domains[i];
        return settings;
    }

    /// <summary>What Mailgun answers before the removals: here, the account's lists (the listing shows they exist).</summary>
    protected virtual void ArrangeLists() => Mailgun.AccountLists(AccountLists);

    /// <summary>What Mailgun answers to the existence checks that follow a 404.</summary>
    protected virtual void ArrangeExistence()
    {
        foreach (var domain in Domains)
            Mailgun.DomainExists(domain);
    }

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        ArrangeLists();
        foreach (var item in items)
            Mailgun.Everywhere(MailgunAddress.Variants(item.Learner.Email), AccountLists, Domains);
    }

    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        ArrangeLists();
        ArrangeExistence();
        foreach (var item in items)
            Mailgun.Nowhere(MailgunAddress.Variants(item.Learner.Email), AccountLists, Domains);
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait)
    {
        ArrangeLists();
        Provider.Given(Request.Create().UsingDelete().WithPath(new WireMock.Matchers.RegexMatcher("^/v3/lists/[^/]+/members/[^/]+$")))
            .RespondWith(RateLimited(wait));
    }
}

/// <summary>The same scenarios with Lists configured and no domains: no listing, and a 404 is checked against the list.</summary>
public sealed class MailgunConfiguredListsConformanceTests : MailgunConformanceTests
{
    protected override string[] Domains => [];

    protected override IDictionary<string, string?> ProviderSettings()
    {
        var settings = base.ProviderSettings();
        for (var i = 0; i < AccountLists.Length; i++)
            settings[$"Lists:{i}"] = AccountLists[i];
        return settings;
    }

    protected override void ArrangeLists()
    {
        // configured: nothing is listed
    }

    /// <summary>Each configured list exists (<c>GET /v3/lists/{list}</c>): asked only after a 404.</summary>
    protected override void ArrangeExistence()
    {
        foreach (var list in AccountLists)
            new MailgunFake(Provider).ListExists(list);
    }
}
