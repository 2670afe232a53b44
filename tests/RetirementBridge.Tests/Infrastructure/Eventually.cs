namespace RetirementBridge.Tests.Infrastructure;

/// <summary>Waits for a condition by polling, with a generous limit. It asserts an end state, never a duration.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; last value: {last}");
            await Task.Delay(50);
            last = await probe();
        }
        return last;
    }
}
