using RetirementBridge.Dispatch;

namespace RetirementBridge.Tests;

/// <summary>The dispatcher's wake-up: every commit rings it, rings while it is busy coalesce into one, none is lost.</summary>
public sealed class DispatchSignalTests
{
    [Fact]
    public async Task Rings_before_a_wait_wake_it_once()
    {
        var signal = new DispatchSignal();
        signal.Ring();
        signal.Ring();
        signal.Ring();

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task A_ring_after_the_wake_up_wakes_the_next_wait()
    {
        var signal = new DispatchSignal();
        signal.Ring();
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None));

        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        signal.Ring();
        Assert.True(await waiting);
    }

    [Fact]
    public async Task Rings_from_many_threads_while_it_works_never_leave_it_asleep()
    {
        var signal = new DispatchSignal();
        for (var round = 0; round < 200; round++)
        {
            // Many committers ring at once while the dispatcher wakes and clears: the last ring of the round must
            // still be heard (a wait right after it returns at once, not after the timeout).
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(signal.Ring)).Append(signal.WaitAsync(TimeSpan.Zero, CancellationToken.None)));
            signal.Ring();
            Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None), $"round {round}: a ring was lost");
        }
    }
}
