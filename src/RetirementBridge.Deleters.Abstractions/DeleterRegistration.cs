using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RetirementBridge.Deleters;

/// <summary>An enabled deleter, as the dispatcher knows it: its stable name, its shape and its limits.</summary>
public sealed class DeleterRegistration
{
    internal DeleterRegistration(string name, Type handlerType, DeleterOptions options, bool checksJobs)
    {
        Name = name;
        HandlerType = handlerType;
        Options = options;
        ChecksJobs = checksJobs;
    }

    /// <summary>The stable name stored with every delivery: lower case, never renamed once used.</summary>
    public string Name { get; }

    public Type HandlerType { get; }

    /// <summary>The deleter's bound options (provider defaults overridden by <c>Deleters:{Name}</c>).</summary>
    public DeleterOptions Options { get; }

    /// <summary>True when the deleter handles <see cref="CheckErasureJobs"/> (an asynchronous provider).</summary>
    public bool ChecksJobs { get; }

    public int BatchSize => Options.BatchSize;

    public int MaxConcurrency => Options.MaxConcurrency;

    public TimeSpan Timeout => Options.Timeout;

    public bool DryRun => Options.DryRun;

    public string RequestShape => Options.RequestShape;
}

/// <summary>A <c>Deleters:{Name}</c> section some registered deleter reads, enabled or not. The host warns about a
/// section no deleter reads: a misspelt name would otherwise leave an operator believing a deleter runs.</summary>
public sealed record DeleterSection(string Path);

/// <summary>Thrown at start-up when an enabled deleter's configuration is wrong. The message is one line, no secrets.</summary>
public sealed class DeleterConfigurationException(string message) : Exception(message);

public static class DeleterServiceCollectionExtensions
{
    /// <summary>
    /// Registers a deleter if its configuration section says <c>Enabled: true</c>. Binds and validates
    /// <typeparamref name="TOptions"/> from the section (failing start-up with one clear line when it is wrong), makes
    /// the options injectable, registers the handler under its stable <paramref name="name"/> (for
    /// <see cref="CheckErasureJobs"/> too when it handles those), and the pipeline and HTTP set-up every deleter shares.
    /// Returns the options when the deleter is enabled (so the caller can register its HTTP client), else null.
    /// </summary>
    /// <param name="name">The stable name stored with every delivery: lower case, never renamed once used.</param>
    public static TOptions? AddDeleter<THandler, TOptions>(this IServiceCollection services, string name, IConfigurationSection section)
        where THandler : class, IRequestHandler<EraseLearners, DeletionResults>
        where TOptions : DeleterOptions, new()
    {
        if (string.IsNullOrWhiteSpace(name) || name != name.ToLowerInvariant() || name.Any(char.IsWhiteSpace))
            throw new ArgumentException("A deleter name is lower case with no spaces.", nameof(name));

        services.AddSingleton(new DeleterSection(section.Path));
        var options = new TOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new DeleterConfigurationException(ConfigurationBinding.Describe(section.Path, ex));
        }

        if (!options.Enabled)
            return null;

        var problems = options.Validate().ToList();
        if (problems.Count > 0)
            throw new DeleterConfigurationException($"{section.Path}: {string.Join("; ", problems)}");

        var checksJobs = typeof(IRequestHandler<CheckErasureJobs, DeletionResults>).IsAssignableFrom(typeof(THandler));
        services.AddSingleton(options);
        services.AddSingleton(new DeleterRegistration(name, typeof(THandler), options, checksJobs));
        services.AddKeyedTransient<IRequestHandler<EraseLearners, DeletionResults>, THandler>(name);
        if (checksJobs)
            services.AddKeyedTransient(typeof(IRequestHandler<CheckErasureJobs, DeletionResults>), name, typeof(THandler));
        services.AddDeleterPipeline();
        return options;
    }

    /// <summary>
    /// What every deleter shares, registered once: the pipeline behaviours (outermost first) for both requests, and
    /// the HTTP set-up of every client the factory builds (no URL logging, no redirects, the deleter's rate limit).
    /// </summary>
    public static IServiceCollection AddDeleterPipeline(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(DeleterPipelineMarker)))
            return services;
        services.AddSingleton<DeleterPipelineMarker>();
        AddBehaviours<EraseLearners>(services);
        AddBehaviours<CheckErasureJobs>(services);
        services.TryAddSingleton(TimeProvider.System);
        // One process keeps each deleter's request budget in memory; a host whose replicas share a store registers
        // its own IDeleterRateLimits, which this leaves in place.
        services.TryAddSingleton<IDeleterRateLimits, ProcessRateLimits>();
        services.AddTransient<DeleterHttpHandler>();
        services.ConfigureHttpClientDefaults(client => client.ConfigureForDeleter().AddHttpMessageHandler<DeleterHttpHandler>());
        return services;
    }

    private static void AddBehaviours<TRequest>(IServiceCollection services) where TRequest : DeleterRequest
    {
        services.AddTransient<IPipelineBehavior<TRequest, DeletionResults>, OutcomeGuardBehavior<TRequest>>();
        services.AddTransient<IPipelineBehavior<TRequest, DeletionResults>, DryRunBehavior<TRequest>>();
        services.AddTransient<IPipelineBehavior<TRequest, DeletionResults>, FailureClassificationBehavior<TRequest>>();
        services.AddTransient<IPipelineBehavior<TRequest, DeletionResults>, TimeoutBehavior<TRequest>>();
    }

    private sealed class DeleterPipelineMarker;
}
