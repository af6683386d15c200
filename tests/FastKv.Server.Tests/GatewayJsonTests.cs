// The gateway's JSON layer against independent models: its output parses back to the same message
// with Google.Protobuf's own JSON parser (and its parser reads Google's output), a body of JSON
// values split at any read boundaries yields the same messages, its base64 agrees with .NET's on
// valid input and its syntax check agrees with System.Text.Json on what is JSON at all.
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using FastKv.Api.Etcdserverpb;
using FastKv.Server.Gateway;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace FastKv.Server.Tests;

public sealed class GatewayJsonTests
{
    private static readonly Gen<ByteString> Bytes =
        Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i)).Select(b => ByteString.CopyFrom(b.Take(40).ToArray()));

    private static readonly Gen<long> Longs = Gen.OneOf(Gen.Choose(-1000, 1000).Select(i => (long)i),
        Gen.Elements(0L, long.MaxValue, long.MinValue, 1L << 53, (1L << 53) + 1));

    private static readonly Gen<RequestOp> Ops = Gen.OneOf(
        from k in Bytes from v in Bytes from l in Longs from p in Gen.Elements(true, false)
        select new RequestOp { RequestPut = new PutRequest { Key = k, Value = v, Lease = l, PrevKv = p } },
        from k in Bytes from e in Bytes from l in Longs from o in Gen.Choose(0, 2) from t in Gen.Choose(0, 4)
        select new RequestOp { RequestRange = new RangeRequest { Key = k, RangeEnd = e, Limit = l, SortOrder = (RangeRequest.Types.SortOrder)o, SortTarget = (RangeRequest.Types.SortTarget)t } },
        from k in Bytes select new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = k } });

    private static readonly Gen<Compare> Compares =
        from k in Bytes from r in Gen.Choose(0, 3) from t in Gen.Choose(0, 4) from which in Gen.Choose(0, 4) from n in Longs from v in Bytes
        select Build(k, r, t, which, n, v);

    private static readonly Gen<TxnRequest> Txns =
        from c in Gen.ArrayOf(Compares) from s in Gen.ArrayOf(Ops) from f in Gen.ArrayOf(Ops)
        select new TxnRequest { Compare = { c.Take(4) }, Success = { s.Take(4) }, Failure = { f.Take(4) } };

    private static Compare Build(ByteString key, int result, int target, int which, long n, ByteString value)
    {
        var c = new Compare { Key = key, Result = (Compare.Types.CompareResult)result, Target = (Compare.Types.CompareTarget)target };
        switch (which)
        {
            case 0: c.Version = n; break;
            case 1: c.CreateRevision = n; break;
            case 2: c.ModRevision = n; break;
            case 3: c.Value = value; break;
        }
        return c;
    }

    private static string Json(IMessage message)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        ProtoJsonWriter.Write(output, message);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static IMessage Read(string json, Google.Protobuf.Reflection.MessageDescriptor descriptor)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 10001 });
        return ProtoJsonReader.Read(doc.RootElement, descriptor);
    }

    [Fact]
    public void Written_json_is_read_back_by_google_protobuf_and_by_the_gateway()
    {
        var google = new JsonParser(JsonParser.Settings.Default);
        Prop.ForAll(Txns.ToArbitrary(), txn =>
        {
            var json = Json(txn);
            Assert.Equal(txn, google.Parse<TxnRequest>(json));
            Assert.Equal(txn, Read(json, TxnRequest.Descriptor));
            // And the gateway reads what Google's formatter (original names, spaced out) writes.
            var formatted = new JsonFormatter(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true)).Format(txn);
            Assert.Equal(txn, Read(formatted, TxnRequest.Descriptor));
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Output_uses_original_names_quoted_64_bit_integers_and_omits_defaults()
    {
        var response = new RangeResponse
        {
            Header = new ResponseHeader { ClusterId = ulong.MaxValue, MemberId = 1, Revision = 5, RaftTerm = 2 },
            Kvs = { new FastKv.Api.Mvccpb.KeyValue { Key = ByteString.CopyFromUtf8("foo"), CreateRevision = 5, ModRevision = 5, Version = 1 } },
            Count = 1,
        };
        Assert.Equal(
            """{"header":{"cluster_id":"18446744073709551615","member_id":"1","revision":"5","raft_term":"2"},"kvs":[{"key":"Zm9v","create_revision":"5","mod_revision":"5","version":"1"}],"count":"1"}""",
            Json(response));
        Assert.Equal("{}", Json(new RangeResponse()));
        Assert.Equal("""{"header":{}}""", Json(new RangeResponse { Header = new ResponseHeader() }));
        // A set oneof member is written even when it holds its default; enums by name, an unknown one bare.
        Assert.Equal("""{"result":"GREATER","target":"MOD","mod_revision":"0"}""",
            Json(new Compare { Result = Compare.Types.CompareResult.Greater, Target = Compare.Types.CompareTarget.Mod, ModRevision = 0 }));
        Assert.Equal("""{"sort_order":7}""", Json(new RangeRequest { SortOrder = (RangeRequest.Types.SortOrder)7 }));
        // Go's escaping: HTML-sensitive characters, control characters and line separators.
        Assert.Equal("""{"name":"\u003c\u0026\u003e \"\\ \n\t\u0001 é \u2028 😀"}""",
            Json(new AuthRoleAddRequest { Name = "<&> \"\\ \n\t\u0001 é \u2028 😀" }));
    }

    [Fact]
    public void Json_values_split_at_any_read_boundaries_come_out_as_the_same_messages()
    {
        var gen =
            from txns in Gen.ArrayOf(Txns)
            from separators in Gen.ArrayOf(Gen.Elements("", " ", "\n", "\r\n\t "))
            from cuts in Gen.ArrayOf(Gen.Choose(1, 50))
            select (txns.Take(5).ToArray(), separators, cuts);
        Prop.ForAll(gen.ToArbitrary(), async input =>
        {
            var (txns, separators, cuts) = input;
            var text = new StringBuilder();
            for (var i = 0; i < txns.Length; i++)
                text.Append(Json(txns[i])).Append(separators.Length == 0 ? "" : separators[i % separators.Length]);
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            var (body, feeding) = ChunkedPipe.Feed(bytes, cuts);
            var reader = new JsonBodyReader(body, TxnRequest.Descriptor, 1 << 20);
            var read = new List<IMessage>();
            for (var i = 0; i <= txns.Length; i++)
            {
                var next = await reader.ReadAsync(CancellationToken.None);
                Assert.Null(next.Error);
                if (next.IsEnd) break;
                read.Add(next.Message!);
            }
            await feeding;
            Assert.Equal(txns, read.Cast<TxnRequest>());
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public void Base64_agrees_with_dotnet_on_valid_input_with_line_breaks_anywhere()
    {
        var gen =
            from data in Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i))
            from breaks in Gen.ArrayOf(Gen.Choose(0, 100))
            select (data, breaks);
        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (data, breaks) = input;
            var text = new StringBuilder(Convert.ToBase64String(data));
            foreach (var at in breaks.Take(5)) text.Insert(Math.Min(at, text.Length), at % 2 == 0 ? "\n" : "\r\n");
            Assert.Equal(data, GoBase64.Decode(Encoding.ASCII.GetBytes(text.ToString())));
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Theory]
    [InlineData("YQ", "illegal base64 data at input byte 0")]
    [InlineData("YQ=", "illegal base64 data at input byte 3")]
    [InlineData("Y", "illegal base64 data at input byte 0")]
    [InlineData("YQ==YQ==", "illegal base64 data at input byte 4")]
    [InlineData("a b", "illegal base64 data at input byte 1")]
    [InlineData("-_8=", "illegal base64 data at input byte 0")]
    [InlineData("=", "illegal base64 data at input byte 0")]
    public void Base64_errors_name_the_byte_go_names(string input, string expected)
    {
        var e = Assert.Throws<ProtoJsonException>(() => GoBase64.Decode(Encoding.ASCII.GetBytes(input)));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Syntax_check_accepts_exactly_what_system_text_json_accepts()
    {
        var tokens = Gen.Elements("{", "}", "[", "]", ",", ":", " ", "\"a\"", "\"\\u00e9\"", "\"\\x\"", "1", "-", "0", "01", "1.", ".5", "1e5", "2E-3",
            "true", "tru", "null", "nul", "false", "\"", "\\", "x", "\n");
        var gen = Gen.ArrayOf(tokens).Select(t => string.Concat(t.Take(12)));
        Prop.ForAll(gen.ToArbitrary(), text =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var ours = GoJsonSyntax.CheckWhole(bytes) is null;
            bool theirs;
            try
            {
                using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 1000 });
                theirs = true;
            }
            catch (JsonException)
            {
                theirs = false;
            }
            Assert.True(ours == theirs, $"{text}: gateway {ours}, System.Text.Json {theirs}");
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Theory]
    [InlineData("{\"a\" 1}", "invalid character '1' after object key")]
    [InlineData("{\"a\":1 \"b\"}", "invalid character '\"' after object key:value pair")]
    [InlineData("[1 2]", "invalid character '2' after array element")]
    [InlineData("{1}", "invalid character '1' looking for beginning of object key string")]
    [InlineData("\"a\tb\"", "invalid character '\\t' in string literal")]
    [InlineData("\"\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape")]
    [InlineData("nulL", "invalid character 'L' in literal null (expecting 'l')")]
    [InlineData("1 2", "invalid character '2' after top-level value")]
    [InlineData("'a'", "invalid character '\\'' looking for beginning of value")]
    [InlineData("[1", "unexpected end of JSON input")]
    [InlineData("", "unexpected end of JSON input")]
    public void Syntax_errors_read_like_gos(string text, string expected) =>
        Assert.Equal(expected, GoJsonSyntax.CheckWhole(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Deep_nesting_is_an_error_not_a_crash()
    {
        var deep = new string('[', 20000) + new string(']', 20000);
        Assert.Equal("exceeded max depth", GoJsonSyntax.CheckWhole(Encoding.ASCII.GetBytes(deep)));
        var txn = new StringBuilder();
        for (var i = 0; i < 500; i++) txn.Append("{\"success\":[{\"request_txn\":");
        txn.Append("{}");
        for (var i = 0; i < 500; i++) txn.Append("}]}");
        var e = Assert.Throws<ProtoJsonException>(() => Read(txn.ToString(), TxnRequest.Descriptor));
        Assert.Contains("nests more than", e.Message, StringComparison.Ordinal);
    }
}
