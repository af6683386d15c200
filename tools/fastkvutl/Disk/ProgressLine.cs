// A once-a-second progress line on stderr while a benchmark runs (rewritten in place on a terminal),
// so stdout stays clean for the report or the JSON.
namespace FastKv.Util.Disk;

internal sealed class ProgressLine : IDisposable
{
    private readonly Timer? _timer;
    private readonly Func<string> _describe;
    private readonly bool _terminal = !Console.IsErrorRedirected;

    public ProgressLine(bool enabled, Func<string> describe)
    {
        _describe = describe;
        if (enabled)
            _timer = new Timer(_ => Write(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void Write()
    {
        string line = _describe();
        if (_terminal)
            Console.Error.Write("\r" + line.PadRight(100));
        else
            Console.Error.WriteLine(line);
    }

    public void Dispose()
    {
        if (_timer is null)
            return;
        using var done = new ManualResetEvent(false);
        _timer.Dispose(done);
        done.WaitOne();
        if (_terminal)
            Console.Error.Write("\r" + new string(' ', 100) + "\r");
    }
}
