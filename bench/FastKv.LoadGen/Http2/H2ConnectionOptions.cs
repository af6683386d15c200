// The client transport's knobs: the windows it grants the server, how long a unary call may take
// before it fails with DeadlineExceeded, and how long the connection setup may take.
namespace FastKv.LoadGen.Http2;

public sealed record H2ConnectionOptions
{
    /// <summary>SETTINGS_INITIAL_WINDOW_SIZE sent to the server: how much response body one stream may have in flight.</summary>
    public int StreamReceiveWindow { get; init; } = 16 * 1024 * 1024;

    /// <summary>The connection-level receive window granted right after the preface.</summary>
    public int ConnectionReceiveWindow { get; init; } = 1 << 30;

    /// <summary>Largest response message accepted.</summary>
    public int MaxReceiveMessageSize { get; init; } = 64 * 1024 * 1024;

    /// <summary>A unary call still unanswered after this long fails with DeadlineExceeded (and its stream is reset).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often outstanding calls are checked against CallTimeout.</summary>
    public TimeSpan DeadlineCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>TCP connect plus the server's first SETTINGS.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
