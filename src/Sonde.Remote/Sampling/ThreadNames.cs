namespace Sonde.Remote.Sampling;

/// <summary>
/// Names threads by their kernel name (<c>/proc/PID/task/TID/comm</c>), which libraries and Python 3.14+ set;
/// the thread whose tid is the PID is the main thread. Names are read once per tid. This is the fallback of
/// <see cref="PythonThreadNames"/>, which prefers the name Python code gave the thread.
/// </summary>
public sealed class ThreadNames(int processId)
{
    private readonly Dictionary<int, string> _names = [];

    public string NameOf(int tid)
    {
        if (tid <= 0) return "unknown";
        if (_names.TryGetValue(tid, out var name)) return name;
        if (tid == processId) name = "MainThread";
        else
        {
            try { name = File.ReadAllText($"/proc/{processId}/task/{tid}/comm").TrimEnd('\n'); }
            catch (IOException) { name = "thread"; }
            catch (UnauthorizedAccessException) { name = "thread"; }
        }
        _names[tid] = name;
        return name;
    }
}
