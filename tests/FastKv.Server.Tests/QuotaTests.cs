// Filling a small --quota-backend-bytes raises the NOSPACE alarm: puts fail with etcd's
// error while reads and deletes still work, `alarm list` shows the alarm and `alarm disarm`
// clears it, as in the seeds' runbook.
using FastKv.Server.Tests.Support;

namespace FastKv.Server.Tests;

public sealed class QuotaTests
{
    [Fact]
    public async Task A_full_quota_raises_nospace_and_disarm_clears_it()
    {
        Assert.True(Etcdctl.Available, "etcdctl is missing: apt-get install etcd-client");
        using var dir = new TempDir();
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"), extra: ["--quota-backend-bytes", "300000"]);
        var value = new string('x', 4000);
        EtcdctlResult put = default;
        var written = 0;
        for (var i = 0; i < 400; i++)
        {
            put = await Etcdctl.RunAsync(server.Endpoint, "put", $"/fill/{i:D4}", value);
            if (put.ExitCode != 0) break;
            written++;
        }
        Assert.True(put.ExitCode != 0, $"quota never filled after {written} puts");
        Assert.Contains("etcdserver: mvcc: database space exceeded", put.Stderr);

        var alarms = await Etcdctl.RunAsync(server.Endpoint, "alarm", "list");
        Assert.Matches(@"^memberID:\d+ alarm:NOSPACE ?\n$", alarms.Stdout);

        // Reads and deletes still work; writes stay refused while the alarm is raised.
        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "get", "/fill/0000")).ExitCode);
        Assert.Equal(0, (await Etcdctl.RunAsync(server.Endpoint, "del", "/fill/0000")).ExitCode);
        Assert.Contains("database space exceeded", (await Etcdctl.RunAsync(server.Endpoint, "put", "/small", "1")).Stderr);
        var status = await Etcdctl.RunAsync(server.Endpoint, "endpoint", "status", "-w", "json");
        Assert.Contains("alarm:NOSPACE", status.Stdout);

        using (var http = new HttpClient { BaseAddress = new Uri("http://" + server.Endpoint) })
        {
            var health = await http.GetAsync("/health");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("{\"health\":\"false\",\"reason\":\"ALARM NOSPACE\"}", await health.Content.ReadAsStringAsync());
            var excluded = await http.GetAsync("/health?exclude=NOSPACE");
            Assert.Equal("{\"health\":\"true\",\"reason\":\"\"}", await excluded.Content.ReadAsStringAsync());
        }

        var disarm = await Etcdctl.RunAsync(server.Endpoint, "alarm", "disarm");
        Assert.Matches(@"^memberID:\d+ alarm:NOSPACE ?\n$", disarm.Stdout);
        Assert.Equal("", (await Etcdctl.RunAsync(server.Endpoint, "alarm", "list")).Stdout);
        // With the alarm gone, a delete-heavy recovery can write small keys again below the quota.
        var del = await Etcdctl.RunAsync(server.Endpoint, "del", "/fill/", "--prefix");
        Assert.Equal(0, del.ExitCode);
    }
}
