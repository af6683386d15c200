// JSON syntax checking with the error texts of Go's encoding/json, which etcd's gateway returns to
// clients verbatim ("invalid character 'x' looking for beginning of value", "unexpected EOF").
// Finds where the first value of a buffer ends, so a request body can carry a stream of values
// (the watch and keep-alive streams) with or without whitespace between them. Iterative, with an
// explicit nesting stack, so hostile nesting cannot exhaust the call stack.
namespace FastKv.Server.Gateway;

internal enum JsonScan
{
    /// <summary>A whole value was found; End is the index just past it.</summary>
    Complete,

    /// <summary>The buffer ends inside a value (or before one starts); more input may finish it.</summary>
    NeedMore,

    /// <summary>The input is not JSON; Error has Go's text.</summary>
    Invalid,
}

internal static class GoJsonSyntax
{
    // Go's decoder refuses deeper nesting with this text.
    private const int MaxDepth = 10000;

    public static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    public static int SkipSpace(ReadOnlySpan<byte> text, int pos)
    {
        while (pos < text.Length && IsSpace(text[pos])) pos++;
        return pos;
    }

    /// <summary>
    /// Scans the value starting at <paramref name="start"/> (after optional whitespace).
    /// <paramref name="final"/> says no more input follows, which completes a top-level number
    /// that ends the buffer.
    /// </summary>
    public static JsonScan ScanValue(ReadOnlySpan<byte> text, int start, bool final, out int end, out string? error)
    {
        var stack = new Stack<bool>(); // true = object, false = array
        var pos = start;
        end = 0;
        error = null;
        while (true)
        {
            // Expecting a value.
            pos = SkipSpace(text, pos);
            if (pos >= text.Length) return JsonScan.NeedMore;
            var c = text[pos];
            switch (c)
            {
                case (byte)'{':
                    if (stack.Count >= MaxDepth) return Fail("exceeded max depth", out error);
                    stack.Push(true);
                    pos = SkipSpace(text, pos + 1);
                    if (pos >= text.Length) return JsonScan.NeedMore;
                    if (text[pos] == '}')
                    {
                        pos++;
                        stack.Pop();
                        break;
                    }
                    {
                        var key = ScanKey(text, ref pos, out error);
                        if (key != JsonScan.Complete) return key;
                    }
                    continue;
                case (byte)'[':
                    if (stack.Count >= MaxDepth) return Fail("exceeded max depth", out error);
                    stack.Push(false);
                    pos = SkipSpace(text, pos + 1);
                    if (pos >= text.Length) return JsonScan.NeedMore;
                    if (text[pos] == ']')
                    {
                        pos++;
                        stack.Pop();
                        break;
                    }
                    continue;
                default:
                    {
                        var scalar = ScanScalar(text, ref pos, topLevel: stack.Count == 0, final, out error);
                        if (scalar != JsonScan.Complete) return scalar;
                        break;
                    }
            }

            // After a value: close containers or move to the next element.
            while (true)
            {
                if (stack.Count == 0)
                {
                    end = pos;
                    return JsonScan.Complete;
                }
                pos = SkipSpace(text, pos);
                if (pos >= text.Length) return JsonScan.NeedMore;
                c = text[pos];
                var inObject = stack.Peek();
                if (c == ',')
                {
                    pos++;
                    if (inObject)
                    {
                        pos = SkipSpace(text, pos);
                        if (pos >= text.Length) return JsonScan.NeedMore;
                        var key = ScanKey(text, ref pos, out error);
                        if (key != JsonScan.Complete) return key;
                    }
                    break;
                }
                if (c == (inObject ? '}' : ']'))
                {
                    pos++;
                    stack.Pop();
                    continue;
                }
                return Fail(c, inObject ? "after object key:value pair" : "after array element", out error);
            }
        }
    }

    /// <summary>
    /// Checks a whole text as Go's json.Unmarshal does: one value and nothing but whitespace after it.
    /// </summary>
    public static string? CheckWhole(ReadOnlySpan<byte> text)
    {
        switch (ScanValue(text, 0, final: true, out var end, out var error))
        {
            case JsonScan.Invalid:
                return error;
            case JsonScan.NeedMore:
                return "unexpected end of JSON input";
        }
        var rest = SkipSpace(text, end);
        return rest < text.Length ? Describe(text[rest], "after top-level value") : null;
    }

    // An object key (a string) then the colon; leaves pos at the member's value.
    private static JsonScan ScanKey(ReadOnlySpan<byte> text, ref int pos, out string? error)
    {
        error = null;
        if (text[pos] != '"') return Fail(text[pos], "looking for beginning of object key string", out error);
        var s = ScanString(text, ref pos, out error);
        if (s != JsonScan.Complete) return s;
        pos = SkipSpace(text, pos);
        if (pos >= text.Length) return JsonScan.NeedMore;
        if (text[pos] != ':') return Fail(text[pos], "after object key", out error);
        pos++;
        return JsonScan.Complete;
    }

