// etcdctl's data commands print exactly what they print against etcd 3.4: every test runs the
// same commands against both servers (in order, so revisions advance alike) and compares.
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

[Collection("parity")]
public sealed class KvParityTests(ParityServers servers) : IClassFixture<ParityServers>
{
    [Fact]
    public async Task Put_and_get_in_every_output_format()
    {
        await servers.SameAsync(["put", "/kv/a", "1"]);
        await servers.SameAsync(["put", "/kv/b", "2"]);
        await servers.SameAsync(["put", "/kv/c", "3"]);
        await servers.SameAsync(["put", "/kv/a", "10"]);
        await servers.SameAsync(["put", "/kv/a", "11", "--prev-kv"]);
        foreach (var format in new[] { "simple", "json", "fields", "table" })
        {
            await servers.SameAsync(["get", "/kv/a", "-w", format]);
            await servers.SameAsync(["get", "/kv/", "--prefix", "-w", format]);
        }
        await servers.SameAsync(["get", "/kv/missing", "-w", "json"]);
        await servers.SameAsync(["get", "/kv/missing"]);
    }

    [Fact]
    public async Task Get_options_select_sort_and_limit_like_etcd()
    {
        for (var i = 0; i < 6; i++)
            await servers.SameAsync(["put", $"/opt/{(char)('f' - i)}", $"value-{i}"]);
        await servers.SameAsync(["get", "/opt/", "--prefix", "--keys-only"]);
        await servers.SameAsync(["get", "/opt/", "--prefix", "--limit", "2", "-w", "json"]);
        await servers.SameAsync(["get", "/opt/", "--prefix", "--count-only", "-w", "json"]);
        await servers.SameAsync(["get", "/opt/c", "--from-key"]);
        await servers.SameAsync(["get", "/opt/", "--prefix", "--sort-by", "MODIFY", "--order", "DESCEND"]);
        await servers.SameAsync(["get", "/opt/", "--prefix", "--sort-by", "VALUE", "--order", "ASCEND"]);
        await servers.SameAsync(["get", "/opt/", "--prefix", "--sort-by", "CREATE", "--order", "DESCEND", "--limit", "3"]);
        await servers.SameAsync(["get", "/opt/a", "/opt/d"]);
        await servers.SameAsync(["get", "/opt/", "--prefix", "--print-value-only"]);
    }

    [Fact]
    public async Task Historical_reads_and_compaction_behave_like_etcd()
    {
        await servers.SameAsync(["put", "/hist/k", "v1"]);
        var (fastkv, _) = await servers.SameAsync(["get", "/hist/k", "-w", "json"]);
        var rev = System.Text.Json.JsonDocument.Parse(fastkv.Stdout).RootElement.GetProperty("header").GetProperty("revision").GetInt64();
        await servers.SameAsync(["put", "/hist/k", "v2"]);
        await servers.SameAsync(["put", "/hist/k", "v3"]);
        await servers.SameAsync(["get", "/hist/k", "--rev", rev.ToString()]);
        await servers.SameAsync(["get", "/hist/k", "--rev", (rev + 1).ToString(), "-w", "json"]);
        await servers.SameAsync(["get", "/hist/k", "--rev", "100000"]);
        await servers.SameAsync(["compaction", (rev + 1).ToString()]);
        await servers.SameAsync(["get", "/hist/k", "--rev", rev.ToString()]);
        await servers.SameAsync(["compaction", rev.ToString()]);
        await servers.SameAsync(["get", "/hist/k", "--rev", (rev + 1).ToString()]);
    }

    [Fact]
    public async Task Delete_with_prefix_and_prev_kv_like_etcd()
    {
        await servers.SameAsync(["put", "/del/a", "1"]);
        await servers.SameAsync(["put", "/del/b", "2"]);
        await servers.SameAsync(["put", "/del/c", "3"]);
        await servers.SameAsync(["del", "/del/a"]);
        await servers.SameAsync(["del", "/del/a"]);
        await servers.SameAsync(["del", "/del/", "--prefix", "--prev-kv"]);
        await servers.SameAsync(["get", "/del/", "--prefix", "-w", "json"]);
        await servers.SameAsync(["put", "/del/x", "1"]);
        await servers.SameAsync(["del", "/del/", "--prefix", "-w", "json"]);
    }

