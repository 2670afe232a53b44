using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Braze;
using RetirementBridge.Deleters.Testing.Conformance;

namespace RetirementBridge.Deleters.Tests.Braze;

/// <summary>
/// Braze through the conformance kit. Braze accepts any external id and does not say which it found, so there is no
/// "not there" and no "one refused" scenario (both stay at the kit's default: false).
/// </summary>
public sealed class BrazeConformanceTests : DeleterConformanceTests
{
    protected override string DeleterName => BrazeRegistration.Name;

    protected override string SectionName => "Braze";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddBrazeDeleter(configuration.GetSection("Deleters:Braze"));

    protected override IDictionary<string, string?> ProviderSettings() =>
        new Dictionary<string, string?> { ["ApiKey"] = BrazeFake.ApiKey };

    private BrazeFake Fake => new(Provider);

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items) =>
        Fake.Delete(
            items.Select(item => item.Learner.LmsUserId.ToString(CultureInfo.InvariantCulture)).ToList(),
            BrazeFake.Deleted(items.Count));

    protected override void ArrangeRateLimited(TimeSpan? wait) =>
        Fake.AnyDelete(BrazeFake.RateLimited(wait is { } w ? DateTimeOffset.UtcNow + w : null));
}
