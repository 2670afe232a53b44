using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.HubSpot;
using RetirementBridge.Deleters.Testing.Conformance;

namespace RetirementBridge.Deleters.Tests.HubSpot;

/// <summary>Every scenario of the conformance kit, against HubSpot's real paths, bodies and answers.</summary>
public sealed class HubSpotConformanceTests : DeleterConformanceTests
{
    private HubSpotFake HubSpot => new(Provider);

    protected override string DeleterName => HubSpotRegistration.Name;

    protected override string SectionName => "HubSpot";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddHubSpotDeleter(configuration.GetSection("Deleters:HubSpot"));

    protected override IDictionary<string, string?> ProviderSettings() => new Dictionary<string, string?>
    {
        ["AccessToken"] = HubSpotFake.AccessToken,
    };

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
        {
            var email = item.Learner.Email.ToLowerInvariant();
            HubSpot.Contact(email);
            HubSpot.GdprDelete(email);
        }
    }

    /// <summary>The lookup answers 404; gdpr-delete is not arranged, so calling it would fail the scenario (418).</summary>
    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
            HubSpot.NoContact(item.Learner.Email.ToLowerInvariant());
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait) =>
        HubSpot.Everything(HubSpotFake.RateLimited("SECONDLY", wait));
}
