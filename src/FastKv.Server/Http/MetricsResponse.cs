// The /metrics answer: the registry rendered in the text format, gzip-compressed when the
// scraper accepts it (Prometheus always asks), as etcd's handler does; a scrape with the
// extensive gRPC histograms is a few hundred kilobytes of highly repetitive text.
using System.IO.Compression;
using System.Text;
using FastKv.Server.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace FastKv.Server.Http;

public static class MetricsResponse
{
    public static async Task WriteAsync(HttpContext context, MetricRegistry metrics)
    {
        var response = context.Response;
        var body = Encoding.UTF8.GetBytes(metrics.Render());
        response.ContentType = ExpositionWriter.ContentType;
        if (!AcceptsGzip(context.Request))
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            return;
        }
        response.Headers.ContentEncoding = "gzip";
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        await using var gzip = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
        await gzip.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var codings) &&
        codings.Any(c => c.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && (c.Quality ?? 1) > 0);
}
