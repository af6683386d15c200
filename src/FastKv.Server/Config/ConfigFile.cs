// etcd's --config-file: a YAML file whose keys are the flag names. As in etcd, when a config
// file is given the other flags and ETCD_* variables are ignored. The scalar form of every
// flag is read (strings, numbers, booleans, comma lists); YAML lists of scalars are joined with
// commas. The two nested sections etcd's file has, client-transport-security and
// peer-transport-security, map onto the TLS flags (cert-file -> --cert-file / --peer-cert-file);
// any other nesting is refused rather than silently dropped.
namespace FastKv.Server.Config;

public static class ConfigFile
{
    public static Dictionary<string, string> Read(string path)
    {
        if (!File.Exists(path)) throw new FlagParseException($"cannot load config file {path}: no such file");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? listKey = null;
        string? section = null;
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
            var nested = char.IsWhiteSpace(line[0]);
            if (!nested) section = null;
            Flush();
            if (nested && section is null)
                throw new FlagParseException($"config file {path} line {lineNo}: nested settings are not supported: {line.Trim()}");
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new FlagParseException($"config file {path} line {lineNo}: expected 'key: value'");
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (!nested && TransportSections.ContainsKey(key) && value.Length == 0)
            {
                section = key;
                continue;
            }
            if (nested)
            {
                var flag = SectionFlag(section!, key);
                if (flag is null)
                    throw new FlagParseException($"config file {path} line {lineNo}: unknown setting \"{key}\" in {section}");
                key = flag;
            }
            else if (FlagTable.Find(key) is null)
                throw new FlagParseException($"config file {path} line {lineNo}: unknown setting \"{key}\"");
            if (value.Length == 0)
            {
                if (!nested) listKey = key;
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

    // Section -> prefix of the flags its keys stand for.
    private static readonly Dictionary<string, string> TransportSections = new(StringComparer.Ordinal)
    {
        ["client-transport-security"] = "",
        ["peer-transport-security"] = "peer-",
    };

    private static string? SectionFlag(string section, string key)
    {
        var prefix = TransportSections[section];
        var flag = key switch
        {
            "cert-file" or "key-file" or "client-cert-auth" or "trusted-ca-file" or "auto-tls" => prefix + key,
            "crl-file" => prefix + (prefix.Length == 0 ? "client-crl-file" : "crl-file"),
            _ => null,
        };
        return flag is not null && FlagTable.Find(flag) is not null ? flag : null;
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
