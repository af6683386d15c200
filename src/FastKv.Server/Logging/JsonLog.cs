// etcd-style structured log lines on stderr: {"level","ts","caller","msg", fields...}, one
// JSON object per line, because operators grep and ship etcd's logs by these keys and messages.
// Lines are formatted into one reused buffer and written under a lock so lines never interleave.
// Each component logs through its own JsonLog (For), which names it in "caller".
using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace FastKv.Server.Logging;

public sealed class JsonLog
{
    private readonly Sink _sink;
    private readonly string _caller;

    public JsonLog(Stream output, LogLevel minimum, string caller = "etcdmain")
        : this(new Sink(output, minimum), caller)
    {
    }

    private JsonLog(Sink sink, string caller)
    {
        _sink = sink;
        _caller = caller;
    }

    /// <summary>The same output, with another component named as the caller.</summary>
    public JsonLog For(string caller) => new(_sink, caller);

    /// <summary>A log that drops everything (tests, tools).</summary>
    public static JsonLog Discard { get; } = new(Stream.Null, LogLevel.Fatal + 1);

    public static LogLevel ParseLevel(string level) => level switch
    {
        "debug" => LogLevel.Debug,
        "warn" => LogLevel.Warn,
        "error" => LogLevel.Error,
        "panic" or "fatal" => LogLevel.Fatal,
        _ => LogLevel.Info,
    };

    public bool IsEnabled(LogLevel level) => level >= _sink.Minimum;

    public void Debug(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Debug, msg, fields);
    public void Info(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Info, msg, fields);
    public void Warn(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Warn, msg, fields);
    public void Error(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Error, msg, fields);
    public void Fatal(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Fatal, msg, fields);

    public void Write(LogLevel level, string msg, (string Key, object? Value)[] fields)
    {
        if (level < _sink.Minimum) return;
        var buffer = _sink.Buffer;
        var writer = _sink.Writer;
        lock (_sink.Gate)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteString("level", level.ToString().ToLowerInvariant());
            writer.WriteString("ts", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("caller", _caller);
            writer.WriteString("msg", msg);
            foreach (var (key, value) in fields)
                WriteField(writer, key, value);
            writer.WriteEndObject();
            writer.Flush();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
            try
            {
                _sink.Output.Write(buffer.WrittenSpan);
                _sink.Output.Flush();
            }
            catch (IOException)
            {
                // A closed stderr must not take the member down.
            }
        }
    }

    private static void WriteField(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(key); break;
            case string s: writer.WriteString(key, s); break;
            case bool b: writer.WriteBoolean(key, b); break;
            case int i: writer.WriteNumber(key, i); break;
            case long l: writer.WriteNumber(key, l); break;
            case ulong u: writer.WriteNumber(key, u); break;
            case double d: writer.WriteNumber(key, d); break;
            case TimeSpan t: writer.WriteString(key, FormatDuration(t)); break;
            case IEnumerable<string> list:
                writer.WriteStartArray(key);
                foreach (var item in list) writer.WriteStringValue(item);
                writer.WriteEndArray();
                break;
            default: writer.WriteString(key, value.ToString()); break;
        }
    }

    // Go's Duration.String, which etcd's logs print: "1h0m0s", "1m30s", "1.5s", "250ms", "12µs", "0s".
    public static string FormatDuration(TimeSpan t)
    {
        if (t == TimeSpan.Zero) return "0s";
        var sign = t < TimeSpan.Zero ? "-" : "";
        var ns = (ulong)Math.Abs((decimal)t.Ticks) * 100UL;
        if (ns < 1_000) return $"{sign}{ns}ns";
        if (ns < 1_000_000) return sign + WithFraction(ns, 1_000) + "µs";
        if (ns < 1_000_000_000) return sign + WithFraction(ns, 1_000_000) + "ms";
        var hours = ns / 3_600_000_000_000UL;
        var minutes = ns / 60_000_000_000UL % 60;
        var seconds = WithFraction(ns % 60_000_000_000UL, 1_000_000_000) + "s";
        if (hours > 0) return $"{sign}{hours}h{minutes}m{seconds}";
        if (minutes > 0) return $"{sign}{minutes}m{seconds}";
        return sign + seconds;
    }

    private static string WithFraction(ulong value, ulong unit)
    {
        var whole = value / unit;
        var rest = value % unit;
        if (rest == 0) return whole.ToString(CultureInfo.InvariantCulture);
        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole.ToString(CultureInfo.InvariantCulture) + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }

    private sealed class Sink(Stream output, LogLevel minimum)
    {
        public readonly Stream Output = output;
        public readonly LogLevel Minimum = minimum;
        public readonly Lock Gate = new();
        public readonly ArrayBufferWriter<byte> Buffer = new(1024);
        public readonly Utf8JsonWriter Writer = new(Stream.Null, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
