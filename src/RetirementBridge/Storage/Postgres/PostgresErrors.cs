using System.Net.Sockets;

namespace RetirementBridge.Storage.Postgres;

/// <summary>Names a database failure for a log line or an error message.</summary>
internal static class PostgresErrors
{
    /// <summary>"NpgsqlException: SocketException ConnectionRefused", or "PostgreSQL error 57P01": types and codes only,
    /// never a message (Npgsql's messages can quote the host, and a server's can quote values).</summary>
    public static string Describe(Exception ex)
    {
        if (ex is Npgsql.PostgresException server)
            return $"PostgreSQL error {server.SqlState}";
        var parts = new List<string>();
        for (var current = ex; current is not null && parts.Count < 3; current = current.InnerException)
            parts.Add(current is SocketException socket ? $"SocketException {socket.SocketErrorCode}" : current.GetType().Name);
        return string.Join(": ", parts);
    }
}
