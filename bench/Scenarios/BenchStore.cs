using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Scenarios;

/// <summary>
/// The store one scenario's bridges share (a SQLite file in the run's folder, or a fresh PostgreSQL database), and
/// read-only looks into it: the bridge's own tables say what was recorded and when each delivery finished.
/// </summary>
internal sealed class BenchStore
{
    private readonly string _connectionString;

    private BenchStore(bool postgres, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        OnPostgres = postgres;
        _connectionString = connectionString;
        Settings = settings;
    }

    public bool OnPostgres { get; }

    /// <summary>The bridge's store settings.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public static async Task<BenchStore> CreateAsync(ScenarioOptions options, string directory, CancellationToken cancellationToken)
    {
        if (!options.OnPostgres)
        {
            var path = Path.Combine(directory, "bridge.db");
            return new BenchStore(false, $"Data Source={path};Pooling=False",
                new Dictionary<string, string> { ["Store:Sqlite:Path"] = path });
        }
        // A fresh database per store, so runs never see each other's rows.
        var name = $"bench_{Guid.NewGuid():N}";
        var server = $"Host=127.0.0.1;Port={options.PostgresPort};Username=postgres";
        await using (var connection = new NpgsqlConnection(server + ";Database=postgres"))
        {
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
            {
                throw new BenchFailure($"no PostgreSQL at 127.0.0.1:{options.PostgresPort} ({ex.GetType().Name}); start one with bench/postgres.sh");
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var connectionString = $"{server};Database={name}";
        return new BenchStore(true, connectionString, new Dictionary<string, string>
        {
            ["Store:Provider"] = "Postgres",
            ["Store:Postgres:ConnectionString"] = connectionString,
        });
    }

    public async Task<long> CountAsync(string sql, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(sql, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> and hands each row to <paramref name="row"/>.</summary>
    public async Task ReadAsync(string sql, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            row(reader);
    }

    /// <summary>Runs statements in one transaction (the growth scenario's prefill), with no time limit of its own.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private DbConnection Open() => OnPostgres ? new NpgsqlConnection(_connectionString) : new SqliteConnection(_connectionString);
}
