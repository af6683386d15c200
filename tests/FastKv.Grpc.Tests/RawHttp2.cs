// Hand-made gRPC requests over HttpClient's HTTP/2 (prior knowledge), for bodies and headers the
// project's client would never produce. Returns the status wherever the server put it.
using System.Net;
using System.Net.Http.Headers;

namespace FastKv.Grpc.Tests;

internal static class RawHttp2
{
    public static async Task<(int Code, string Message, byte[] Body)> CallAsync(
        Uri address, string path, byte[] body, params (string Name, string Value)[] headers)
    {
        using var handler = new SocketsHttpHandler();
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(2, 0), response.Version);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var source = response.Headers.Contains("grpc-status") ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        var code = int.Parse(source.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var message = source.TryGetValues("grpc-message", out var values) ? values.Single() : "";
        return (code, message, bytes);
    }

    public static byte[] Frame(byte flag, uint declaredLength, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }
}
