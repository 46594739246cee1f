// The (VID, MAC) key of independent VLAN learning, packed in one word: the FDB's slots, and every
// per-port table of things bound to a VM (ACLs, policers, VSIs), are keyed by it.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Fdb;

internal static class VidMacKey
{
    /// <summary>(VID &lt;&lt; 48) | MAC: never 0 for a usable key, since VID 0 is never one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(int vid, MacAddress mac) => ((ulong)vid << 48) | mac.Value;
}
