namespace RetirementBridge.Storage;

/// <summary>Ids and times as every store writes them, so the stores agree on order and on exact comparisons.</summary>
internal static class StoreValues
{
    /// <summary>Time-ordered ids (UUID v7) with a prefix (ret_, dlv_), so keyset pagination by id is pagination by arrival.</summary>
    public static string NewId(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";

    /// <summary>Times are stored as Unix milliseconds: exact and cheap to compare in SQL.</summary>
    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static long NowMs() => Ms(DateTimeOffset.UtcNow);

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(object? value) => value is DBNull or null ? null : Time(Convert.ToInt64(value));
}
