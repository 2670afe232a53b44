using System.Globalization;

namespace RetirementBridge.Hosting;

/// <summary>Times in log lines: ISO 8601 in UTC with a Z, whatever the culture or the value's offset.</summary>
internal static class LogTime
{
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
