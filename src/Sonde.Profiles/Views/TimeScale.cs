namespace Sonde.Profiles.Views;

/// <summary>
/// How to read time out of a profile's samples: which weight column, and how many nanoseconds one unit of it is.
/// </summary>
/// <param name="Estimated">True when time is a count of samples times the sampling interval.</param>
public sealed record TimeScale(int WeightIndex, double NanosecondsPerUnit, bool Estimated)
{
    /// <summary>
    /// The <c>wall</c> weight, else any time weight, else the sample count times the sampling interval;
    /// null when the profile says nothing about time (a folded file with bare counts).
    /// </summary>
    public static TimeScale? Of(Profile profile)
    {
        var wall = profile.WeightIndex(WeightType.WallTime.Name);
        if (wall >= 0 && profile.WeightTypes[wall].IsTime) return new TimeScale(wall, 1, false);
        for (var i = 0; i < profile.WeightTypes.Count; i++)
            if (profile.WeightTypes[i].IsTime) return new TimeScale(i, 1, false);
        var samples = profile.WeightIndex(WeightType.Samples.Name);
        var rate = profile.Metadata.Sampler.AchievedRateHz > 0 ? profile.Metadata.Sampler.AchievedRateHz : profile.Metadata.Sampler.RequestedRateHz;
        if (samples >= 0 && rate > 0) return new TimeScale(samples, 1e9 / rate, true);
        return null;
    }

    public long ToNanoseconds(long value) => (long)Math.Round(value * NanosecondsPerUnit);
}
