// The test classes that count this thread's allocated bytes run alone, after the parallel ones.
// GC.GetAllocatedBytesForCurrentThread is only exact while no other thread's allocations trigger
// collections: with another thread allocating, a thread that allocates a 24-byte object per window
// saw 55 windows in 5 s counted at 0.7–7.6 KB (an allocation quantum), so a strict "0 bytes per
// operation" test failed now and then only when it shared the process with busy tests.
namespace FastKv.Wal.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurement
{
    public const string Name = "allocation measurement";
}
