// The boxed table etcdctl's `-w table` prints: `+---+` rules around a centred header row and
// right-aligned cells, each column as wide as its widest text plus one space either side.
using System.Text;

namespace FastKv.Util.Snapshot;

internal static class TextTable
{
    public static string Render(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = header.Select(h => h.Length).ToArray();
        foreach (var row in rows)
            for (var i = 0; i < widths.Length; i++)
                widths[i] = Math.Max(widths[i], row[i].Length);

        var rule = "+" + string.Concat(widths.Select(w => new string('-', w + 2) + "+"));
        var text = new StringBuilder();
        text.Append(rule).Append('\n');
        text.Append('|');
        for (var i = 0; i < widths.Length; i++)
        {
            var gap = widths[i] - header[i].Length;
            var left = gap / 2;
            text.Append(' ').Append(' ', left).Append(header[i]).Append(' ', gap - left).Append(" |");
        }
        text.Append('\n').Append(rule).Append('\n');
        foreach (var row in rows)
        {
            text.Append('|');
            for (var i = 0; i < widths.Length; i++)
                text.Append(' ').Append(row[i].PadLeft(widths[i])).Append(" |");
            text.Append('\n');
        }
        text.Append(rule).Append('\n');
        return text.ToString();
    }
}
