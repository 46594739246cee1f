// Bounded polling for what another thread (the forwarding loop) does: never waits longer than the limit.
namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal static class Eventually
{
    public static async Task<bool> HoldsAsync(Func<bool> condition, int milliseconds = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(10).ConfigureAwait(false);
        }
        return condition();
    }
}
