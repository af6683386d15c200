// A long-running etcdctl (lock, elect) whose output lines are collected as they arrive, so a
// test can wait for what it prints, interrupt it (SIGINT: etcdctl releases what it holds) or
// kill it (SIGKILL: nothing is released). Disposing kills it if it still runs.
using System.Diagnostics;

namespace FastKv.Server.Tests.Support;

internal sealed class RunningEtcdctl : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    public RunningEtcdctl(string endpoint, params string[] args)
    {
        _process = Etcdctl.StartLongRunning(endpoint, args);
        _process.StandardInput.Close();
        _stdout = Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
                lock (_lines) _lines.Add(line);
        });
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.Where(l => l.Length > 0).ToArray(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until at least <paramref name="count"/> non-empty lines were printed; fails the test after the limit.</summary>
    public async Task<IReadOnlyList<string>> WaitForLinesAsync(int count, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(15));
        while (Lines.Count < count)
        {
            if (DateTime.UtcNow > deadline || _process.HasExited && _stdout.IsCompleted)
                Assert.Fail($"etcdctl printed {Lines.Count} of {count} lines: [{string.Join(" | ", Lines)}] exited={_process.HasExited}");
            await Task.Delay(50).ConfigureAwait(false);
        }
        return Lines;
    }

    public void Interrupt() => _ = Signal.Kill(_process.Id, 2);

    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
    }

    /// <summary>Waits for the exit (killing it after the limit) and returns the exit code and standard error.</summary>
    public async Task<(int ExitCode, string Stderr)> WaitForExitAsync(TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        await _stdout.ConfigureAwait(false);
        return (_process.ExitCode, await _stderr.ConfigureAwait(false));
    }

    public void Dispose()
    {
        try
        {
            Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private static class Signal
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
