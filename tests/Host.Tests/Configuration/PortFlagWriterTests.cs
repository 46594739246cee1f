// `link set --save` edits only the keys that changed and keeps the operator's file as they wrote it.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Configuration;

public sealed class PortFlagWriterTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"hairpin-save-{Guid.NewGuid():N}.yaml");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void ReplacesAnExistingValueAndAddsAMissingKeyUnderTheName()
    {
        File.WriteAllText(_file, """
            # the lab bridge
            ports:
              - name: hv1              # first hypervisor
                attach: { afpacket: veth-hv1 }
                hairpin: false         # turned on by the CLI
              - name: hv2
                attach: { tap: tap-hv2 }
            """);
        var onFile = new PortConfig { Name = "hv1" };
        PortFlagWriter.Save(_file, "hv1", onFile with { Hairpin = true, Isolated = true }, onFile);
        Assert.Equal("""
            # the lab bridge
            ports:
              - name: hv1              # first hypervisor
                isolated: true
                attach: { afpacket: veth-hv1 }
                hairpin: true         # turned on by the CLI
              - name: hv2
                attach: { tap: tap-hv2 }
            """, File.ReadAllText(_file));
    }

    [Fact]
    public void AFlowStylePortGetsTheKeyBeforeItsBrace()
    {
        File.WriteAllText(_file, "ports:\n  - { name: hv1, attach: { tap: t1 } }\n");
        var onFile = new PortConfig { Name = "hv1" };
        PortFlagWriter.Save(_file, "hv1", onFile with { State = PortState.Blocking }, onFile);
        Assert.Equal("ports:\n  - { name: hv1, attach: { tap: t1 }, state: blocking }\n", File.ReadAllText(_file));
    }

    [Fact]
    public void NothingChangedWritesNothingAndAMissingPortIsAnError()
    {
        File.WriteAllText(_file, "ports:\n  - name: hv1\n");
        DateTime before = File.GetLastWriteTimeUtc(_file);
        var port = new PortConfig { Name = "hv1" };
        PortFlagWriter.Save(_file, "hv1", port, port);
        Assert.Equal(before, File.GetLastWriteTimeUtc(_file));
        var error = Assert.Throws<InvalidOperationException>(() => PortFlagWriter.Save(_file, "hv9", port with { Hairpin = true }, port));
        Assert.Contains("no port named 'hv9'", error.Message, StringComparison.Ordinal);
    }
}
