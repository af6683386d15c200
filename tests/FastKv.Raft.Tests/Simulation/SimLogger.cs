// Keeps the last lines a simulated cluster logged, to print with a failure.
namespace FastKv.Raft.Tests.Simulation;

public sealed class SimLogger : IRaftLogger
{
    private readonly Queue<string> _lines = new();
    private readonly int _keep;
    public Func<long>? Clock;
    public bool Echo;

    public SimLogger(int keep) => _keep = keep;

    public void Info(string message) => Add("I", message);

    public void Warn(string message) => Add("W", message);

    private void Add(string level, string message)
    {
        var line = $"[{Clock?.Invoke()}] {level} {message}";
        if (Echo) Console.WriteLine(line);
        if (_keep <= 0) return;
        _lines.Enqueue(line);
        while (_lines.Count > _keep) _lines.Dequeue();
    }

    public string Tail() => string.Join("\n", _lines);

    public int Count(string phrase) => _lines.Count(l => l.Contains(phrase, StringComparison.Ordinal));
}
