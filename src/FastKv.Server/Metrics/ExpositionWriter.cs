// Writes the Prometheus text exposition format 0.0.4: per family `# HELP` and `# TYPE`, then
// one line per sample; a histogram series is its cumulative `_bucket{le=...}` lines ending in
// `+Inf`, then `_sum` and `_count`. Label values and help text are escaped as the format says.
using System.Globalization;
using System.Text;

namespace FastKv.Server.Metrics;

public sealed class ExpositionWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _out;
    private long[] _cumulative = new long[16];

    public ExpositionWriter(StringBuilder output) => _out = output;

    public void Family(MetricFamily family)
    {
        _out.Append("# HELP ").Append(family.Name).Append(' ');
        foreach (var c in family.Help)
        {
            if (c == '\\') _out.Append(@"\\");
            else if (c == '\n') _out.Append(@"\n");
            else _out.Append(c);
        }
        _out.Append('\n');
        _out.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type switch
        {
            MetricType.Counter => "counter",
            MetricType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');
        family.WriteSamples(this);
    }

    /// <summary>One sample; <paramref name="labels"/> is a preformatted `a="x",b="y"` list or empty.</summary>
    public void Sample(string name, string labels, double value)
    {
        Start(name, labels);
        GoFloat.Append(_out, value);
        _out.Append('\n');
    }

    public void Sample(string name, string labels, long value)
    {
        Start(name, labels);
        AppendInteger(value);
        _out.Append('\n');
    }

    public void Histogram(string name, string labels, HistogramCells cells)
    {
        var bounds = cells.UpperBounds;
        if (_cumulative.Length < bounds.Length + 1) _cumulative = new long[bounds.Length + 1];
        var cumulative = _cumulative.AsSpan(0, bounds.Length + 1);
        var count = cells.CopyCumulative(cumulative);
        var sum = cells.Sum;
        var bucket = name + "_bucket";
        var prefix = labels.Length == 0 ? "le=\"" : labels + ",le=\"";
        for (var i = 0; i <= bounds.Length; i++)
        {
            _out.Append(bucket).Append('{').Append(prefix);
            if (i < bounds.Length) GoFloat.Append(_out, bounds[i]);
            else _out.Append("+Inf");
            _out.Append("\"} ");
            AppendInteger(cumulative[i]);
            _out.Append('\n');
        }
        Sample(name + "_sum", labels, sum);
        Sample(name + "_count", labels, count);
    }

    // Go prints a float64 sample; below a million that is the plain integer.
    private void AppendInteger(long value)
    {
        if (value is > -1_000_000 and < 1_000_000) _out.Append(CultureInfo.InvariantCulture, $"{value}");
        else GoFloat.Append(_out, value);
    }

    private void Start(string name, string labels)
    {
        _out.Append(name);
        if (labels.Length > 0) _out.Append('{').Append(labels).Append('}');
        _out.Append(' ');
    }

    /// <summary>`a="x",b="y"` with the values escaped; labels are given in the order to print (etcd's are sorted by name).</summary>
    public static string FormatLabels(params (string Name, string Value)[] labels)
    {
        if (labels.Length == 0) return "";
        var sb = new StringBuilder();
        foreach (var (name, value) in labels)
        {
            if (sb.Length > 0) sb.Append(',');
            sb.Append(name).Append("=\"");
            foreach (var c in value)
            {
                if (c == '\\') sb.Append(@"\\");
                else if (c == '"') sb.Append("\\\"");
                else if (c == '\n') sb.Append(@"\n");
                else sb.Append(c);
            }
            sb.Append('"');
        }
        return sb.ToString();
    }
}
