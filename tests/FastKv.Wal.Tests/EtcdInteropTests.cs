// Interop with the real etcd 3.4 server (Debian package etcd-server, which .ci/run installs): the
// fixture's WAL is rewritten by FastKv's writer, etcd must start on that data dir (it verifies the CRC
// chain and replays the log on start) and serve the fixture's data; then the records etcd appends must
// read back through FastKv's reader. Without an etcd binary on PATH the test fails and says what to install.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastKv.Wal.Tests;

public class EtcdInteropTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Etcd_starts_on_a_wal_fastkv_wrote_and_fastkv_reads_what_etcd_appended()
    {
        string? etcd = FindOnPath("etcd");
        Assert.True(etcd is not null, "no etcd binary on PATH: apt-get install -y etcd-server (.ci/run does this)");
        string walDir = TestPaths.ExtractEtcdDataDir(_temp.Path);
        var original = WalReader.ReadAll(walDir);
        Directory.Delete(walDir, recursive: true);
        using (var wal = WriteAheadLog.Create(walDir, original.Metadata))
            wal.Save(original.HardState, original.Entries.ToArray());

        int clientPort = FreePort(), peerPort = FreePort();
        var start = new ProcessStartInfo(etcd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--name", "fix", "--data-dir", _temp.Path,
            "--listen-client-urls", $"http://127.0.0.1:{clientPort}", "--advertise-client-urls", $"http://127.0.0.1:{clientPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}",
        })
            start.ArgumentList.Add(arg);
        var log = new StringBuilder();
        using var server = new Process { StartInfo = start };
        server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{clientPort}"), Timeout = TimeSpan.FromSeconds(5) };
            string? range = null;
            var deadline = Stopwatch.StartNew();
            while (range is null && deadline.Elapsed < TimeSpan.FromSeconds(40) && !server.HasExited)
            {
                try
                {
                    var response = await http.PostAsync("/v3/kv/range", Json($"{{\"key\":\"{B64("/k")}\"}}"));
                    if (response.StatusCode == HttpStatusCode.OK)
                        range = await response.Content.ReadAsStringAsync();
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                if (range is null)
                    await Task.Delay(200);
            }
            string output;
            lock (log) output = log.ToString();
            Assert.True(range is not null, $"etcd did not serve the data dir with FastKv's WAL:\n{output}");
            Assert.Contains(B64("v5"), range);

            var put = await http.PostAsync("/v3/kv/put", Json($"{{\"key\":\"{B64("/written/by/etcd")}\",\"value\":\"{B64("after-fastkv")}\"}}"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        finally
        {
            if (!server.HasExited)
                server.Kill();
            server.WaitForExit(15_000);
        }

        var after = WalReader.ReadAll(walDir);
        Assert.True(after.Entries.Count > original.Entries.Count, "etcd appended no entries");
        Assert.Contains(after.Entries, e => Encoding.ASCII.GetString(e.Data.Span).Contains("/written/by/etcd"));
        Assert.Equal(original.Metadata, after.Metadata);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
