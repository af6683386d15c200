// A small, strict parser of the Prometheus text format 0.0.4 for tests: families with their
// HELP and TYPE, samples with labels and values. It rejects what Prometheus would reject
// (samples before their TYPE, a family declared twice, malformed labels), so a scrape that
// parses here is one Prometheus would ingest.
using System.Globalization;
using System.Text;

namespace FastKv.Server.Tests.Metrics;

internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
}

internal sealed class Family(string name, string type, string help)
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string Help { get; } = help;
    public List<Sample> Samples { get; } = [];

    /// <summary>Label names of the family's series (without histogram's le).</summary>
    public SortedSet<string> LabelNames => new(Samples.SelectMany(s => s.Labels.Keys).Where(k => k != "le"), StringComparer.Ordinal);
}

internal sealed class Exposition
{
    public Dictionary<string, Family> Families { get; } = new(StringComparer.Ordinal);

    public Family this[string name] => Families.TryGetValue(name, out var f) ? f : throw new KeyNotFoundException($"no metric family {name} in the scrape");

    /// <summary>The one sample named <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        var matches = AllSamples(name).Where(s => labels.All(l => s.Label(l.Name) == l.Value)).ToList();
        return matches.Count == 1 ? matches[0].Value : throw new InvalidOperationException($"{matches.Count} samples of {name} match {string.Join(",", labels)}");
    }

    public IEnumerable<Sample> AllSamples(string sampleName) =>
        Families.Values.SelectMany(f => f.Samples).Where(s => s.Name == sampleName);

    public static Exposition Parse(string text)
    {
        var result = new Exposition();
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);
        Family? current = null;
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw;
            if (line.Length == 0) continue;
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var sp = rest.IndexOf(' ');
                helps[sp < 0 ? rest : rest[..sp]] = sp < 0 ? "" : rest[(sp + 1)..];
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                if (parts.Length != 2 || parts[1] is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                    throw new FormatException($"line {lineNo}: bad TYPE line: {line}");
                if (result.Families.ContainsKey(parts[0])) throw new FormatException($"line {lineNo}: {parts[0]} declared twice");
                current = new Family(parts[0], parts[1], helps.GetValueOrDefault(parts[0], ""));
                result.Families.Add(current.Name, current);
                continue;
            }
            if (line.StartsWith('#')) continue;
            var sample = ParseSample(line, lineNo);
            if (current is null || !BelongsTo(sample.Name, current))
                throw new FormatException($"line {lineNo}: sample {sample.Name} outside its family (current: {current?.Name})");
            current.Samples.Add(sample);
        }
        return result;
    }

    private static bool BelongsTo(string sampleName, Family family) =>
        sampleName == family.Name ||
        (family.Type == "histogram" && sampleName == family.Name + "_bucket") ||
        (family.Type is "histogram" or "summary" && (sampleName == family.Name + "_sum" || sampleName == family.Name + "_count"));

    private static Sample ParseSample(string line, int lineNo)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':')) i++;
        if (i == 0) throw new FormatException($"line {lineNo}: no metric name: {line}");
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var start = i;
                while (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_') i++;
                var label = line[start..i];
                if (label.Length == 0 || line[i] != '=' || line[i + 1] != '"') throw new FormatException($"line {lineNo}: bad label at {i}: {line}");
                i += 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new FormatException($"line {lineNo}: bad escape") });
                    }
                    else value.Append(line[i]);
                    i++;
                }
                i++;
                if (!labels.TryAdd(label, value.ToString())) throw new FormatException($"line {lineNo}: label {label} twice");
                if (line[i] == ',') i++;
            }
            i++;
        }
        if (i >= line.Length || line[i] != ' ') throw new FormatException($"line {lineNo}: no value: {line}");
        var valueText = line[(i + 1)..].Split(' ')[0];
        var v = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, v);
    }
}
