// etcd's --config-file: a YAML file whose keys are the flag names. As in etcd, when a config
// file is given the other flags and ETCD_* variables are ignored. The scalar form of every
// flag is read (strings, numbers, booleans, comma lists); YAML lists of scalars are joined with
// commas. Nested sections (client-transport-security, peer-transport-security) are refused by
// name rather than silently dropped.
namespace FastKv.Server.Config;

public static class ConfigFile
{
    public static Dictionary<string, string> Read(string path)
    {
        if (!File.Exists(path)) throw new FlagParseException($"cannot load config file {path}: no such file");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? listKey = null;
        var list = new List<string>();
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = StripComment(raw).TrimEnd();
            if (line.Trim().Length == 0) continue;
            if (listKey is not null && line.TrimStart().StartsWith("- ", StringComparison.Ordinal) && char.IsWhiteSpace(line[0]) | line.StartsWith('-'))
            {
                list.Add(Unquote(line.TrimStart()[2..].Trim()));
                continue;
            }
            Flush();
            if (char.IsWhiteSpace(line[0]))
                throw new FlagParseException($"config file {path} line {lineNo}: nested settings are not supported: {line.Trim()}");
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new FlagParseException($"config file {path} line {lineNo}: expected 'key: value'");
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (FlagTable.Find(key) is null)
                throw new FlagParseException($"config file {path} line {lineNo}: unknown setting \"{key}\"");
            if (value.Length == 0)
            {
                listKey = key;
                continue;
            }
            if (value is "null" or "~") continue;
            values[key] = Unquote(value);
        }
        Flush();
        return values;

        void Flush()
        {
            if (listKey is null) return;
            if (list.Count > 0) values[listKey] = string.Join(',', list);
            listKey = null;
            list.Clear();
        }
    }

    private static string StripComment(string line)
    {
        var inQuote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuote != '\0') { if (c == inQuote) inQuote = '\0'; continue; }
            if (c is '\'' or '"') inQuote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '\'' && value[^1] == '\'' || value[0] == '"' && value[^1] == '"')
            ? value[1..^1]
            : value;
}
