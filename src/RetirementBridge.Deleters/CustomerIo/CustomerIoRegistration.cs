using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RetirementBridge.Deleters.CustomerIo;

/// <summary>Registers the Customer.io deleter (stable name "customerio", section <c>Deleters:CustomerIo</c>). Public so
/// that tests and hosts can register it on its own; the host calls it through <c>AddBuiltInDeleters</c>.</summary>
public static class CustomerIoRegistration
{
    public const string Name = "customerio";

    /// <param name="section"><c>configuration.GetSection("Deleters:CustomerIo")</c>.</param>
    public static void AddCustomerIoDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<CustomerIoDeleter, CustomerIoOptions>(Name, section);
        if (options is null)
            return;

        services.TryAddSingleton(TimeProvider.System);
        // The Track API takes HTTP Basic with the site id as the user name and the Track API key as the password.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.SiteId}:{options.ApiKey}"));
        services.AddDeleterRefitClient<ICustomerIoTrackApi>(CustomerIoJsonContext.Default, options.EffectiveBaseUrl, options,
            new AuthenticationHeaderValue("Basic", basic));
    }
}
