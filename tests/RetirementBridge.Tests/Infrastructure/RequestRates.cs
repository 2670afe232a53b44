using WireMock.Server;

namespace RetirementBridge.Tests.Infrastructure;

/// <summary>How fast a provider's fake saw requests.</summary>
public static class RequestRates
{
    public static List<DateTime> Times(WireMockServer fake) =>
        fake.LogEntries.Select(e => e.RequestMessage.DateTime).Order().ToList();

    /// <summary>
    /// Over the run, the fake saw requests no faster than <paramref name="limit"/> per second. Judged on the span of
    /// arrivals after the first window, not on any short window: the limiter spaces the moments requests leave (a
    /// permit comes back at most a tenth of a window early), but on a busy machine a request can take hundreds of
    /// milliseconds from there to the fake, which bunches arrivals up. The span shrinks by at most that delay, once.
    /// Without the limiter every request arrives within a fraction of a second, and this fails.
    /// </summary>
    public static void AssertHeldTo(int limit, IReadOnlyList<DateTime> times, string deleter)
    {
        var steady = times.Skip(limit).ToList();
        var permitWindows = (steady.Count - limit) / (double)limit; // windows that must pass before the last permit
        var least = TimeSpan.FromSeconds(permitWindows * 0.9 - 1.0);
        Assert.True(steady[^1] - steady[0] >= least,
            $"{deleter} sent {steady.Count} requests in {(steady[^1] - steady[0]).TotalSeconds:0.00} s, faster than {limit} per second allows " +
            $"(at least {least.TotalSeconds:0.00} s): {string.Join(", ", times.Select(t => t.ToString("ss.fff")))}");
    }

    /// <summary>The most requests that arrived within any span of <paramref name="window"/> (for reports).</summary>
    public static int MostWithin(IReadOnlyList<DateTime> times, TimeSpan window)
    {
        var most = 0;
        for (int first = 0, last = 0; last < times.Count; last++)
        {
            while (times[last] - times[first] >= window)
                first++;
            most = Math.Max(most, last - first + 1);
        }
        return most;
    }
}
