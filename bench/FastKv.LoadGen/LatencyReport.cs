// The summary etcd's benchmark prints after a run: totals, a 10-bucket latency histogram and
// percentiles, plus how many requests failed with which error, and the generator's own CPU time
// per request over the run (so a run shows whether it measured the server or itself). Latencies
// are recorded into a preallocated array by index so workers never allocate or lock while measuring.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FastKv.LoadGen;

public sealed class LatencyReport
{
    private static readonly double[] Percentiles = [10, 25, 50, 75, 90, 95, 99, 99.9];
    private const int HistogramBuckets = 10;
    private const int BarWidth = 40;

    private readonly long[] _ticks;
    private int _count;
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private long _started;
    private long _stopped;
    private TimeSpan _cpuAtStart;
    private TimeSpan _cpuAtStop;
    private long _allocatedAtStart;
    private long _allocatedAtStop;

    public LatencyReport(int capacity) => _ticks = new long[capacity];

    public int Count => Math.Min(Volatile.Read(ref _count), _ticks.Length);

    public void Start()
    {
        _cpuAtStart = ProcessCpu();
        _allocatedAtStart = GC.GetTotalAllocatedBytes();
        _started = Stopwatch.GetTimestamp();
    }

    public void Stop()
    {
        _stopped = Stopwatch.GetTimestamp();
        _allocatedAtStop = GC.GetTotalAllocatedBytes();
        _cpuAtStop = ProcessCpu();
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>CPU time (user + system, all threads) this process spent between Start and Stop.</summary>
    public TimeSpan GeneratorCpu => _cpuAtStop - _cpuAtStart;

    /// <summary>Records one successful request that took <paramref name="elapsedTicks"/> Stopwatch ticks.</summary>
    public void Record(long elapsedTicks)
    {
        var slot = Interlocked.Increment(ref _count) - 1;
        if (slot < _ticks.Length) _ticks[slot] = elapsedTicks;
    }

    public void RecordError(string message, int count = 1) => _errors.AddOrUpdate(message, count, (_, n) => n + count);

    public IEnumerable<KeyValuePair<string, int>> Errors => _errors;

    public int ErrorCount => _errors.Values.Sum();

    public Summary Summarize()
    {
        var n = Count;
        var seconds = new double[n];
        for (var i = 0; i < n; i++) seconds[i] = (double)_ticks[i] / Stopwatch.Frequency;
        var total = (double)((_stopped == 0 ? Stopwatch.GetTimestamp() : _stopped) - _started) / Stopwatch.Frequency;
        return Summary.Of(seconds, total);
    }

    public string Format()
    {
        var summary = Summarize();
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine("Summary:");
        text.AppendLine(c, $"  Total:\t{summary.Total:0.0000} secs.");
        if (summary.Count > 0)
        {
            text.AppendLine(c, $"  Slowest:\t{summary.Slowest:0.0000} secs.");
            text.AppendLine(c, $"  Fastest:\t{summary.Fastest:0.0000} secs.");
            text.AppendLine(c, $"  Average:\t{summary.Average:0.0000} secs.");
            text.AppendLine(c, $"  Stddev:\t{summary.Stddev:0.0000} secs.");
        }
        text.AppendLine(c, $"  Requests/sec:\t{summary.RequestsPerSecond:0.0000}");
        var requests = summary.Count + ErrorCount;
        // etcd's four decimals hide the difference between 0.15 and 0.25 ms, which is the whole
        // question for a lone put against the disk's fdatasync; the median in microseconds answers it.
        if (summary.Count > 0)
            text.AppendLine(c, $"  Median:\t{summary.Percentile(50) * 1e6:0} us.");
        if (requests > 0 && _cpuAtStop > TimeSpan.Zero)
            text.AppendLine(c, $"  Generator CPU:\t{GeneratorCpu.TotalSeconds:0.0000} secs ({GeneratorCpu.TotalMicroseconds / requests:0.0} us/req, {(double)(_allocatedAtStop - _allocatedAtStart) / requests:0} B/req allocated).");
        if (summary.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Response time histogram:");
            var (edges, counts) = summary.Histogram(HistogramBuckets);
            var max = counts.Max();
            for (var i = 0; i < edges.Length; i++)
            {
                var bar = max == 0 ? 0 : counts[i] * BarWidth / max;
                text.AppendLine(c, $"  {edges[i]:0.0000} [{counts[i]}]\t|{new string('∎', bar)}");
            }
            text.AppendLine();
            text.AppendLine("Latency distribution:");
            foreach (var p in Percentiles)
                text.AppendLine(c, $"  {p}% in {summary.Percentile(p):0.0000} secs.");
        }
        if (!_errors.IsEmpty)
        {
            text.AppendLine();
            text.AppendLine("Error distribution:");
            foreach (var (message, count) in _errors.OrderByDescending(e => e.Value))
                text.AppendLine(c, $"  [{count}]\t{message}");
        }
        return text.ToString();
    }
}
