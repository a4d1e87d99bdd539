// One browser and a few servers at a time: the machine has two cores, and the profiling fixtures measure CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
