// protobuf message -> compact JSON, byte for byte as etcd 3.4's gateway prints it (golang/protobuf
// jsonpb with OrigName, defaults omitted): fields in declaration order under their .proto names,
// 64-bit integers quoted, enums by name (an unknown number bare), bytes in padded standard base64,
// a set oneof member always, an empty sub-message as {}; strings escaped like Go's encoding/json
// (<, > and & as \u003c.., U+2028/2029 escaped, other non-ASCII raw).
using System.Buffers;
using System.Buffers.Text;
using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FastKv.Server.Gateway;

internal static class ProtoJsonWriter
{
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    public static void Write(IBufferWriter<byte> output, IMessage message)
    {
        WriteRaw(output, "{"u8);
        var first = true;
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.ContainingOneof is { } oneof)
            {
                if (oneof.Accessor.GetCaseFieldDescriptor(message) != field) continue;
            }
            else if (IsDefault(field, value))
            {
                continue;
            }
            if (!first) WriteRaw(output, ","u8);
            first = false;
            WriteString(output, field.Name);
            WriteRaw(output, ":"u8);
            if (field.IsRepeated)
            {
                WriteRaw(output, "["u8);
                var i = 0;
                foreach (var item in (IList)value)
                {
                    if (i++ > 0) WriteRaw(output, ","u8);
                    WriteValue(output, field, item);
                }
                WriteRaw(output, "]"u8);
            }
            else
            {
                WriteValue(output, field, value);
            }
        }
        WriteRaw(output, "}"u8);
    }

    private static bool IsDefault(FieldDescriptor field, object? value)
    {
        if (field.IsRepeated) return ((IList)value!).Count == 0;
        return value switch
        {
            null => true,
            bool b => !b,
            int i => i == 0,
            long l => l == 0,
            uint u => u == 0,
            ulong u => u == 0,
            float f => f == 0,
            double d => d == 0,
            string s => s.Length == 0,
            ByteString bytes => bytes.IsEmpty,
            Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) == 0,
            _ => false,
        };
    }

    private static void WriteValue(IBufferWriter<byte> output, FieldDescriptor field, object value)
    {
        switch (field.FieldType)
        {
            case FieldType.Message:
                Write(output, (IMessage)value);
                break;
            case FieldType.Bool:
                WriteRaw(output, (bool)value ? "true"u8 : "false"u8);
                break;
            case FieldType.String:
                WriteString(output, (string)value);
                break;
            case FieldType.Bytes:
                WriteBase64(output, ((ByteString)value).Span);
                break;
            case FieldType.Enum:
                {
                    var number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
                    if (field.EnumType.FindValueByNumber(number) is { } known) WriteString(output, known.Name);
                    else WriteInteger(output, number);
                    break;
                }
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                WriteQuotedInteger(output, (long)value);
                break;
            case FieldType.UInt64 or FieldType.Fixed64:
                WriteQuotedInteger(output, (ulong)value);
                break;
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                WriteInteger(output, (int)value);
                break;
            case FieldType.UInt32 or FieldType.Fixed32:
                WriteInteger(output, (uint)value);
                break;
            case FieldType.Double:
                WriteAscii(output, ((double)value).ToString("R", CultureInfo.InvariantCulture));
                break;
            case FieldType.Float:
                WriteAscii(output, ((float)value).ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                throw new InvalidOperationException($"unsupported field type {field.FieldType} of {field.FullName}");
        }
    }

    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        WriteRaw(output, "\""u8);
        var runStart = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var escape = c switch
            {
                '"' or '\\' or '<' or '>' or '&' or '\u2028' or '\u2029' => true,
                < ' ' => true,
                _ when char.IsSurrogate(c) => !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])),
                _ => false,
            };
            if (!escape)
            {
                if (char.IsHighSurrogate(c)) i++;
                continue;
            }
            WriteUtf8(output, value.AsSpan(runStart, i - runStart));
            runStart = i + 1;
            switch (c)
            {
                case '"': WriteRaw(output, "\\\""u8); break;
                case '\\': WriteRaw(output, "\\\\"u8); break;
                case '\n': WriteRaw(output, "\\n"u8); break;
                case '\r': WriteRaw(output, "\\r"u8); break;
                case '\t': WriteRaw(output, "\\t"u8); break;
                default:
                    // A lone surrogate is invalid UTF-16; Go writes the replacement character.
                    var code = char.IsSurrogate(c) ? '\ufffd' : c;
                    var span = output.GetSpan(6);
                    span[0] = (byte)'\\';
                    span[1] = (byte)'u';
                    span[2] = Hex[(code >> 12) & 0xf];
                    span[3] = Hex[(code >> 8) & 0xf];
                    span[4] = Hex[(code >> 4) & 0xf];
                    span[5] = Hex[code & 0xf];
                    output.Advance(6);
                    break;
            }
        }
        WriteUtf8(output, value.AsSpan(runStart));
        WriteRaw(output, "\""u8);
    }

    /// <summary>An integer in invariant decimal, formatted straight into output (no string per number).</summary>
    public static void WriteInteger<T>(IBufferWriter<byte> output, T value) where T : IUtf8SpanFormattable
    {
        // 20 octets hold every 64-bit integer, sign included.
        var span = output.GetSpan(20);
        _ = value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void WriteQuotedInteger<T>(IBufferWriter<byte> output, T value) where T : IUtf8SpanFormattable
    {
        WriteRaw(output, "\""u8);
        WriteInteger(output, value);
        WriteRaw(output, "\""u8);
    }

    private static void WriteBase64(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteRaw(output, "\""u8);
        var length = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
        var span = output.GetSpan(Math.Max(length, 1));
        Base64.EncodeToUtf8(bytes, span, out _, out var written);
        output.Advance(written);
        WriteRaw(output, "\""u8);
    }

    private static void WriteUtf8(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void WriteAscii(IBufferWriter<byte> output, string text) => WriteUtf8(output, text);

    private static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
