// The bare-Kestrel floor: h2c prior knowledge, and one request delegate that drains the request
// body and answers with an empty gRPC message and grpc-status 0. No routing, no parsing, no
// protobuf: what any server built on Kestrel's HTTP/2 pays per call before doing anything.
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastKv.FloorServer;

internal static class KestrelOnlyServer
{
    /// <summary>A gRPC message prefix announcing an empty, uncompressed message.</summary>
    private static readonly byte[] EmptyMessage = new byte[5];

    public static IHost Build(IPEndPoint endPoint, SyncedLog? log) => new HostBuilder()
        .ConfigureLogging(logging => logging.ClearProviders())
        .ConfigureWebHost(web => web
            .UseKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MinRequestBodyDataRate = null;
                kestrel.Limits.MinResponseDataRate = null;
                kestrel.Limits.Http2.MaxStreamsPerConnection = 100_000;
                kestrel.Listen(endPoint, listen => listen.Protocols = HttpProtocols.Http2);
            })
            .Configure(app => app.Run(context => AnswerAsync(context, log))))
        .Build();

    private static async Task AnswerAsync(HttpContext context, SyncedLog? log)
    {
        var body = context.Request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync();
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted) break;
        }
        log?.Append();
        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", "0");
        await context.Response.BodyWriter.WriteAsync(EmptyMessage);
    }
}
