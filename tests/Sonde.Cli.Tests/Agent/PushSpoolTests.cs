using Sonde.Cli.Continuous;
using Sonde.Cli.Tests.Support;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Tests.Agent;

/// <summary>The agent's disk spool on its own: order, its size bound, surviving a restart, and one owner at a time.</summary>
public sealed class PushSpoolTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static byte[] Body(int size, byte fill) => Enumerable.Repeat(fill, size).ToArray();

    [Fact]
    public void A_full_spool_drops_its_oldest_windows_counts_them_and_keeps_the_order()
    {
        var path = _directory.File("spool");
        using (var spool = new PushSpool(path, maxBytes: 100 << 10))
        {
            for (var i = 0; i < 10; i++)
            {
                var dropped = spool.Add($"window={i}", Body(30 << 10, (byte)i));
                Assert.Equal(i < 3 ? 0 : 1, dropped);
            }
            Assert.Equal(7, spool.Dropped);
            Assert.Equal(3, spool.Count);
            Assert.True(spool.Bytes <= spool.MaxBytes);
            Assert.True(spool.TryReadOldest(out var sequence, out var query, out var body));
            Assert.Equal("window=7", query);
            Assert.Equal(Body(30 << 10, 7), body);
            spool.Remove(sequence);
        }

        // What was left is there for the next agent, oldest first, and new windows go after it.
        using var reopened = new PushSpool(path, maxBytes: 100 << 10);
        reopened.Add("window=10", Body(10, 10));
        var order = new List<string>();
        while (reopened.TryReadOldest(out var sequence, out var query, out _))
        {
            order.Add(query);
            reopened.Remove(sequence);
        }
        Assert.Equal(["window=8", "window=9", "window=10"], order);
    }

    [Fact]
    public void A_second_agent_cannot_use_the_same_spool()
    {
        var path = _directory.File("spool");
        using var first = new PushSpool(path, 1 << 20);
        var error = Assert.Throws<UsageException>(() => new PushSpool(path, 1 << 20));
        Assert.Contains("--spool DIR", error.Message, StringComparison.Ordinal);
    }
}
