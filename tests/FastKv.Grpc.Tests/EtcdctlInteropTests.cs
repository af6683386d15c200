// Interop with grpc-go's HTTP/2 and framing: the real etcdctl puts, gets (JSON output) and watches
// against the in-memory KV served by GrpcHost.
using System.Diagnostics;
using System.Text.Json;
using FastKv.Grpc.Client;

namespace FastKv.Grpc.Tests;

public sealed class EtcdctlInteropTests
{
    [Fact]
    public async Task Etcdctl_put_then_get_as_json_round_trips()
    {
        Assert.True(Etcdctl.Available, "etcdctl 3.4 is required at /usr/bin/etcdctl");
        await using var server = await TestServer.StartAsync();

        var put = await Etcdctl.RunAsync(server.Address, "put", "k", "v");
        Assert.True(put.ExitCode == 0, put.Stderr);
        Assert.Equal("OK", put.Stdout.Trim());

        var get = await Etcdctl.RunAsync(server.Address, "get", "k", "-w", "json");
        Assert.True(get.ExitCode == 0, get.Stderr);
        using var json = JsonDocument.Parse(get.Stdout);
        var kv = Assert.Single(json.RootElement.GetProperty("kvs").EnumerateArray());
        Assert.Equal("k", System.Text.Encoding.UTF8.GetString(kv.GetProperty("key").GetBytesFromBase64()));
        Assert.Equal("v", System.Text.Encoding.UTF8.GetString(kv.GetProperty("value").GetBytesFromBase64()));
        Assert.Equal(1, json.RootElement.GetProperty("count").GetInt64());

        // What etcdctl wrote, our own client reads.
        using var client = new GrpcClient(server.Address);
        Assert.Equal("v", await client.GetAsync("k"));
    }

    [Fact]
    public async Task Etcdctl_sees_a_grpc_error_status_with_its_text()
    {
        await using var server = await TestServer.StartAsync(maxReceiveMessageSize: 1024);
        var put = await Etcdctl.RunAsync(server.Address, "put", "big", new string('x', 4096));
        Assert.NotEqual(0, put.ExitCode);
        Assert.Contains("grpc: received message larger than max", put.Stderr);
        var after = await Etcdctl.RunAsync(server.Address, "put", "small", "ok");
        Assert.True(after.ExitCode == 0, after.Stderr);
    }

    [Fact]
    public async Task Etcdctl_watch_receives_events_over_the_bidi_stream()
    {
        await using var server = await TestServer.StartAsync();
        using var watcher = Process.Start(Etcdctl.StartInfo(server.Address, "watch", "w"))!;
        try
        {
            using var client = new GrpcClient(server.Address);
            // The watch may not be registered yet when the first put lands; keep putting until it shows.
            var seen = Etcdctl.ReadUntilAsync(watcher, line => line == "ready", TimeSpan.FromSeconds(20));
            for (var i = 0; i < 100 && !seen.IsCompleted; i++)
            {
                await client.PutAsync("w", "ready");
                await Task.WhenAny(seen, Task.Delay(100));
            }
            var output = await seen;
            Assert.Contains("PUT", output);
            Assert.Contains("w", output);
        }
        finally
        {
            watcher.Kill(entireProcessTree: true);
            await watcher.WaitForExitAsync();
        }
    }
}
