// A server process under test (FastKv or the real etcd) serving one loopback client URL.
// Start waits for the "ready to serve client requests" log line; Dispose stops the process
// (SIGTERM, then kill) and removes its data unless the caller kept the directory.
using System.Diagnostics;
using System.Text;

namespace FastKv.Server.Tests.Support;

internal sealed class MemberProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MemberProcess(Process process, string endpoint, string dataDir)
    {
        _process = process;
        Endpoint = endpoint;
        DataDir = dataDir;
    }

    public string Endpoint { get; }
    public string DataDir { get; }
    public bool HasExited => _process.HasExited;

    public string Log
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>The member's common flags: one member named "default", loopback URLs, the given data dir.</summary>
    public static string[] CommonFlags(string dataDir, int clientPort, int peerPort) =>
    [
        "--name", "default",
        "--data-dir", dataDir,
        "--listen-client-urls", $"http://127.0.0.1:{clientPort}",
        "--advertise-client-urls", $"http://127.0.0.1:{clientPort}",
        "--listen-peer-urls", $"http://127.0.0.1:{peerPort}",
        // Both servers advertise the same peer URL, so both derive the same member and cluster IDs.
        "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
        "--initial-cluster", "default=http://127.0.0.1:2380",
    ];

    public static Task<MemberProcess> StartFastKvAsync(string dataDir, int clientPort = 0, IEnumerable<string>? extra = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        clientPort = clientPort == 0 ? FreePort.Next() : clientPort;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        start.ArgumentList.Add(TestPaths.ServerDll());
        foreach (var a in CommonFlags(dataDir, clientPort, FreePort.Next())) start.ArgumentList.Add(a);
        foreach (var a in extra ?? []) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return StartAsync(start, $"127.0.0.1:{clientPort}", dataDir);
    }

    public static Task<MemberProcess> StartEtcdAsync(string dataDir, IEnumerable<string>? extra = null, int clientPort = 0)
    {
        clientPort = clientPort == 0 ? FreePort.Next() : clientPort;
        var start = new ProcessStartInfo("etcd");
        foreach (var a in CommonFlags(dataDir, clientPort, FreePort.Next())) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--logger=zap");
        start.ArgumentList.Add("--log-outputs=stderr");
        foreach (var a in extra ?? []) start.ArgumentList.Add(a);
        return StartAsync(start, $"127.0.0.1:{clientPort}", dataDir);
    }

    public static bool EtcdAvailable => File.Exists("/usr/bin/etcd");

    private static async Task<MemberProcess> StartAsync(ProcessStartInfo start, string endpoint, string dataDir)
    {
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start };
        var member = new MemberProcess(process, endpoint, dataDir);
        process.ErrorDataReceived += (_, e) => member.OnLine(e.Data);
        process.OutputDataReceived += (_, e) => member.OnLine(e.Data);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(member._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false);
        if (first != member._ready.Task)
        {
            var log = member.Log;
            var hasExited = first == exited;
            member.Dispose();
            throw new InvalidOperationException($"{start.FileName} did not become ready (exited: {hasExited}):\n{log}");
        }
        return member;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_stderr) _stderr.AppendLine(line);
        // etcd 3.4 with zap logs only the second line once its client listener serves.
        if (line.Contains("ready to serve client requests", StringComparison.Ordinal) ||
            line.Contains("serving client traffic insecurely", StringComparison.Ordinal) ||
            line.Contains("serving client traffic securely", StringComparison.Ordinal))
            _ready.TrySetResult();
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or power cut of the process.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code.</summary>
    public int Stop(TimeSpan limit)
    {
        if (!_process.HasExited)
        {
            Syscall.Kill(_process.Id, 15);
            if (!_process.WaitForExit(limit)) Kill();
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try { Stop(TimeSpan.FromSeconds(10)); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private static class Syscall
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
