using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Salesforce;
using RetirementBridge.Deleters.Testing.Conformance;
using static RetirementBridge.Deleters.Tests.Salesforce.SalesforceFake;

namespace RetirementBridge.Deleters.Tests.Salesforce;

/// <summary>
/// The conformance kit against Salesforce's real paths and bodies: a client credentials token, one Lead and one
/// Contact query for the batch, one sObject Collections delete. Each learner has a Lead and a Contact, stored with the
/// address lower-cased (the sample addresses are mixed case).
/// </summary>
/// <remarks>
/// Salesforce never answers 429: a used-up daily allocation is 403 REQUEST_LIMIT_EXCEEDED, with no word on how long to
/// wait. The kit's "429 with a wait" scenario is arranged as that 403 with a Retry-After header, which the deleter
/// honours when present; without one it waits an hour.
/// </remarks>
public sealed class SalesforceConformanceTests : DeleterConformanceTests
{
    protected override string DeleterName => SalesforceRegistration.Name;

    protected override string SectionName => "Salesforce";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddSalesforceDeleter(configuration.GetSection("Deleters:Salesforce"));

    protected override IDictionary<string, string?> ProviderSettings() => new Dictionary<string, string?>
    {
        ["ClientId"] = ClientId,
        ["ClientSecret"] = ClientSecret,
    };

    private SalesforceFake Fake => new(Provider);

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items) => ArrangeFound(items, bad: null);

    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        Fake.Token();
        Fake.Query("Lead", ValuesFor(items), NoRecords());
        Fake.Query("Contact", ValuesFor(items), NoRecords());
        // No delete is arranged: one would answer 418 and fail the scenario.
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait)
    {
        Fake.Token();
        var quota = QuotaExceeded();
        if (wait is { } delay)
            quota = quota.WithHeader("Retry-After", $"{delay.TotalSeconds:0}");
        Fake.AnyQuery(quota);
    }

    protected override bool ArrangeOneRefused(IReadOnlyList<ErasureItem> items, ErasureItem bad)
    {
        ArrangeFound(items, bad);
        return true;
    }

    /// <summary>Each learner has one Lead and one Contact; all are deleted but <paramref name="bad"/>'s Contact.</summary>
    private void ArrangeFound(IReadOnlyList<ErasureItem> items, ErasureItem? bad)
    {
        Fake.Token();
        Fake.Query("Lead", ValuesFor(items),
            Records("Lead", items.Select(i => (LeadId(i.Learner.LmsUserId), i.Learner.Email.ToLowerInvariant())).ToArray()));
        Fake.Query("Contact", ValuesFor(items),
            Records("Contact", items.Select(i => (ContactId(i.Learner.LmsUserId), i.Learner.Email.ToLowerInvariant())).ToArray()));
        var records = items.SelectMany(i => new[] { LeadId(i.Learner.LmsUserId), ContactId(i.Learner.LmsUserId) })
            .ToDictionary(id => id, id => bad is not null && id == ContactId(bad.Learner.LmsUserId) ? "DELETE_FAILED" : null);
        Fake.DeleteRecords(records);
    }
}
