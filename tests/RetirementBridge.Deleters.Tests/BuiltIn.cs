using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.Tests;

/// <summary>The registration exactly as the host calls it.</summary>
internal static class BuiltIn
{
    public static readonly Action<IServiceCollection, IConfiguration> Deleters =
        (services, configuration) => services.AddBuiltInDeleters(configuration.GetSection("Deleters"));
}
