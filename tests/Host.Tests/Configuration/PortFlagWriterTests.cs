// `link set --save` edits only the keys that changed and keeps the operator's file as they wrote it;
// a file that does not load as it stands is refused with its located errors, and nothing is written.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Configuration;

public sealed class PortFlagWriterTests
{
    private const string File = "/etc/hairpin/bridge.yaml";

    [Fact]
    public void ReplacesAnExistingValueAndAddsAMissingKeyUnderTheName()
    {
        const string Text = """
            # the lab bridge
            ports:
              - name: hv1              # first hypervisor
                attach: { afpacket: veth-hv1 }
                hairpin: false         # turned on by the CLI
              - name: hv2
                attach: { tap: tap-hv2 }
            """;
        var onFile = new PortConfig { Name = "hv1" };

        string? rewritten = PortFlagWriter.Rewrite(Text, File, "hv1", onFile with { Hairpin = true, Isolated = true });

        Assert.Equal("""
            # the lab bridge
            ports:
              - name: hv1              # first hypervisor
                isolated: true
                attach: { afpacket: veth-hv1 }
                hairpin: true         # turned on by the CLI
              - name: hv2
                attach: { tap: tap-hv2 }
            """, rewritten);
    }

    [Fact]
    public void AFlowStylePortGetsTheKeyBeforeItsBrace() =>
        Assert.Equal(
            "ports:\n  - { name: hv1, attach: { tap: t1 }, state: blocking }\n",
            PortFlagWriter.Rewrite("ports:\n  - { name: hv1, attach: { tap: t1 } }\n", File, "hv1", new PortConfig { Name = "hv1", State = PortState.Blocking }));

    [Fact]
    public void ABraceInsideAQuotedNameDoesNotMisplaceTheKey() =>
        // Counting braces in the text (as before) ran past the quoted '{' and refused the save.
        Assert.Equal(
            "ports:\n  - { name: \"hv{1\", attach: { tap: t1 }, isolated: true }\n",
            PortFlagWriter.Rewrite("ports:\n  - { name: \"hv{1\", attach: { tap: t1 } }\n", File, "hv{1", new PortConfig { Name = "hv{1", Isolated = true }));

    [Fact]
    public void NothingChangedIsNothingToWrite() =>
        Assert.Null(PortFlagWriter.Rewrite("ports:\n  - name: hv1\n    attach: { tap: t1 }\n", File, "hv1", new PortConfig { Name = "hv1" }));

    [Fact]
    public void APortTheFileNoLongerHasIsALocatedError()
    {
        var error = Assert.Throws<ConfigException>(() =>
            PortFlagWriter.Rewrite("ports:\n  - name: hv1\n    attach: { tap: t1 }\n", File, "hv9", new PortConfig { Name = "hv9", Hairpin = true }));

        Assert.Equal($"{File}:1:1: the file has no port 'hv9' (it was renamed or removed since the bridge started): nothing saved", Assert.Single(error.Errors).ToString());
    }

    [Fact]
    public void AFileWithErrorsIsRefusedWithEveryErrorLocated()
    {
        var error = Assert.Throws<ConfigException>(() =>
            PortFlagWriter.Rewrite("ports:\n  - name: p1\n    attach: { tap: t1 }\n    hairpn: true\n", File, "p1", new PortConfig { Name = "p1", Isolated = true }));

        Assert.Equal($"{File}:4:5: unknown key 'hairpn' in port p1 (did you mean 'hairpin'?)", Assert.Single(error.Errors).ToString());
    }

    [Fact]
    public void AValueSharedThroughAYamlAnchorIsLeftToTheOperator()
    {
        const string Text = "ports:\n  - name: hv1\n    attach: { tap: t1 }\n    hairpin: &on true\n  - name: hv2\n    attach: { tap: t2 }\n    hairpin: *on\n";

        foreach (string port in new[] { "hv1", "hv2" })
        {
            var error = Assert.Throws<InvalidOperationException>(() => PortFlagWriter.Rewrite(Text, File, port, new PortConfig { Name = port, Hairpin = false }));

            Assert.Equal($"{File}:4:14: hairpin of port {port} is the YAML anchor '&on', which other values may share: edit it by hand; nothing saved", error.Message);
        }
    }
}
