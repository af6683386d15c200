// Shorthands for the calls the tests repeat, through the project's own client.
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Client;
using Google.Protobuf;

namespace FastKv.Grpc.Tests;

internal static class KvCalls
{
    public static Task<PutResponse> PutAsync(this GrpcClient client, string key, string value, CallOptions options = default) =>
        client.UnaryAsync("/etcdserverpb.KV/Put",
            new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) }, PutResponse.Parser, options);

    public static async Task<string?> GetAsync(this GrpcClient client, string key, CallOptions options = default)
    {
        var response = await client.UnaryAsync("/etcdserverpb.KV/Range",
            new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, RangeResponse.Parser, options);
        return response.Kvs.Count == 0 ? null : response.Kvs[0].Value.ToStringUtf8();
    }

    /// <summary>Proves the server still serves after an error: a fresh write reads back.</summary>
    public static async Task AssertServesAsync(this GrpcClient client)
    {
        var value = Guid.NewGuid().ToString("N");
        await client.PutAsync("alive", value, new CallOptions { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal(value, await client.GetAsync("alive", new CallOptions { Timeout = TimeSpan.FromSeconds(10) }));
    }
}
