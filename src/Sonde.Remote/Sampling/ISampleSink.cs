namespace Sonde.Remote.Sampling;

/// <summary>Receives what the sampler reads. Sinks never touch process memory; they only see plain values.</summary>
public interface ISampleSink
{
    void OnSample(in ThreadSample sample);
}
