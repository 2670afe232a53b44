using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RetirementBridge.Deleters.Amplitude;
using RetirementBridge.Deleters.Braze;
using RetirementBridge.Deleters.HubSpot;
using RetirementBridge.Deleters.Mailchimp;
using RetirementBridge.Deleters.Segment;
using RetirementBridge.Deleters.Webhook;

namespace RetirementBridge.Deleters;

public static class BuiltInDeleters
{
    /// <summary>
    /// Registers every built-in deleter whose section under <paramref name="deletersSection"/> says <c>Enabled: true</c>:
    /// <c>Amplitude</c> (stable name "amplitude"), <c>Braze</c> ("braze"), <c>HubSpot</c> ("hubspot"), <c>Mailchimp</c>
    /// ("mailchimp"), <c>Segment</c> ("segment") and <c>Webhook</c> ("webhook").
    /// </summary>
    /// <param name="deletersSection"><c>configuration.GetSection("Deleters")</c>.</param>
    /// <exception cref="DeleterConfigurationException">An enabled deleter is misconfigured (one line, naming the key).</exception>
    public static IServiceCollection AddBuiltInDeleters(this IServiceCollection services, IConfiguration deletersSection)
    {
        // The host registers TimeProvider.System itself; this lets the deleters run without the host (tests, tools).
        services.TryAddSingleton(TimeProvider.System);
        services.AddAmplitudeDeleter(deletersSection.GetSection("Amplitude"));
        services.AddBrazeDeleter(deletersSection.GetSection("Braze"));
        services.AddHubSpotDeleter(deletersSection.GetSection("HubSpot"));
        services.AddMailchimpDeleter(deletersSection.GetSection("Mailchimp"));
        services.AddSegmentDeleter(deletersSection.GetSection("Segment"));
        services.AddWebhookDeleter(deletersSection.GetSection("Webhook"));
        return services;
    }
}
