"""Sonde's tracing agent: collects exact call statistics and line timings inside a Python process and streams
them to Sonde, which aggregates and reports them. Standard library only; see docs/trace.md."""
