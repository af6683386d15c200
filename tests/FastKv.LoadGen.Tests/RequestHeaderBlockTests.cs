// The request header block the transport encodes once per method decodes (with the server-side
// HPACK decoder) to exactly gRPC's request headers, for any path and authority length.
using System.Text;
using FastKv.Grpc.Hosting;
using FastKv.LoadGen.Http2;
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.LoadGen.Tests;

public sealed class RequestHeaderBlockTests
{
    private static List<(string, string)> Decode(byte[] block)
    {
        var fields = new List<HpackHeaderField>();
        Assert.True(new HpackDecoder(4096).TryDecode(block, fields));
        return fields.Select(f => (Encoding.ASCII.GetString(f.Name), Encoding.ASCII.GetString(f.Value))).ToList();
    }

    [Fact]
    public void Decodes_to_grpc_request_headers()
    {
        Assert.Equal(
            [(":method", "POST"), (":scheme", "http"), (":path", "/etcdserverpb.KV/Put"), (":authority", "127.0.0.1:2379"),
             ("content-type", "application/grpc"), ("te", "trailers")],
            Decode(RequestHeaderBlock.Encode("/etcdserverpb.KV/Put", "127.0.0.1:2379")));
    }

    [Fact]
    public void Round_trips_any_path_and_authority_without_touching_the_dynamic_table()
    {
        var text = Gen.Choose(0, 400).SelectMany(n => Gen.ArrayOf(Gen.Choose(0x21, 0x7E).Select(c => (char)c), n)).Select(a => new string(a));
        Prop.ForAll(text.ToArbitrary(), text.ToArbitrary(), (path, authority) =>
        {
            var decoder = new HpackDecoder(4096);
            var fields = new List<HpackHeaderField>();
            Assert.True(decoder.TryDecode(RequestHeaderBlock.Encode("/" + path, authority), fields));
            Assert.Equal("/" + path, Encoding.ASCII.GetString(fields[2].Value));
            Assert.Equal(authority, Encoding.ASCII.GetString(fields[3].Value));
            Assert.Equal(0, decoder.TableSize);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }
}
