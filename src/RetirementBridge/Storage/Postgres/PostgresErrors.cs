using Npgsql;

namespace RetirementBridge.Storage.Postgres;

/// <summary>Names a database failure for a log line or an error: the SQLSTATE or the exception's type, never a
/// message (which can quote a statement's values or the connection string).</summary>
internal static class PostgresErrors
{
    public static string Describe(Exception ex) => ex switch
    {
        PostgresException postgres => $"PostgreSQL error {postgres.SqlState}",
        NpgsqlException { InnerException: { } inner } => $"{nameof(NpgsqlException)}: {inner.GetType().Name}",
        _ => ex.GetType().Name,
    };
}
