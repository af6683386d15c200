// JSON -> protobuf request message, with the rules (and error texts) of the golang/protobuf jsonpb
// unmarshaler etcd 3.4's gateway uses: fields by original or lowerCamel name (the camel one wins
// when both are given), unknown fields ignored, null leaves a field unset, 64- and 32-bit integers
// as numbers or quoted numbers, enums by name (quoted) or number, bytes as padded standard base64.
// Input has already passed GoJsonSyntax, so only type errors remain to report.
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FastKv.Server.Gateway;

internal sealed class ProtoJsonException(string message) : Exception(message);

internal static class ProtoJsonReader
{
    // Txn requests nest; the same bound protobuf's binary parser keeps a hostile body from
    // exhausting the stack.
    private const int MaxNesting = 100;

    public static IMessage Read(JsonElement json, MessageDescriptor descriptor)
    {
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        if (json.ValueKind == JsonValueKind.Null) return message;
        if (json.ValueKind != JsonValueKind.Object) throw TypeError(json, "map[string]json.RawMessage");
        Fill(message, json, descriptor, 0);
        return message;
    }

    private static void Fill(IMessage message, JsonElement json, MessageDescriptor descriptor, int depth)
    {
        if (depth > MaxNesting) throw new ProtoJsonException($"proto: {descriptor.FullName} nests more than {MaxNesting} messages deep");
        // Later duplicates of a key win, as when Go decodes the object into a map.
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in json.EnumerateObject()) members[p.Name] = p.Value;

        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            var found = members.TryGetValue(field.Name, out var value);
            if (members.TryGetValue(field.JsonName, out var camel))
            {
                value = camel;
                found = true;
            }
            if (!found || value.ValueKind == JsonValueKind.Null) continue;

            if (field.IsRepeated)
            {
                if (value.ValueKind != JsonValueKind.Array) throw TypeError(value, "[]json.RawMessage");
                var list = (IList)field.Accessor.GetValue(message);
                foreach (var item in value.EnumerateArray())
                {
                    // A null element would be a nil entry, which protobuf cannot send; take it as empty.
                    if (item.ValueKind == JsonValueKind.Null && field.FieldType == FieldType.Message)
                    {
                        list.Add(field.MessageType.Parser.ParseFrom(ByteString.Empty));
                        continue;
                    }
                    list.Add(ReadValue(item, field, depth));
                }
                continue;
            }
            field.Accessor.SetValue(message, ReadValue(value, field, depth));
        }
    }

    private static object ReadValue(JsonElement value, FieldDescriptor field, int depth)
    {
        switch (field.FieldType)
        {
            case FieldType.Message:
                {
                    if (value.ValueKind != JsonValueKind.Object) throw TypeError(value, "map[string]json.RawMessage");
                    var nested = field.MessageType.Parser.ParseFrom(ByteString.Empty);
                    Fill(nested, value, field.MessageType, depth + 1);
                    return nested;
                }
            case FieldType.Bool:
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
                throw TypeError(value, "bool");
            case FieldType.String:
                if (value.ValueKind == JsonValueKind.String) return value.GetString()!;
                throw TypeError(value, "string");
            case FieldType.Bytes:
                if (value.ValueKind != JsonValueKind.String) throw TypeError(value, "[]uint8");
                return ByteString.CopyFrom(GoBase64.Decode(Encoding.UTF8.GetBytes(value.GetString()!)));
            case FieldType.Enum:
                return ReadEnum(value, field.EnumType);
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                return (int)ReadInteger(value, "int32", int.MinValue, int.MaxValue);
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return ReadInteger(value, "int64", long.MinValue, long.MaxValue);
            case FieldType.UInt32 or FieldType.Fixed32:
                return (uint)ReadUnsigned(value, "uint32", uint.MaxValue);
            case FieldType.UInt64 or FieldType.Fixed64:
                return ReadUnsigned(value, "uint64", ulong.MaxValue);
            case FieldType.Double:
                return ReadFloat(value, "float64");
            case FieldType.Float:
                return (float)ReadFloat(value, "float32");
            default:
                throw new ProtoJsonException($"unsupported field type {field.FieldType} of {field.FullName}");
        }
    }

    private static object ReadEnum(JsonElement value, EnumDescriptor type)
    {
        var goName = GoTypeName(type);
        if (value.ValueKind == JsonValueKind.String)
        {
            // jsonpb matches the name as written between the quotes, escapes and all.
            var raw = value.GetRawText();
            var name = raw[1..^1];
            var known = type.FindValueByName(name) ?? throw new ProtoJsonException($"unknown value \"{name}\" for enum {goName}");
            return Enum.ToObject(type.ClrType, known.Number);
        }
        var number = (int)ReadInteger(value, goName, int.MinValue, int.MaxValue);
        return Enum.ToObject(type.ClrType, number);
    }

    private static long ReadInteger(JsonElement value, string goType, long min, long max)
    {
        var literal = NumberLiteral(value, goType);
        if (literal is null) return 0;
        if (long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        throw new ProtoJsonException($"json: cannot unmarshal number {literal} into Go value of type {goType}");
    }

    private static ulong ReadUnsigned(JsonElement value, string goType, ulong max)
    {
        var literal = NumberLiteral(value, goType);
        if (literal is null) return 0;
        if (ulong.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max)
            return n;
        throw new ProtoJsonException($"json: cannot unmarshal number {literal} into Go value of type {goType}");
    }

    private static double ReadFloat(JsonElement value, string goType)
    {
        var literal = NumberLiteral(value, goType);
        if (literal is null) return 0;
        return double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The number's literal text, or null for a JSON null. jsonpb strips the quotes from a quoted
    /// number and hands the inside to Go's json.Unmarshal, so the inside must itself be JSON.
    /// </summary>
    private static string? NumberLiteral(JsonElement value, string goType)
    {
        var raw = value.GetRawText();
        if (value.ValueKind == JsonValueKind.String)
        {
            var inner = Encoding.UTF8.GetBytes(raw[1..^1]);
            if (GoJsonSyntax.CheckWhole(inner) is { } syntax) throw new ProtoJsonException(syntax);
            using var doc = JsonDocument.Parse(inner);
            var unquoted = doc.RootElement;
            if (unquoted.ValueKind == JsonValueKind.Null) return null;
            if (unquoted.ValueKind != JsonValueKind.Number) throw TypeError(unquoted, goType);
            return unquoted.GetRawText();
        }
        if (value.ValueKind != JsonValueKind.Number) throw TypeError(value, goType);
        return raw;
    }

    private static ProtoJsonException TypeError(JsonElement value, string goType) =>
        new($"json: cannot unmarshal {GoKind(value)} into Go value of type {goType}");

    private static string GoKind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };

    /// <summary>Go's name of a generated enum type: package, then the nesting joined by '_'.</summary>
    private static string GoTypeName(EnumDescriptor type)
    {
        var package = type.File.Package;
        var local = package.Length == 0 ? type.FullName : type.FullName[(package.Length + 1)..];
        return package.Length == 0 ? local.Replace('.', '_') : package + "." + local.Replace('.', '_');
    }
}
