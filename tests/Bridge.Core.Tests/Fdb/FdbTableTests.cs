// The FDB against a plain dictionary under random churn (learn, move, delete, flush, age), so the
// open-addressing table's backward-shift deletion can never lose or resurrect an entry.
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tests.Fdb;

public sealed class FdbTableTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void RandomChurnAgreesWithAReferenceDictionary(int seed)
    {
        var random = new Random(seed);
        var table = new FdbTable(learnedCapacity: 512, maxStatic: 64);
        var reference = new Dictionary<(int Vid, ulong Mac), (int Port, uint Seen, FdbEntryKind Kind)>();
        uint now = 0;
        for (int step = 0; step < 50_000; step++)
        {
            now += (uint)random.Next(3);
            int vid = random.Next(1, 4);
            var mac = new MacAddress(0x02_00_00_00_00_00UL | (uint)random.Next(1, 400));
            int port = random.Next(8);
            switch (random.Next(100))
            {
                case < 80:
                    table.Learn(vid, mac, port, now, portLimit: 0, bridgeLimit: 512);
                    ReferenceLearn(reference, vid, mac, port, now, 512);
                    break;
                case < 90:
                    Assert.Equal(reference.Remove((vid, mac.Value)), table.Remove(vid, mac));
                    break;
                case < 92:
                    // Replaces any entry; refused (leaving none) once the 64 static slots are taken.
                    reference.Remove((vid, mac.Value));
                    if (table.AddPermanent(vid, mac, port, FdbEntryKind.Static, now))
                    {
                        reference[(vid, mac.Value)] = (port, now, FdbEntryKind.Static);
                    }
                    Assert.True(reference.Count(e => e.Value.Kind == FdbEntryKind.Static) <= 64);
                    break;
                case < 94:
                    int flushed = table.Flush(port: port);
                    int expected = reference.Where(e => e.Value.Port == port && e.Value.Kind != FdbEntryKind.Static).Select(e => e.Key).ToList()
                        .Count(key => reference.Remove(key));
                    Assert.Equal(expected, flushed);
                    break;
                default:
                    int aged = table.AgeOut(now, maxIdleSeconds: 200);
                    int expectedAged = reference.Where(e => e.Value.Kind != FdbEntryKind.Static && now - e.Value.Seen > 200).Select(e => e.Key).ToList()
                        .Count(key => reference.Remove(key));
                    Assert.Equal(expectedAged, aged);
                    break;
            }
            if (step % 1000 == 0)
            {
                AssertSame(table, reference, seed, step);
            }
        }
        AssertSame(table, reference, seed, 50_000);
    }

    private static void ReferenceLearn(Dictionary<(int, ulong), (int Port, uint Seen, FdbEntryKind Kind)> reference, int vid, MacAddress mac, int port, uint now, int limit)
    {
        if (reference.TryGetValue((vid, mac.Value), out var entry))
        {
            if (entry.Kind == FdbEntryKind.Learned || entry.Port == port)
            {
                reference[(vid, mac.Value)] = (port, now, entry.Kind);
            }
            return;
        }
        if (reference.Count(e => e.Value.Kind != FdbEntryKind.Static) < limit)
        {
            reference[(vid, mac.Value)] = (port, now, FdbEntryKind.Learned);
        }
    }

    private static void AssertSame(FdbTable table, Dictionary<(int Vid, ulong Mac), (int Port, uint Seen, FdbEntryKind Kind)> reference, int seed, int step)
    {
        var snapshot = table.Snapshot();
        Assert.True(snapshot.Count == reference.Count, $"seed {seed} step {step}: table has {snapshot.Count}, reference {reference.Count}");
        foreach (var ((vid, mac), (port, _, _)) in reference)
        {
            Assert.True(table.Lookup(vid, new MacAddress(mac)) == port, $"seed {seed} step {step}: {new MacAddress(mac)} vlan {vid} should be on port {port}");
        }
    }

    [Fact]
    public void PerPortLimitStopsNewEntriesButNotOtherPorts()
    {
        var table = new FdbTable(learnedCapacity: 100, maxStatic: 0);
        for (uint i = 1; i <= 50; i++)
        {
            table.Learn(1, new MacAddress(0x02_00_00_00_10_00UL | i), port: 0, now: 0, portLimit: 5, bridgeLimit: 100);
        }
        Assert.Equal(5, table.LearnedOnPort(0));
        Assert.Equal(LearnOutcome.Learned, table.Learn(1, new MacAddress(0x02_00_00_00_20_01UL), port: 1, now: 0, portLimit: 5, bridgeLimit: 100));
    }

    [Fact]
    public void TheActivePartGrowsWithTheEntriesAndKeepsEveryOne()
    {
        var table = new FdbTable(learnedCapacity: 100_000, maxStatic: 0);
        int initial = table.ActiveSize;
        for (uint i = 1; i <= 20_000; i++)
        {
            Assert.Equal(LearnOutcome.Learned, table.Learn(1 + (int)(i % 7), new MacAddress(0x02_00_00_00_00_00UL | i), (int)(i % 64), now: i, portLimit: 0, bridgeLimit: 100_000));
        }
        Assert.True(table.ActiveSize >= 40_000 && table.ActiveSize > initial, $"active size {table.ActiveSize}");
        for (uint i = 1; i <= 20_000; i++)
        {
            Assert.Equal((int)(i % 64), table.Lookup(1 + (int)(i % 7), new MacAddress(0x02_00_00_00_00_00UL | i)));
        }
    }
}
