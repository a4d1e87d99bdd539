using System.Runtime.InteropServices;
using Sonde.Remote.Memory;

namespace Sonde.Remote.Tests.Memory;

/// <summary>
/// Ranges planned for one read merge when they share or touch pages, never across a page neither reached nor
/// across a barrier, and every range's bytes land where <see cref="ReadPlan.Add"/> said. Read from this process.
/// </summary>
public sealed unsafe partial class ReadPlanTests : IDisposable
{
    private const int Page = 4096;
    private const int ProtNone = 0;
    private const int ProtReadWrite = 3;

    private readonly byte* _block = (byte*)NativeMemory.AlignedAlloc(4 * Page, Page);
    private readonly ProcessVmMemory _memory = new(Environment.ProcessId);

    public ReadPlanTests()
    {
        for (var i = 0; i < 4 * Page; i++) _block[i] = (byte)(i * 7 + i / 251);
    }

    private ulong At(int offset) => (ulong)_block + (ulong)offset;

    [Fact]
    public void RangesOnTheSameOrTheNextPageMergeAndLandWhereTheirOffsetsSay()
    {
        var plan = new ReadPlan();
        var first = plan.Add(At(100), 16);
        var samePage = plan.Add(At(3000), 32);
        var nextPage = plan.Add(At(Page + 50), 8);
        Assert.Equal(1, plan.RangeCount);
        Assert.True(plan.TryRead(_memory));
        AssertBytes(plan, first, 100, 16);
        AssertBytes(plan, samePage, 3000, 32);
        AssertBytes(plan, nextPage, Page + 50, 8);
    }

    [Fact]
    public void APageNeitherRangeReachedIsNeverRead()
    {
        // The middle page can't be read: had the two ranges been merged across it, the read would fail.
        Assert.Equal(0, Protect(At(Page), Page, ProtNone));
        try
        {
            var plan = new ReadPlan();
            var before = plan.Add(At(Page - 16), 16);
            var after = plan.Add(At(2 * Page + 8), 16);
            Assert.Equal(2, plan.RangeCount);
            Assert.True(plan.TryRead(_memory));
            AssertBytes(plan, before, Page - 16, 16);
            AssertBytes(plan, after, 2 * Page + 8, 16);
        }
        finally
        {
            Protect(At(Page), Page, ProtReadWrite);
        }
    }

    [Fact]
    public void ABarrierKeepsLaterRangesApart()
    {
        var plan = new ReadPlan();
        var first = plan.Add(At(0), 8);
        plan.Barrier();
        var second = plan.Add(At(8), 8);
        var third = plan.Add(At(64), 8);
        Assert.Equal(2, plan.RangeCount);
        Assert.True(plan.TryRead(_memory));
        AssertBytes(plan, first, 0, 8);
        AssertBytes(plan, second, 8, 8);
        AssertBytes(plan, third, 64, 8);
    }

    [Fact]
    public void RangesAddedInAddressOrderMergeWhateverOrderTheyCameIn()
    {
        var plan = new ReadPlan();
        RemoteRange[] ranges = [new(At(3 * Page + 8), 8), new(At(200), 24), new(At(3 * Page - 40), 8), new(At(16), 8)];
        var offsets = new int[ranges.Length];
        plan.AddInAddressOrder(ranges, offsets);
        // Pages 0 and 2-3 make two ranges; page 1 lies between them unread.
        Assert.Equal(2, plan.RangeCount);
        Assert.True(plan.TryRead(_memory));
        for (var i = 0; i < ranges.Length; i++) AssertBytes(plan, offsets[i], (int)(ranges[i].Address - At(0)), ranges[i].Length);
    }

    private void AssertBytes(ReadPlan plan, int offset, int blockOffset, int length) =>
        Assert.Equal(new ReadOnlySpan<byte>(_block + blockOffset, length).ToArray(), plan.Buffer.AsSpan(offset, length).ToArray());

    public void Dispose() => NativeMemory.AlignedFree(_block);

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int Protect(ulong address, nuint length, int protection);
}
