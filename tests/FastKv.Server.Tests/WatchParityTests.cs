// etcdctl watch prints the same events against FastKv as against etcd 3.4: prefix watches,
// watches from a past revision, prev_kv, and interactive watch commands.
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

[Collection("parity")]
public sealed class WatchParityTests(ParityServers servers) : IClassFixture<ParityServers>
{
    private async Task Writes(params string[][] commands)
    {
        foreach (var c in commands)
            await servers.SameAsync(c);
    }

    [Fact]
    public async Task Prefix_watch_sees_puts_and_deletes_in_order()
    {
        var output = await servers.SameStreamAsync(["watch", "--prefix", "/w1/"], () => Writes(
            ["put", "/w1/a", "1"], ["put", "/w1/b", "2"], ["put", "/other", "x"], ["del", "/w1/a"]));
        Assert.Contains("PUT\n/w1/a\n1\n", output);
    }

    [Fact]
    public async Task Watch_with_prev_kv_and_json_output()
    {
        await servers.SameAsync(["put", "/w2/k", "old"]);
        await servers.SameStreamAsync(["watch", "/w2/k", "--prev-kv", "-w", "json"], () => Writes(
            ["put", "/w2/k", "new"], ["del", "/w2/k"]));
    }

    [Fact]
    public async Task Watch_from_a_past_revision_replays_history()
    {
        await servers.SameAsync(["put", "/w3/k", "v1"]);
        var (fastkv, _) = await servers.SameAsync(["get", "/w3/k", "-w", "json"]);
        var rev = System.Text.Json.JsonDocument.Parse(fastkv.Stdout).RootElement.GetProperty("header").GetProperty("revision").GetInt64();
        await servers.SameAsync(["put", "/w3/k", "v2"]);
        await servers.SameAsync(["put", "/w3/j", "v3"]);
        var output = await servers.SameStreamAsync(["watch", "--prefix", "/w3/", "--rev", rev.ToString()], () => Writes(["put", "/w3/k", "v4"]));
        Assert.Contains("v1", output);
        Assert.Contains("v4", output);
    }

    [Fact]
    public async Task Interactive_watch_takes_commands_from_stdin()
    {
        await servers.SameStreamAsync(["watch", "-i"], () => Writes(["put", "/w4/a", "1"], ["put", "/w4/b", "2"]),
            stdin: "watch /w4/a\nwatch --prefix /w4/\n", interleaved: true);
    }

    [Fact]
    public async Task Watch_on_a_compacted_revision_reports_the_compaction()
    {
        await servers.SameAsync(["put", "/w5/k", "v1"]);
        var (fastkv, _) = await servers.SameAsync(["get", "/w5/k", "-w", "json"]);
        var rev = System.Text.Json.JsonDocument.Parse(fastkv.Stdout).RootElement.GetProperty("header").GetProperty("revision").GetInt64();
        await servers.SameAsync(["put", "/w5/k", "v2"]);
        await servers.SameAsync(["compaction", (rev + 1).ToString()]);
        await servers.SameStreamAsync(["watch", "/w5/k", "--rev", rev.ToString()], () => Task.CompletedTask);
    }
}
