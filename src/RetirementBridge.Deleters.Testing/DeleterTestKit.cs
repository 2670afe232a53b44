using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.Testing;

/// <summary>
/// Builds a container the way the host does (in-memory configuration, the integrator's registration) and runs one
/// attempt of a deleter through <see cref="DeleterInvoker"/>, the same path the bridge's dispatcher takes: same
/// timeout, same exception classification. Keep one kit for several attempts when state across attempts matters.
/// </summary>
public sealed class DeleterTestKit : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private DeleterTestKit(ServiceProvider services) => _services = services;

    /// <summary>The built container, e.g. to resolve options or a fake clock the registration added.</summary>
    public IServiceProvider Services => _services;

    /// <param name="register">The registration the host would call, e.g.
    /// <c>(services, configuration) =&gt; services.AddBuiltInDeleters(configuration.GetSection("Deleters"))</c>.</param>
    /// <param name="settings">Configuration keys and values, e.g. <c>["Deleters:Mailchimp:Enabled"] = "true"</c>.</param>
    /// <exception cref="DeleterConfigurationException">The registration refused the configuration.</exception>
    public static DeleterTestKit Create(
        Action<IServiceCollection, IConfiguration> register, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        register(services, configuration);
        // Fails here, not in the first attempt, when the handler needs a service nobody registered.
        return new DeleterTestKit(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    /// <summary>Creates a kit, runs one attempt and disposes the kit.</summary>
    public static async Task<DeletionOutcome> RunOnceAsync(
        Action<IServiceCollection, IConfiguration> register,
        IEnumerable<KeyValuePair<string, string?>> settings,
        string deleterName,
        UserRetired notification,
        CancellationToken stopping = default)
    {
        await using var kit = Create(register, settings);
        return await kit.RunAsync(deleterName, notification, stopping);
    }

    /// <summary>
    /// Runs one attempt of the deleter registered under <paramref name="deleterName"/>, within its configured
    /// Timeout, and returns its outcome (also left on <paramref name="notification"/>.Outcome when reported).
    /// </summary>
    public async Task<DeletionOutcome> RunAsync(string deleterName, UserRetired notification, CancellationToken stopping = default)
    {
        var registration = _services.GetServices<DeleterRegistration>().SingleOrDefault(r => r.Name == deleterName)
            ?? throw new InvalidOperationException(
                $"No deleter named '{deleterName}' is registered: is its section's Enabled set to true?");

        // The dispatcher resolves one handler per attempt in its own scope; so does the kit.
        await using var scope = _services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredKeyedService<INotificationHandler<UserRetired>>(deleterName);
        return await DeleterInvoker.InvokeAsync(handler, notification, registration.Timeout, stopping);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
