// The Host suite's Eventually.cs is linked in (ApplianceProcess waits with it), so two classes named
// Eventually exist here; files importing both helper namespaces would find the name ambiguous. In this
// project `Eventually` means its own (HoldsAsync); the Host one stays reachable by its full name.
global using Eventually = Hairpin.DumbVswitch.Tests.Infrastructure.Eventually;
