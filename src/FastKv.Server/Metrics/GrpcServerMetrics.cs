// etcd's grpc_server_* families (go-grpc-prometheus names, labels and buckets), fed by the gRPC
// host's call observer. Every registered method gets its series at start-up, at zero, for every
// status code, as go-grpc-prometheus pre-registers them; a call then only finds its method's
// preallocated cells (one dictionary lookup by reference) and bumps them with interlocked adds.
// grpc_server_handling_seconds exists only with --metrics=extensive, as in etcd.
//
// Messages: the host's observer reports call start and end only, so msg_received/msg_sent count
// what a unary call implies (one request in; one response out when it succeeded, as
// go-grpc-prometheus counts); messages inside streams are not seen by this observer.
using System.Collections.Frozen;
using FastKv.Api;
using FastKv.Grpc.Server;

namespace FastKv.Server.Metrics;

public sealed class GrpcServerMetrics : IGrpcCallObserver
{
    private readonly FrozenDictionary<GrpcMethodInfo, MethodCells> _byMethod;
    private readonly MethodCells[] _sorted;
    private readonly bool _handlingHistogram;

    public GrpcServerMetrics(IEnumerable<GrpcMethodInfo> methods, bool handlingHistogram)
    {
        _handlingHistogram = handlingHistogram;
        _sorted = methods
            .Select(m => new MethodCells(m, handlingHistogram))
            .OrderBy(c => c.Method.Name, StringComparer.Ordinal)
            .ThenBy(c => c.Method.Service, StringComparer.Ordinal)
            .ToArray();
        _byMethod = _sorted.ToFrozenDictionary<MethodCells, GrpcMethodInfo>(c => c.Method, ReferenceEqualityComparer.Instance);
    }

    public bool HasHandlingHistogram => _handlingHistogram;

    public void OnCallStarted(GrpcMethodInfo method)
    {
        if (!_byMethod.TryGetValue(method, out var cells)) return;
        Interlocked.Increment(ref cells.Started);
        if (method.Kind == MethodKind.Unary) Interlocked.Increment(ref cells.Received);
    }

    public void OnCallCompleted(GrpcMethodInfo method, StatusCode code, TimeSpan elapsed)
    {
        if (!_byMethod.TryGetValue(method, out var cells)) return;
        Interlocked.Increment(ref cells.Handled[GrpcCodeNames.Slot(code)]);
        if (method.Kind == MethodKind.Unary && code == StatusCode.OK) Interlocked.Increment(ref cells.Sent);
        cells.Handling?.Observe(elapsed);
    }

    // Unary calls are counted at start and completion above; streams count each message.
    public void OnStreamMessageReceived(GrpcMethodInfo method)
    {
        if (method.Kind != MethodKind.Unary && _byMethod.TryGetValue(method, out var cells)) Interlocked.Increment(ref cells.Received);
    }

    public void OnStreamMessageSent(GrpcMethodInfo method)
    {
        if (method.Kind != MethodKind.Unary && _byMethod.TryGetValue(method, out var cells)) Interlocked.Increment(ref cells.Sent);
    }

    public IEnumerable<MetricFamily> Families()
    {
        yield return new SeriesFamily("grpc_server_started_total", "Total number of RPCs started on the server.", MetricType.Counter,
            w => { foreach (var c in _sorted) w.Sample("grpc_server_started_total", c.Labels, Volatile.Read(ref c.Started)); });
        yield return new SeriesFamily("grpc_server_handled_total", "Total number of RPCs completed on the server, regardless of success or failure.", MetricType.Counter,
            WriteHandled);
        yield return new SeriesFamily("grpc_server_msg_received_total", "Total number of RPC stream messages received on the server.", MetricType.Counter,
            w => { foreach (var c in _sorted) w.Sample("grpc_server_msg_received_total", c.Labels, Volatile.Read(ref c.Received)); });
        yield return new SeriesFamily("grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.", MetricType.Counter,
            w => { foreach (var c in _sorted) w.Sample("grpc_server_msg_sent_total", c.Labels, Volatile.Read(ref c.Sent)); });
        if (_handlingHistogram)
            yield return new SeriesFamily("grpc_server_handling_seconds",
                "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.", MetricType.Histogram,
                w => { foreach (var c in _sorted) w.Histogram("grpc_server_handling_seconds", c.Labels, c.Handling!); });
    }

    private void WriteHandled(ExpositionWriter w)
    {
        // Sorted by code name first, as the Go client orders series by their label values.
        foreach (var slot in CodeSlotsByName)
            foreach (var c in _sorted)
                w.Sample("grpc_server_handled_total", c.HandledLabels[slot], Volatile.Read(ref c.Handled[slot]));
    }

    private static readonly int[] CodeSlotsByName = Enumerable.Range(0, GrpcCodeNames.Count)
        .OrderBy(i => GrpcCodeNames.Of((StatusCode)i), StringComparer.Ordinal).ToArray();

    private sealed class MethodCells
    {
        public readonly GrpcMethodInfo Method;
        public readonly string Labels;
        public readonly string[] HandledLabels;
        public readonly long[] Handled = new long[GrpcCodeNames.Count];
        public readonly HistogramCells? Handling;
        public long Started;
        public long Received;
        public long Sent;

        public MethodCells(GrpcMethodInfo method, bool histogram)
        {
            Method = method;
            Labels = ExpositionWriter.FormatLabels(("grpc_method", method.Name), ("grpc_service", method.Service), ("grpc_type", method.GrpcType));
            HandledLabels = new string[GrpcCodeNames.Count];
            for (var i = 0; i < HandledLabels.Length; i++)
                HandledLabels[i] = ExpositionWriter.FormatLabels(("grpc_code", GrpcCodeNames.Of((StatusCode)i)),
                    ("grpc_method", method.Name), ("grpc_service", method.Service), ("grpc_type", method.GrpcType));
            if (histogram) Handling = new HistogramCells(Buckets.Default());
        }
    }
}