    private static JsonScan ScanScalar(ReadOnlySpan<byte> text, ref int pos, bool topLevel, bool final, out string? error)
    {
        error = null;
        var c = text[pos];
        switch (c)
        {
            case (byte)'"':
                return ScanString(text, ref pos, out error);
            case (byte)'t':
                return ScanLiteral(text, ref pos, "true", out error);
            case (byte)'f':
                return ScanLiteral(text, ref pos, "false", out error);
            case (byte)'n':
                return ScanLiteral(text, ref pos, "null", out error);
            case (byte)'-':
            case >= (byte)'0' and <= (byte)'9':
                return ScanNumber(text, ref pos, topLevel, final, out error);
            default:
                return Fail(c, "looking for beginning of value", out error);
        }
    }

    private static JsonScan ScanString(ReadOnlySpan<byte> text, ref int pos, out string? error)
    {
        error = null;
        var i = pos + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                pos = i + 1;
                return JsonScan.Complete;
            }
            if (c < 0x20) return Fail(c, "in string literal", out error);
            if (c == '\\')
            {
                if (++i >= text.Length) return JsonScan.NeedMore;
                var e = text[i];
                if (e == 'u')
                {
                    for (var k = 0; k < 4; k++)
                    {
                        if (++i >= text.Length) return JsonScan.NeedMore;
                        if (!char.IsAsciiHexDigit((char)text[i])) return Fail(text[i], "in \\u hexadecimal character escape", out error);
                    }
                }
                else if (e is not ((byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t'))
                {
                    return Fail(e, "in string escape code", out error);
                }
            }
            i++;
        }
        return JsonScan.NeedMore;
    }

    private static JsonScan ScanLiteral(ReadOnlySpan<byte> text, ref int pos, string literal, out string? error)
    {
        error = null;
        for (var k = 1; k < literal.Length; k++)
        {
            var i = pos + k;
            if (i >= text.Length) return JsonScan.NeedMore;
            if (text[i] != literal[k]) return Fail(text[i], $"in literal {literal} (expecting '{literal[k]}')", out error);
        }
        pos += literal.Length;
        return JsonScan.Complete;
    }

    private static JsonScan ScanNumber(ReadOnlySpan<byte> text, ref int pos, bool topLevel, bool final, out string? error)
    {
        error = null;
        var i = pos;
        if (text[i] == '-')
        {
            if (++i >= text.Length) return JsonScan.NeedMore;
            if (!char.IsAsciiDigit((char)text[i])) return Fail(text[i], "in numeric literal", out error);
        }
        if (text[i] == '0') i++;
        else while (i < text.Length && char.IsAsciiDigit((char)text[i])) i++;
        if (i < text.Length && text[i] == '.')
        {
            if (++i >= text.Length) return JsonScan.NeedMore;
            if (!char.IsAsciiDigit((char)text[i])) return Fail(text[i], "after decimal point in numeric literal", out error);
            while (i < text.Length && char.IsAsciiDigit((char)text[i])) i++;
        }
        if (i < text.Length && text[i] is (byte)'e' or (byte)'E')
        {
            if (++i >= text.Length) return JsonScan.NeedMore;
            if (text[i] is (byte)'+' or (byte)'-')
            {
                if (++i >= text.Length) return JsonScan.NeedMore;
            }
            if (!char.IsAsciiDigit((char)text[i])) return Fail(text[i], "in exponent of numeric literal", out error);
            while (i < text.Length && char.IsAsciiDigit((char)text[i])) i++;
        }
        // A number running to the end of the buffer may continue in the next read, unless nothing follows.
        if (i >= text.Length && !final) return JsonScan.NeedMore;
        if (i >= text.Length && !topLevel) return JsonScan.NeedMore;
        pos = i;
        return JsonScan.Complete;
    }

    private static JsonScan Fail(byte c, string context, out string? error)
    {
        error = Describe(c, context);
        return JsonScan.Invalid;
    }

    private static JsonScan Fail(string message, out string? error)
    {
        error = message;
        return JsonScan.Invalid;
    }

    private static string Describe(byte c, string context) => $"invalid character {QuoteChar(c)} {context}";

    // Go quotes the offending byte as a rune literal: '\'' and '"' specially, escapes for
    // control characters, the byte taken as a Latin-1 code point otherwise.
    private static string QuoteChar(byte c) => c switch
    {
        (byte)'\'' => "'\\''",
        (byte)'"' => "'\"'",
        (byte)'\a' => "'\\a'",
        (byte)'\b' => "'\\b'",
        (byte)'\f' => "'\\f'",
        (byte)'\n' => "'\\n'",
        (byte)'\r' => "'\\r'",
        (byte)'\t' => "'\\t'",
        (byte)'\v' => "'\\v'",
        (byte)'\\' => "'\\\\'",
        < 0x20 or 0x7f => $"'\\x{c:x2}'",
        (>= 0x80 and < 0xa0) or 0xad => $"'\\u{c:x4}'",
        _ => $"'{(char)c}'",
    };
}
