using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Klaviyo;
using RetirementBridge.Deleters.Testing.Conformance;

namespace RetirementBridge.Deleters.Tests.Klaviyo;

/// <summary>
/// Every scenario of the conformance kit, against Klaviyo's real path, headers, body and answers. Klaviyo answers
/// 202 whether or not it has a profile with the address, and takes one address per request, so there is no "not
/// there" and no "one refused in a batch" scenario (both stay at the kit's default: false).
/// </summary>
public sealed class KlaviyoConformanceTests : DeleterConformanceTests
{
    private KlaviyoFake Klaviyo => new(Provider);

    protected override string DeleterName => KlaviyoRegistration.Name;

    protected override string SectionName => "Klaviyo";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddKlaviyoDeleter(configuration.GetSection("Deleters:Klaviyo"));

    protected override IDictionary<string, string?> ProviderSettings() =>
        new Dictionary<string, string?> { ["ApiKey"] = KlaviyoFake.ApiKey };

    /// <summary>The sample addresses are mixed case: a request as given, and one lower-cased.</summary>
    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
        {
            Klaviyo.Deletion(item.Learner.Email);
            Klaviyo.Deletion(item.Learner.Email.ToLowerInvariant());
        }
    }

    protected override void ArrangeRateLimited(TimeSpan? wait) => Klaviyo.AnyDeletion(KlaviyoFake.Throttled(wait));
}
