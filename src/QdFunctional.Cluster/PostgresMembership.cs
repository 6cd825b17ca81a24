namespace QdFunctional.Cluster;

using Npgsql;

/// <summary>
/// The PostgreSQL tables Orleans' ADO.NET clustering reads and writes, created by
/// <c>qd cluster setup postgres:...</c> (idempotent). ADO.NET clustering keeps its statements in a
/// table (<c>orleansquery</c>), keyed by name, with named parameters (@DeploymentId, @Address,
/// @Port, @Generation, ...) and result columns it reads by name. The statements here are our
/// own, written against that contract: a version row per cluster that every change bumps
/// (optimistic concurrency), and one row per silo.
/// </summary>
public static class PostgresMembership
{
    const string Tables = """
        CREATE TABLE IF NOT EXISTS orleansquery (
            querykey varchar(64) PRIMARY KEY,
            querytext text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS orleansmembershipversiontable (
            deploymentid varchar(150) PRIMARY KEY,
            timestamp timestamptz NOT NULL DEFAULT now(),
            version integer NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS orleansmembershiptable (
            deploymentid varchar(150) NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
            address varchar(45) NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            siloname varchar(150) NOT NULL,
            hostname varchar(150) NOT NULL,
            status integer NOT NULL,
            proxyport integer NULL,
            suspecttimes varchar(8000) NULL,
            starttime timestamptz NOT NULL,
            iamalivetime timestamptz NOT NULL,
            PRIMARY KEY (deploymentid, address, port, generation)
        );
        """;

    /// <summary>The statements by key. Inserts and updates succeed (answer 1) only when the caller saw the current version.</summary>
    static readonly (string Key, string Text)[] Queries =
    [
        (
            "InsertMembershipVersionKey",
            """
            WITH added AS (
                INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
                ON CONFLICT (deploymentid) DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM added;
            """
        ),
        (
            "InsertMembershipKey",
            """
            WITH bumped AS (
                UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now()
                WHERE deploymentid = @DeploymentId AND version = @Version
                  AND NOT EXISTS (SELECT 1 FROM orleansmembershiptable
                                  WHERE deploymentid = @DeploymentId AND address = @Address
                                    AND port = @Port AND generation = @Generation)
                RETURNING deploymentid),
            added AS (
                INSERT INTO orleansmembershiptable
                    (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
                SELECT deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
                FROM bumped
                RETURNING 1)
            SELECT count(*)::int FROM added;
            """
        ),
        (
            "UpdateMembershipKey",
            """
            WITH bumped AS (
                UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now()
                WHERE deploymentid = @DeploymentId AND version = @Version
                RETURNING deploymentid),
            changed AS (
                UPDATE orleansmembershiptable m
                SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
                FROM bumped
                WHERE m.deploymentid = bumped.deploymentid AND m.address = @Address
                  AND m.port = @Port AND m.generation = @Generation
                RETURNING 1)
            SELECT count(*)::int FROM changed;
            """
        ),
        (
            "UpdateIAmAlivetimeKey",
            """
            UPDATE orleansmembershiptable SET iamalivetime = @IAmAliveTime
            WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
            """
        ),
        (
            "MembershipReadRowKey",
            """
            SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
                   m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
            FROM orleansmembershipversiontable v
            LEFT JOIN orleansmembershiptable m
              ON m.deploymentid = v.deploymentid AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            WHERE v.deploymentid = @DeploymentId;
            """
        ),
        (
            "MembershipReadAllKey",
            """
            SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
                   m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
            FROM orleansmembershipversiontable v
            LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
            WHERE v.deploymentid = @DeploymentId;
            """
        ),
        (
            "DeleteMembershipTableEntriesKey",
            """
            DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
            DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
            """
        ),
        (
            "GatewaysQueryKey",
            """
            SELECT address, proxyport, generation FROM orleansmembershiptable
            WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;
            """
        ),
        (
            "CleanupDefunctSiloEntriesKey",
            """
            DELETE FROM orleansmembershiptable
            WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status <> 3;
            """
        ),
        (
            "CleanupDefunctSiloEntryKey",
            """
            DELETE FROM orleansmembershiptable
            WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
            """
        ),
    ];

    /// <summary>Creates the tables and (re)writes the statements; safe to run again.</summary>
    public static async Task Setup(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using (var create = new NpgsqlCommand(Tables, db))
            await create.ExecuteNonQueryAsync();
        foreach (var (key, text) in Queries)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO orleansquery (querykey, querytext) VALUES ($1, $2) ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext",
                db
            );
            upsert.Parameters.AddWithValue(key);
            upsert.Parameters.AddWithValue(text);
            await upsert.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Forgets every member of the cluster <paramref name="clusterId"/> (after one shut down uncleanly): the next worker starts a new table version.</summary>
    public static async Task Forget(string connectionString, string clusterId)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        foreach (var table in new[] { "orleansmembershiptable", "orleansmembershipversiontable" })
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE deploymentid = $1", db);
            delete.Parameters.AddWithValue(clusterId);
            await delete.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The silos of cluster <paramref name="clusterId"/> the table lists as active (status 3), as address:port.</summary>
    public static async Task<IReadOnlyList<string>> ActiveMembers(string connectionString, string clusterId)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var read = new NpgsqlCommand(
            "SELECT address, port FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3 ORDER BY port",
            db
        );
        read.Parameters.AddWithValue(clusterId);
        var members = new List<string>();
        await using var rows = await read.ExecuteReaderAsync();
        while (await rows.ReadAsync())
            members.Add($"{rows.GetString(0)}:{rows.GetInt32(1)}");
        return members;
    }
}
