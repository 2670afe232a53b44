using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Testing;

namespace RetirementBridge.Deleters.Tests;

/// <summary>
/// The behaviours every deleter runs inside, shown on a deleter that does whatever the test scripts: what leaves a
/// call is one outcome per learner, never a missing one, never text naming a learner, never an exception.
/// </summary>
public sealed class PipelineTests
{
    private sealed class Script
    {
        public Func<EraseLearners, CancellationToken, Task<DeletionResults>> Run { get; set; } =
            (request, _) => Task.FromResult(DeletionResults.ForAll(request.Items, DeletionOutcome.Deleted()));

        public int Calls;
    }

    private sealed class ScriptedDeleter(Script script) : IRequestHandler<EraseLearners, DeletionResults>
    {
        public Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref script.Calls);
            return script.Run(request, cancellationToken);
        }
    }

    private sealed class ScriptedOptions : DeleterOptions
    {
        public override int MaxBatchSize => 10;

        public override string RequestShape => "POST /scripted/{batch}";
    }

    private static DeleterTestKit Kit(Script script, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["Deleters:Scripted:Enabled"] = "true", ["Deleters:Scripted:BatchSize"] = "10" };
        foreach (var (key, value) in settings)
            all[$"Deleters:Scripted:{key}"] = value;
        return DeleterTestKit.Create((services, configuration) =>
        {
            services.AddSingleton(script);
            services.AddDeleter<ScriptedDeleter, ScriptedOptions>("scripted", configuration.GetSection("Deleters:Scripted"));
        }, all);
    }

    [Fact]
    public async Task A_learner_given_no_outcome_is_a_transient_failure_never_erased()
    {
        var items = SampleRetirement.Batch(3);
        var script = new Script
        {
            // Forgets the second learner, and answers about a delivery it was not asked about.
            Run = (_, _) => Task.FromResult(new DeletionResults().Set(items[0], DeletionOutcome.Deleted()).Set(items[2], DeletionOutcome.Gone())
                .Set(SampleRetirement.Item(), DeletionOutcome.Deleted())),
        };
        await using var kit = Kit(script);

        var results = await kit.EraseAsync("scripted", items);

        Assert.Equal(3, results.Outcomes.Count);
        Assert.Equal(DeletionOutcomeKind.Deleted, results.For(items[0])!.Kind);
        Assert.Equal(DeletionOutcomeKind.Transient, results.For(items[1])!.Kind);
        Assert.Equal("the deleter gave no outcome for this learner", results.For(items[1])!.Reason);
        Assert.Equal(DeletionOutcomeKind.Gone, results.For(items[2])!.Kind);
    }

    [Fact]
    public async Task Text_naming_a_learner_is_withheld_before_anyone_stores_it()
    {
        var item = SampleRetirement.Item();
        var script = new Script
        {
            Run = (request, _) => Task.FromResult(DeletionResults.ForAll(request.Items,
                DeletionOutcome.Permanent($"no such user {SampleRetirement.Email.ToLowerInvariant()}", $"ref-{SampleRetirement.Username}"))),
        };
        await using var kit = Kit(script);

        var outcome = await kit.EraseAsync("scripted", item);

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Equal(OutcomeGuardBehavior<EraseLearners>.Withheld, outcome.Reason);
        Assert.Equal(OutcomeGuardBehavior<EraseLearners>.Withheld, outcome.ProviderReference);
    }

    [Fact]
    public async Task A_throwing_deleter_fails_every_learner_of_the_call_by_the_exception_type_only()
    {
        var items = SampleRetirement.Batch(2);
        var script = new Script { Run = (_, _) => throw new InvalidOperationException($"boom for {items[0].Learner.Email}") };
        await using var kit = Kit(script);

        var results = await kit.EraseAsync("scripted", items);

        Assert.All(items, item =>
        {
            Assert.Equal(DeletionOutcomeKind.Transient, results.For(item)!.Kind);
            Assert.Equal("unexpected InvalidOperationException", results.For(item)!.Reason);
        });
    }

    [Fact]
    public async Task A_call_longer_than_the_timeout_is_cancelled_and_transient()
    {
        var cancelled = false;
        var script = new Script
        {
            Run = async (_, token) =>
            {
                try { await Task.Delay(TimeSpan.FromMinutes(1), token); }
                catch (OperationCanceledException) { cancelled = true; throw; }
                return new DeletionResults();
            },
        };
        await using var kit = Kit(script, ("Timeout", "00:00:00.200"));

        var outcome = await kit.EraseAsync("scripted", SampleRetirement.Item());

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("timed out after 0.2 s", outcome.Reason);
        Assert.True(cancelled, "the deleter's token was not cancelled");
    }

    [Fact]
    public async Task The_host_stopping_is_not_an_outcome_it_propagates()
    {
        var script = new Script { Run = async (_, token) => { await Task.Delay(TimeSpan.FromMinutes(1), token); return new DeletionResults(); } };
        await using var kit = Kit(script);
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => kit.EraseAsync("scripted", SampleRetirement.Item(), stopping.Token));
    }

    [Fact]
    public async Task A_dry_run_calls_nothing_and_says_what_one_call_would_send()
    {
        var script = new Script();
        await using var kit = Kit(script, ("DryRun", "true"));

        var results = await kit.EraseAsync("scripted", SampleRetirement.Batch(4));

        Assert.Equal(0, script.Calls);
        Assert.All(results.Outcomes.Values, outcome =>
        {
            Assert.Equal(DeletionOutcomeKind.DryRun, outcome.Kind);
            Assert.Equal("dry run: would erase 4 learner(s) in one call: POST /scripted/{batch}", outcome.Reason);
            Assert.False(outcome.IsSuccess);
        });
    }
}
