// The claims in flight of the etcd store: another appliance's write that the watch delivers before a
// claim's own answer voids the win when it came after it, and is ignored when it came before (the
// claim's transaction compared against it) or when no claim of that VSI is in flight.
using Hairpin.Host.Qbg.Store;

namespace Hairpin.Host.Tests.Qbg.Store;

public sealed class EtcdClaimsInFlightTests
{
    [Fact]
    public void AWriteByAnotherApplianceAfterTheWinVoidsIt()
    {
        var claims = new EtcdClaimsInFlight();
        claims.Begin("vsi1");

        Assert.True(claims.Observe("vsi1", "b", "b/hv1", revision: 12));
        Assert.True(claims.Observe("vsi1", "c", "c/hv4", revision: 11));   // an older event never replaces a newer one

        Assert.Equal(("b", "b/hv1"), claims.End("vsi1", wonAt: 10));
    }

    [Fact]
    public void AWriteBeforeTheWinOrALostClaimOrNoClaimChangesNothing()
    {
        var claims = new EtcdClaimsInFlight();
        claims.Begin("vsi1");
        claims.Begin("vsi2");
        claims.Observe("vsi1", "b", "b/hv1", revision: 9);
        claims.Observe("vsi2", "b", "b/hv1", revision: 12);

        Assert.Null(claims.End("vsi1", wonAt: 10));   // the claim's transaction came after that write
        Assert.Null(claims.End("vsi2", wonAt: 0));    // lost or failed: nothing to void
        Assert.False(claims.Observe("vsi1", "b", "b/hv1", revision: 13));   // over: the session's held VSIs take it from here
        Assert.False(claims.Observe("vsi3", "b", "b/hv1", revision: 13));
        Assert.Null(claims.End("vsi3", wonAt: 5));
    }
}
