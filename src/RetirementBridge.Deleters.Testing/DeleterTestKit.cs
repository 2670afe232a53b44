using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.Testing;

/// <summary>
/// Builds a container the way the host does (in-memory configuration, the integrator's registration) and sends one
/// request to a deleter through <see cref="DeleterPipeline"/>, the path the bridge's dispatcher takes: the same
/// behaviours (timeout, exception classification, dry run, the outcome guard), the same HTTP set-up and rate limit.
/// Keep one kit for several calls when state across calls matters (a job accepted, then checked).
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
        // Fails here, not in the first call, when the handler needs a service nobody registered.
        return new DeleterTestKit(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    /// <summary>The deleter's registration (batch size, limits, whether it checks jobs).</summary>
    public DeleterRegistration Registration(string deleterName) =>
        _services.GetServices<DeleterRegistration>().SingleOrDefault(r => r.Name == deleterName)
        ?? throw new InvalidOperationException($"No deleter named '{deleterName}' is registered: is its section's Enabled set to true?");

    /// <summary>One erase call for these learners; their outcomes, by delivery id.</summary>
    public Task<DeletionResults> EraseAsync(string deleterName, IReadOnlyList<ErasureItem> items, CancellationToken stopping = default) =>
        SendAsync(new EraseLearners(deleterName, items), stopping);

    /// <summary>One erase call for one learner; its outcome.</summary>
    public async Task<DeletionOutcome> EraseAsync(string deleterName, ErasureItem item, CancellationToken stopping = default) =>
        (await EraseAsync(deleterName, [item], stopping)).For(item)!;

    /// <summary>One job-status call for these learners (each item's ProviderReference is its job).</summary>
    public Task<DeletionResults> CheckJobsAsync(string deleterName, IReadOnlyList<ErasureItem> items, CancellationToken stopping = default) =>
        SendAsync(new CheckErasureJobs(deleterName, items), stopping);

    private async Task<DeletionResults> SendAsync<TRequest>(TRequest request, CancellationToken stopping) where TRequest : DeleterRequest
    {
        Registration(request.Deleter);
        // The dispatcher resolves the handler per call in its own scope; so does the kit.
        await using var scope = _services.CreateAsyncScope();
        return await DeleterPipeline.SendAsync(scope.ServiceProvider, request, stopping);
    }

    /// <summary>Creates a kit, erases one learner, disposes the kit.</summary>
    public static async Task<DeletionOutcome> EraseOnceAsync(
        Action<IServiceCollection, IConfiguration> register, IEnumerable<KeyValuePair<string, string?>> settings,
        string deleterName, ErasureItem item, CancellationToken stopping = default)
    {
        await using var kit = Create(register, settings);
        return await kit.EraseAsync(deleterName, item, stopping);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
