// The per-stream state the connection keeps for one call: its id, the send window the server
// granted, request data not yet sent, whether each side has ended, and the deadline. Every field
// is read and written under the connection's lock; subclasses add what the call's caller sees.
namespace FastKv.LoadGen.Http2;

public abstract class H2Stream
{
    /// <summary>0 until the stream is opened (its HEADERS written).</summary>
    internal int Id;

    /// <summary>The server's flow-control window for this stream (may go negative after a SETTINGS change).</summary>
    internal long SendWindow;

    /// <summary>DATA bytes received since this side last granted stream window.</summary>
    internal int ReceivedUnacked;

    /// <summary>Entries of this stream in the connection's blocked queue.</summary>
    internal int BlockedEntries;

    /// <summary>The drain pass in which this stream was found blocked, so later entries of it wait too.</summary>
    internal int DrainPass;

    internal bool LocalEnded;
    internal bool HeadersSeen;
    internal bool Finished;

    /// <summary>Stopwatch ticks after which the call fails with DeadlineExceeded; 0 for none.</summary>
    internal long Deadline;

    internal byte[] HeaderBlock = [];

    /// <summary>Writes made before the stream could be opened (no free stream slot yet), in order.</summary>
    internal readonly List<OutboundData> Deferred = new(1);

    /// <summary>While waiting for a stream slot: its place in the connection's queue.</summary>
    internal LinkedListNode<H2Stream>? WaitingNode;

    /// <summary>Takes response body bytes (DATA payload); returns an error text when they cannot be accepted.</summary>
    internal abstract string? AcceptData(ReadOnlySpan<byte> data);

    /// <summary>The call's outcome: null for status OK. Called once, under the connection lock.</summary>
    internal abstract void OnFinished(FastKv.Grpc.RpcException? error);

    /// <summary>Wakes whoever waits for the outcome; called outside the lock, once after OnFinished.</summary>
    internal abstract void Signal();

    internal void ResetStreamState()
    {
        Id = 0;
        SendWindow = 0;
        ReceivedUnacked = 0;
        BlockedEntries = 0;
        DrainPass = 0;
        LocalEnded = false;
        HeadersSeen = false;
        Finished = false;
        Deadline = 0;
        Deferred.Clear();
        WaitingNode = null;
    }
}
