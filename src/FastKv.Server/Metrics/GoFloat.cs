// Formats sample values and bucket bounds as the Go Prometheus client prints them (Go's 'g'
// format with the shortest round-trip digits: exponent form when the decimal exponent is below
// -4 or at least 6), so a FastKv scrape reads like an etcd scrape: 20480, 0.001,
// 2.147483648e+09, +Inf.
using System.Globalization;
using System.Text;

namespace FastKv.Server.Metrics;

public static class GoFloat
{
    public static string Format(double value)
    {
        var sb = new StringBuilder(24);
        Append(sb, value);
        return sb.ToString();
    }

    public static void Append(StringBuilder sb, double value)
    {
        if (double.IsNaN(value)) { sb.Append("NaN"); return; }
        if (double.IsPositiveInfinity(value)) { sb.Append("+Inf"); return; }
        if (double.IsNegativeInfinity(value)) { sb.Append("-Inf"); return; }
        if (value == 0) { sb.Append(double.IsNegative(value) ? "-0" : "0"); return; }

        // "R" gives the shortest digits that round-trip, in either notation.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var (digits, exponent) = Decompose(shortest);
        if (value < 0) sb.Append('-');
        if (exponent < -4 || exponent >= 6)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exponent < 0 ? '-' : '+');
            var abs = Math.Abs(exponent);
            if (abs < 10) sb.Append('0');
            sb.Append(abs.ToString(CultureInfo.InvariantCulture));
            return;
        }
        if (exponent < 0)
        {
            sb.Append("0.");
            sb.Append('0', -exponent - 1);
            sb.Append(digits);
        }
        else if (digits.Length <= exponent + 1)
        {
            sb.Append(digits);
            sb.Append('0', exponent + 1 - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, exponent + 1).Append('.').Append(digits, exponent + 1, digits.Length - exponent - 1);
        }
    }

    // "R" output ("-1.5E-05", "20480", "0.001") -> significant digits without leading/trailing
    // zeros and the decimal exponent of the first digit.
    private static (string Digits, int Exponent) Decompose(string text)
    {
        var s = text.TrimStart('-');
        var exponent = 0;
        var e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        var dot = s.IndexOf('.');
        var intPart = dot < 0 ? s : s[..dot];
        var fracPart = dot < 0 ? "" : s[(dot + 1)..];
        var all = intPart + fracPart;
        var pointPos = intPart.Length; // digits before the decimal point
        var lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0') lead++;
        var digits = all[lead..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        return (digits, exponent + pointPos - lead - 1);
    }
}