    [Fact]
    public async Task Interactive_transactions_take_the_same_branch_and_print_the_same()
    {
        await servers.SameAsync(["put", "/txn/k", "v"]);
        await servers.SameAsync(["txn", "-i"], "value(\"/txn/k\") = \"v\"\n\nput /txn/k v2\nget /txn/k\n\nput /txn/failed yes\n\n");
        await servers.SameAsync(["txn", "-i"], "value(\"/txn/k\") = \"nope\"\n\nput /txn/k v3\n\nput /txn/failed yes\nget /txn/failed\n\n");
        await servers.SameAsync(["txn", "-i", "-w", "json"], "mod(\"/txn/k\") > \"0\"\nversion(\"/txn/k\") = \"2\"\n\ndel /txn/failed\n\n\n");
        await servers.SameAsync(["get", "/txn/", "--prefix"]);
    }

    [Fact]
    public async Task Bad_requests_get_etcds_errors()
    {
        await servers.SameAsync(["put", "", "v"]);
        await servers.SameAsync(["get", ""]);
        await servers.SameAsync(["put", "/bad/k", "v", "--ignore-value"]);
        await servers.SameAsync(["put", "/bad/k", "--ignore-lease"]);
        await servers.SameAsync(["compaction", "0"]);
    }

    [Fact]
    public async Task Member_list_and_endpoint_commands_match()
    {
        await servers.SameAsync(["member", "list"]);
        await servers.SameAsync(["member", "list", "-w", "table"]);
        await servers.SameAsync(["member", "list", "-w", "json"]);
        await servers.SameAsync(["endpoint", "health"]);
    }

    [Fact]
    public async Task Endpoint_status_has_etcds_fields_and_values()
    {
        var etcd = await Etcdctl.RunAsync(servers.Etcd.Endpoint, "endpoint", "status", "-w", "json");
        var fastkv = await Etcdctl.RunAsync(servers.FastKv.Endpoint, "endpoint", "status", "-w", "json");
        Assert.Equal(0, fastkv.ExitCode);
        var e = System.Text.Json.JsonDocument.Parse(etcd.Stdout).RootElement[0].GetProperty("Status");
        var f = System.Text.Json.JsonDocument.Parse(fastkv.Stdout).RootElement[0].GetProperty("Status");
        // Same fields (db sizes and raft indexes are each server's own).
        Assert.Equal(Names(e), Names(f));
        Assert.Equal(Names(e.GetProperty("header")), Names(f.GetProperty("header")));
        foreach (var same in new[] { "version", "leader", "raftTerm" })
            Assert.Equal(e.GetProperty(same).ToString(), f.GetProperty(same).ToString());
        Assert.Equal(f.GetProperty("raftIndex").GetUInt64(), f.GetProperty("raftAppliedIndex").GetUInt64());
        Assert.True(f.GetProperty("dbSize").GetInt64() >= f.GetProperty("dbSizeInUse").GetInt64());

        var table = await Etcdctl.RunAsync(servers.FastKv.Endpoint, "endpoint", "status", "-w", "table");
        var etcdTable = await Etcdctl.RunAsync(servers.Etcd.Endpoint, "endpoint", "status", "-w", "table");
        Assert.Equal(etcdTable.Stdout.Split('\n')[1], table.Stdout.Split('\n')[1]);
        Assert.Contains("|  3.4.23 |", table.Stdout);
        Assert.Contains("|      true |", table.Stdout);
    }

    private static string[] Names(System.Text.Json.JsonElement e) =>
        e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
}

[CollectionDefinition("parity", DisableParallelization = true)]
public sealed class ParityCollection;
