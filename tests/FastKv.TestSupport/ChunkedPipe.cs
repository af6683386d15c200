// Bytes fed into a pipe in the pieces a property test chose, while the code under test reads the
// other end concurrently: how parsers are shown to cope with any read boundary.
using System.IO.Pipelines;

namespace FastKv.TestSupport;

public static class ChunkedPipe
{
    /// <summary>A reader that receives <paramref name="bytes"/> in pieces of the <paramref name="cuts"/> sizes (cycled; none means all at once), and the task feeding it.</summary>
    public static (PipeReader Reader, Task Feeding) Feed(byte[] bytes, int[] cuts)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var feeding = Task.Run(async () =>
        {
            var offset = 0;
            for (var i = 0; offset < bytes.Length; i++)
            {
                var n = Math.Min(cuts.Length == 0 ? bytes.Length : Math.Max(1, cuts[i % cuts.Length]), bytes.Length - offset);
                await pipe.Writer.WriteAsync(bytes.AsMemory(offset, n));
                offset += n;
            }
            await pipe.Writer.CompleteAsync();
        });
        return (pipe.Reader, feeding);
    }
}
